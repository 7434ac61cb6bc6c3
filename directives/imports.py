"""Import of the office's assignment book (sổ theo dõi nhiệm vụ UBND tỉnh giao), from
.xlsx or .csv, as one service.

Every line is checked first (the same rules as one assignment at a time, and the
officer, divisions and duplicates); any bad line refuses the whole file with every
problem listed by line and column, and nothing is created. A good file is written in
bulk: the assignments, their supporting divisions, their ledger rows (open, or closed met
/ missed for the lines already completed) and one audit row each — a handful of queries
whatever the number of lines.

Columns (first row, in any order; the optional ones may be missing): Cơ quan giao, Loại
văn bản giao, Số văn bản giao, Ngày văn bản giao, Nội dung nhiệm vụ, Ngày nhận, Hạn hoàn
thành, Phòng chủ trì, [Phòng phối hợp (separated by ";")], [Cán bộ thực hiện (login)],
[Loại văn bản hoàn thành, Số văn bản hoàn thành, Ngày văn bản hoàn thành, Ngày hoàn
thành]. A line with a completion document is imported completed, with its result.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.errors import DomainError
from workflows.ledger import ladder_for, next_action_on
from workflows.models import AuditEntry, Deadline, Division
from workflows.roles import Role
from workflows.selectors import procedure_version_for, role_group

from . import access, rules
from .models import (
    LEDGER_KIND,
    PROCEDURE_CODE,
    Assignment,
    ImportBatch,
    OutgoingKind,
    Result,
    Source,
    SourceKind,
    Status,
)
from .services import allocate_codes

MAX_LINES = 5000

# key, header, required
COLUMNS = [
    ("source", gettext_lazy("Cơ quan giao"), True),
    ("source_kind", gettext_lazy("Loại văn bản giao"), True),
    ("source_number", gettext_lazy("Số văn bản giao"), True),
    ("source_date", gettext_lazy("Ngày văn bản giao"), True),
    ("content", gettext_lazy("Nội dung nhiệm vụ"), True),
    ("received_on", gettext_lazy("Ngày nhận"), True),
    ("due_on", gettext_lazy("Hạn hoàn thành"), True),
    ("lead_division", gettext_lazy("Phòng chủ trì"), True),
    ("supporting", gettext_lazy("Phòng phối hợp"), False),
    ("officer", gettext_lazy("Cán bộ thực hiện"), False),
    ("outgoing_kind", gettext_lazy("Loại văn bản hoàn thành"), False),
    ("outgoing_number", gettext_lazy("Số văn bản hoàn thành"), False),
    ("outgoing_date", gettext_lazy("Ngày văn bản hoàn thành"), False),
    ("completed_on", gettext_lazy("Ngày hoàn thành"), False),
]
HEADERS = [str(h) for _k, h, _r in COLUMNS]
DATE_FIELDS = {"source_date", "received_on", "due_on", "outgoing_date", "completed_on"}


class ImportRefused(DomainError):
    """The file is refused; `problems` lists every bad line and column."""

    code = "import_refused"

    def __init__(self, message, problems: list[str]):
        super().__init__(message)
        self.problems = problems


@dataclass
class ImportResult:
    batch: ImportBatch
    created: int
    completed: int
    codes: list[str] = field(default_factory=list)


def _norm(text) -> str:
    text = unicodedata.normalize("NFC", str(text or "")).strip().lower()
    return " ".join(text.split())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _rows(file_name: str, content: bytes) -> list[list]:
    name = (file_name or "").lower()
    if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # a corrupt or foreign file: openpyxl raises many kinds
            raise DomainError(
                _("Tệp Excel không đọc được (tệp hỏng hoặc không phải .xlsx)."), code="invalid"
            ) from exc
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(_("Tệp CSV phải được lưu với bảng mã UTF-8."), code="invalid") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _choice_map(choices) -> dict[str, str]:
    """Normalised code and label → code (labels translated once per import)."""
    out = {}
    for code, label in choices:
        out[_norm(code)] = code
        out[_norm(label)] = code
    return out


def assignments_import(
    *, actor, file_name: str, content: bytes, request_ip: str | None = None
) -> ImportResult:
    """Import the book; refused whole (`ImportRefused` with every problem) or created
    whole."""
    access.authorize("import", None, actor)
    rows = [r for r in _rows(file_name, content) if any(c not in (None, "") for c in r)]
    if not rows:
        raise DomainError(_("Tệp không có dữ liệu."), code="invalid")
    header = [_norm(h) for h in rows[0]]
    where: dict[str, int] = {}
    missing = []
    for key, label, required in COLUMNS:
        norm = _norm(label)
        if norm in header:
            where[key] = header.index(norm)
        elif required:
            missing.append(str(label))
    if missing:
        raise ImportRefused(
            _("Tệp thiếu cột: %(c)s.") % {"c": ", ".join(f"“{m}”" for m in missing)},
            [_("Dòng tiêu đề phải có các cột: %(c)s.") % {"c": ", ".join(HEADERS)}],
        )
    lines = rows[1:]
    if not lines:
        raise DomainError(_("Tệp chỉ có dòng tiêu đề, không có nhiệm vụ nào."), code="invalid")
    if len(lines) > MAX_LINES:
        raise DomainError(
            _("Tệp có %(n)s dòng, vượt quá %(m)s dòng một lần nhập.")
            % {"n": len(lines), "m": MAX_LINES},
            code="invalid",
        )
    today = timezone.localdate()
    divisions = {}
    for d in Division.objects.all():
        divisions[_norm(d.code)] = d
        divisions[_norm(d.name)] = d
    usernames = set()
    for line in lines:
        if "officer" in where and where["officer"] < len(line) and line[where["officer"]]:
            usernames.add(str(line[where["officer"]]).strip())
    users: dict[str, dict] = {}
    for username, pk, division_id, group, active in (
        get_user_model()
        .objects.filter(username__in=usernames)
        .values_list("username", "pk", "division_id", "groups__name", "is_active")
    ):
        u = users.setdefault(username, {"pk": pk, "division": division_id, "roles": set()})
        u["active"] = active
        if group:
            u["roles"].add(group)

    source_map = _choice_map(Source.choices)
    kind_map = _choice_map(SourceKind.choices)
    outgoing_map = _choice_map(OutgoingKind.choices)
    labels = {k: str(lbl) for k, lbl, _r in COLUMNS}
    problems: list[str] = []
    parsed: list[dict] = []
    for offset, line in enumerate(lines, start=2):
        values: dict = {}
        bad: list[str] = []

        def cell(key, line=line):
            i = where.get(key)
            if i is None or i >= len(line) or line[i] is None:
                return ""
            v = line[i]
            return v if isinstance(v, date | datetime) else str(v).strip()

        def report(key, message, offset=offset, bad=bad):
            label = labels.get(key, "")
            if key and key in where:
                bad.append(
                    _("Dòng %(n)s, cột %(l)s “%(c)s”: %(m)s")
                    % {"n": offset, "l": _column_letter(where[key]), "c": label, "m": message}
                )
            else:
                bad.append(_("Dòng %(n)s: %(m)s") % {"n": offset, "m": message})

        for key, _label, required in COLUMNS:
            raw = cell(key)
            if key in DATE_FIELDS:
                try:
                    values[key] = _date(raw)
                except ValueError:
                    report(
                        key, _("“%(v)s” không phải ngày (ghi theo dạng 26/02/2024).") % {"v": raw}
                    )
                    values[key] = None
                    continue
            else:
                values[key] = raw
            if required and values[key] in ("", None) and key not in DATE_FIELDS:
                report(key, _("không được để trống."))
        source = source_map.get(_norm(values["source"])) if values["source"] else None
        if values["source"] and source is None:
            report("source", _("ghi “UBND tỉnh” hoặc “Chủ tịch UBND tỉnh”."))
        kind = kind_map.get(_norm(values["source_kind"])) if values["source_kind"] else None
        if values["source_kind"] and kind is None:
            report(
                "source_kind",
                _("loại văn bản không hợp lệ (ghi một trong: %(k)s).")
                % {"k": ", ".join(str(lbl) for _c, lbl in SourceKind.choices)},
            )
        lead = divisions.get(_norm(values["lead_division"])) if values["lead_division"] else None
        if values["lead_division"] and lead is None:
            report("lead_division", _("không có đơn vị “%(v)s”.") % {"v": values["lead_division"]})
        supporting = []
        for part in str(values.get("supporting") or "").split(";"):
            if not part.strip():
                continue
            d = divisions.get(_norm(part))
            if d is None:
                report("supporting", _("không có đơn vị “%(v)s”.") % {"v": part.strip()})
            elif lead is None or d.pk != lead.pk:
                supporting.append(d)
        for p in rules.check_new(
            source_date=values["source_date"],
            received_on=values["received_on"],
            due_on=values["due_on"],
            today=today,
        ):
            report(p.field, p.message)
        officer = None
        if values.get("officer"):
            u = users.get(values["officer"])
            if u is None or not u.get("active"):
                report("officer", _("không có tài khoản “%(v)s”.") % {"v": values["officer"]})
            elif lead is not None and (
                u["division"] != lead.pk or not (u["roles"] & access.DIVISION_STAFF_ROLES)
            ):
                report(
                    "officer",
                    _("“%(v)s” không phải cán bộ của %(d)s.") % {"v": values["officer"], "d": lead},
                )
            else:
                officer = u["pk"]
        completed = bool(
            values.get("outgoing_number")
            or values.get("outgoing_date")
            or values.get("outgoing_kind")
        )
        out_kind = None
        if completed:
            out_kind = outgoing_map.get(_norm(values.get("outgoing_kind")))
            if out_kind is None:
                report(
                    "outgoing_kind",
                    _("loại văn bản hoàn thành không hợp lệ (ghi một trong: %(k)s).")
                    % {"k": ", ".join(str(lbl) for _c, lbl in OutgoingKind.choices)},
                )
            if not values.get("officer"):
                report("officer", _("nhiệm vụ đã hoàn thành phải ghi cán bộ thực hiện."))
            if values["received_on"] is not None:
                for p in rules.check_completion(
                    received_on=values["received_on"],
                    completed_on=values.get("completed_on"),
                    document_number=values.get("outgoing_number") or "",
                    document_date=values.get("outgoing_date"),
                    today=today,
                ):
                    report(
                        {
                            "document_number": "outgoing_number",
                            "document_date": "outgoing_date",
                        }.get(p.field, p.field),
                        p.message,
                    )
        if bad:
            problems.extend(bad)
            continue
        parsed.append(
            {
                **values,
                "line": offset,
                "source": source,
                "source_kind": kind,
                "lead": lead,
                "supporting_list": supporting,
                "officer_id": officer,
                "completed": completed,
                "outgoing_kind": out_kind or "",
            }
        )
    # the same document and content twice, in the file or already in the register
    seen: dict[tuple, int] = {}
    for p in parsed:
        key = (p["source_number"], p["source_date"], _norm(p["content"]))
        if key in seen:
            problems.append(
                _("Dòng %(n)s: trùng với dòng %(m)s (cùng số, ngày văn bản và nội dung).")
                % {"n": p["line"], "m": seen[key]}
            )
        else:
            seen[key] = p["line"]
    if parsed:
        existing = set(
            Assignment.objects.filter(
                source_number__in={p["source_number"] for p in parsed}
            ).values_list("source_number", "source_date", "content")
        )
        existing = {(n, d, _norm(c)) for n, d, c in existing}
        for p in parsed:
            if (p["source_number"], p["source_date"], _norm(p["content"])) in existing:
                problems.append(
                    _("Dòng %(n)s: nhiệm vụ này đã có trong sổ (số văn bản %(s)s).")
                    % {"n": p["line"], "s": p["source_number"]}
                )
    if problems:
        raise ImportRefused(
            _("Tệp có %(n)s lỗi; chưa nhập nhiệm vụ nào. Sửa các dòng dưới đây rồi nhập lại.")
            % {"n": len(problems)},
            problems,
        )
    return _write(actor, file_name, parsed, request_ip)


def _write(actor, file_name: str, parsed: list[dict], request_ip) -> ImportResult:
    version_cache: dict = {}
    heads = role_group(Role.HEAD_OF_DIVISION)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=(file_name or "")[:200], rows=len(parsed), actor=actor
        )
        codes: dict[int, list[str]] = {}
        by_year: dict[int, int] = {}
        for p in parsed:
            by_year[p["received_on"].year] = by_year.get(p["received_on"].year, 0) + 1
        for year, n in sorted(by_year.items()):
            codes[year] = allocate_codes(year, n)
        assignments = []
        for p in parsed:
            year = p["received_on"].year
            if year not in version_cache:
                version_cache[year] = procedure_version_for(PROCEDURE_CODE, p["received_on"])
            result = ""
            completed_on = None
            if p["completed"]:
                completed_on = p.get("completed_on") or p["outgoing_date"]
                result = rules.classify(completed_on, p["due_on"])
            status = (
                Status.COMPLETED
                if p["completed"]
                else Status.IN_PROGRESS
                if p["officer_id"]
                else Status.RECEIVED
            )
            assignments.append(
                Assignment(
                    code=codes[year].pop(0),
                    procedure_version=version_cache[year],
                    source=p["source"],
                    source_kind=p["source_kind"],
                    source_number=p["source_number"],
                    source_date=p["source_date"],
                    content=p["content"],
                    received_on=p["received_on"],
                    due_on=p["due_on"],
                    original_due_on=p["due_on"],
                    last_day=rules.effective_due(p["due_on"]),
                    lead_division=p["lead"],
                    officer_id=p["officer_id"],
                    status=status,
                    completed_on=completed_on,
                    outgoing_kind=p["outgoing_kind"],
                    outgoing_number=p.get("outgoing_number") or "",
                    outgoing_date=p.get("outgoing_date"),
                    result=result,
                    batch=batch,
                )
            )
        Assignment.objects.bulk_create(assignments)
        through = Assignment.supporting_divisions.through
        through.objects.bulk_create(
            through(assignment_id=a.pk, division_id=d.pk)
            for a, p in zip(assignments, parsed, strict=True)
            for d in p["supporting_list"]
        )
        ct = ContentType.objects.get_for_model(Assignment)
        deadlines = []
        audits = []
        for a in assignments:
            row = Deadline(
                content_type=ct,
                object_id=str(a.pk),
                kind=LEDGER_KIND,
                procedure_version=a.procedure_version,
                procedure_code=PROCEDURE_CODE,
                dossier_code=a.code,
                title=a.content[:300],
                owner_user_id=a.officer_id,
                owner_group=None if a.officer_id else heads,
                owner_division=a.lead_division,
                due_date=a.last_day,
            )
            if a.status == Status.COMPLETED:
                row.state = Deadline.State.MISSED if a.result == Result.LATE else Deadline.State.MET
                row.closed_on = a.completed_on
            row.next_action_on = next_action_on(row, ladder_for(row))
            deadlines.append(row)
            audits.append(
                AuditEntry(
                    content_type=ct,
                    object_id=str(a.pk),
                    actor=actor,
                    action="import",
                    to_state=a.status,
                    note=a.source_label,
                    ip=request_ip or None,
                    data={"batch": batch.pk, "due_on": a.due_on.isoformat(), "result": a.result},
                )
            )
        Deadline.objects.bulk_create(deadlines)
        AuditEntry.objects.bulk_create(audits)
    return ImportResult(
        batch=batch,
        created=len(assignments),
        completed=sum(1 for a in assignments if a.status == Status.COMPLETED),
        codes=[a.code for a in assignments],
    )


def book_csv(rows: list[dict]) -> bytes:
    """A book in the import's CSV layout from dicts keyed by the column keys (the demo
    writes its history this way, and the import page offers it as a template)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for r in rows:
        writer.writerow([_cell(r.get(k)) for k, _h, _r in COLUMNS])
    return out.getvalue().encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)
