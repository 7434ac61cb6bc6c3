"""Quarterly statistics of administrative procedures (tình hình, kết quả giải quyết
TTHC), in the shape of the reporting form of Circular 01/2020/TT-VPCP.

Every figure is computed **as of the period end** from records that are only ever
appended: the clock events (`ClockEvent`, with `due_before`/`due_after`) and the audit
trail (`AuditEntry`). An event counts for a period when it was recorded (`at`) by the
end of the period's last day (Vietnam time) and its business date (`on`) is not after
that day. Today's status, the clocks' current due date and the ledger rows' current
state are never read, so a past quarter never changes when later events happen
(a result, an extension, a refusal after the period end).

Per case, as of the cut (the end of the period's last day):

- received on: the START event of the intake clock (the completeness check starts the
  day the dossier is received);
- ended on and how: the first audit entry whose `to_state` is one of the source's
  resolved / returned / withdrawn states (its local date);
- the governing clock: the result clock once it has started, otherwise the intake
  clock; its due date as of the cut is the `due_after` of its last event, **without
  the extensions granted by an apology slip**: an apology moves the appointment, it
  does not make a late dossier timely, so the statutory due date is the `due_before`
  of the clock's first extension when there is one;
- paused: the governing clock's last event is a pause (waiting for the applicant);
- apology: an audit entry of the source's apology actions.

The columns (numbers as in the workbook):

    (1) total to handle     = (2) carried over + (3) online + (4) counter + (5) post
    (6) resolved            = (7) early + (8) on time + (9) late
    (10) pending            = (11) not yet due + (12) overdue
    (1)                     = (6) + (10) + (13) returned + (14) withdrawn
    (15) late with apology  ≤ (9) + (12)
    (16) on-time rate       = ((7) + (8)) / (6)

Carried over: received before the period and not ended before it (the previous
period's pending, (10) of the previous quarter). Early: the result on a day before the
due date; on time: on the due date; late: after it. Pending not yet due: the due date is
the cut's day or later, or the clock is paused; overdue: running and due before it.

The case-level facts are one derived table, aggregated per procedure in SQL: one query
per registered source whatever the number of cases, plus one for the catalogue names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .models import AuditEntry, ClockEvent, Division, Procedure
from .periods import Quarter

# --- figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    """The counted columns of one row (a procedure, a field, a division or the total)."""

    carried_over: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_post: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_not_due: int = 0
    pending_overdue: int = 0
    returned: int = 0
    withdrawn: int = 0
    late_with_apology: int = 0

    @property
    def received(self) -> int:
        return self.received_online + self.received_counter + self.received_post

    @property
    def total(self) -> int:
        """(1): what the period had to handle."""
        return self.carried_over + self.received

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def pending(self) -> int:
        return self.pending_not_due + self.pending_overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share of the results given early or on time (None: nothing resolved)."""
        if not self.resolved:
            return None
        return (self.resolved_early + self.resolved_on_time) / self.resolved

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def columns(self) -> list[int | float | None]:
        """The values of the numbered columns (1)…(16), in order."""
        return [
            self.total,
            self.carried_over,
            self.received_online,
            self.received_counter,
            self.received_post,
            self.resolved,
            self.resolved_early,
            self.resolved_on_time,
            self.resolved_late,
            self.pending,
            self.pending_not_due,
            self.pending_overdue,
            self.returned,
            self.withdrawn,
            self.late_with_apology,
            self.on_time_rate,
        ]


COUNTED = tuple(f.name for f in fields(Figures))


@dataclass
class StatisticsRow:
    procedure_code: str
    procedure_name: str
    field: str
    division_code: str
    division_name: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class GroupRow:
    """A row of a grouping (by field or division): its label and summed figures."""

    key: str
    label: str
    figures: Figures
    rows: list[StatisticsRow]


GROUPINGS = ("procedure", "field", "division")


@dataclass
class StatisticsTable:
    """The statistics of one period: a row per procedure (with its field and division)
    and the totals. `snapshot` is set when the table comes from an approved snapshot
    (its version, approver and time), None for live figures."""

    quarter: Quarter
    as_of: date
    rows: list[StatisticsRow]
    snapshot: dict | None = None

    @property
    def total(self) -> Figures:
        total = Figures()
        for row in self.rows:
            total.add(row.figures)
        return total

    def grouped(self, by: str = "procedure") -> list[GroupRow]:
        """The rows summed by field or by division (by procedure: one group per row)."""
        if by not in GROUPINGS:
            raise ValueError(by)
        groups: dict[str, GroupRow] = {}
        for row in self.rows:
            if by == "procedure":
                key, label = row.procedure_code, row.procedure_name
            elif by == "field":
                key, label = row.field, row.field
            else:
                key, label = row.division_code, row.division_name
            group = groups.get(key)
            if group is None:
                group = groups[key] = GroupRow(key, label, Figures(), [])
            group.figures.add(row.figures)
            group.rows.append(row)
        return list(groups.values())

    def restricted(self, division_codes: Iterable[str]) -> StatisticsTable:
        """Only the rows of these divisions (what a head of division sees)."""
        keep = set(division_codes)
        return StatisticsTable(
            self.quarter,
            self.as_of,
            [r for r in self.rows if r.division_code in keep],
            self.snapshot,
        )

    # the JSON of a snapshot
    def to_data(self) -> dict:
        return {
            "period": self.quarter.code,
            "as_of": self.as_of.isoformat(),
            "rows": [
                {**{k: v for k, v in asdict(r).items() if k != "figures"}, **asdict(r.figures)}
                for r in self.rows
            ],
        }

    @classmethod
    def from_data(cls, data: dict, *, snapshot: dict | None = None) -> StatisticsTable:
        rows = []
        for item in data.get("rows", []):
            figures = Figures(**{k: int(item.get(k, 0)) for k in COUNTED})
            rows.append(
                StatisticsRow(
                    procedure_code=item["procedure_code"],
                    procedure_name=item.get("procedure_name", item["procedure_code"]),
                    field=item.get("field", ""),
                    division_code=item.get("division_code", ""),
                    division_name=item.get("division_name", ""),
                    figures=figures,
                )
            )
        return cls(
            Quarter.parse(data["period"]),
            date.fromisoformat(data["as_of"]),
            rows,
            snapshot,
        )


# --- the query -----------------------------------------------------------------------


def _cut(day: date) -> datetime:
    """The last moment of `day` in the project's time zone."""
    start = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(start, timezone.get_current_timezone()) - timedelta(microseconds=1)


def _case_facts(source: registry.StatisticsSource, ct: ContentType, as_of: date):
    """One row per case of the source, received by `as_of`, with the facts above."""
    cut = _cut(as_of)
    Model = apps.get_model(source.model)
    case = {"content_type_id": OuterRef("content_type_id"), "object_id": OuterRef("object_id")}
    events = ClockEvent.objects.filter(
        clock__content_type_id=OuterRef("content_type_id"),
        clock__object_id=OuterRef("object_id"),
        clock__deadline__kind__in=[source.intake_kind, source.result_kind],
        at__lte=cut,
        on__lte=as_of,
    )
    governing = events.annotate(
        governs=Case(
            When(clock__deadline__kind=source.result_kind, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-governs", "-at", "-id")

    def first_extension(kind: str):
        return Subquery(
            events.filter(kind=ClockEvent.Kind.EXTEND, clock__deadline__kind=kind)
            .order_by("at", "id")
            .values("due_before")[:1],
            output_field=models.DateField(),
        )

    final_states = [
        *source.resolved_states,
        *source.returned_states,
        *source.withdrawn_states,
    ]
    end = AuditEntry.objects.filter(**case, to_state__in=final_states, at__lte=cut).order_by(
        "at", "id"
    )
    pk_field = Model._meta.pk
    channel = Model._default_manager.filter(
        pk=Cast(OuterRef("object_id"), output_field=pk_field.__class__())
    ).values(source.channel_field)[:1]
    # the intake clock's row of each case is the base: a case has exactly one
    from .models import Deadline

    return (
        Deadline.objects.filter(
            content_type_id=ct.pk,
            kind=source.intake_kind,
            procedure_code__in=list(source.procedures),
        )
        .annotate(
            recv_on=Subquery(
                events.filter(kind=ClockEvent.Kind.START, clock__deadline__kind=source.intake_kind)
                .order_by("at", "id")
                .values("on")[:1],
                output_field=models.DateField(),
            ),
            end_state=Subquery(end.values("to_state")[:1]),
            end_on=Subquery(
                end.annotate(day=TruncDate("at")).values("day")[:1],
                output_field=models.DateField(),
            ),
            last_due=Subquery(governing.values("due_after")[:1], output_field=models.DateField()),
            last_kind=Subquery(governing.values("kind")[:1]),
            governs=Subquery(governing.values("clock__deadline__kind")[:1]),
            ext_result=first_extension(source.result_kind),
            ext_intake=first_extension(source.intake_kind),
            apology=Exists(
                AuditEntry.objects.filter(
                    **case, action__in=list(source.apology_actions), at__lte=cut
                )
            ),
            channel=Subquery(channel),
        )
        .order_by()
        .values(
            "procedure_code",
            "recv_on",
            "end_state",
            "end_on",
            "last_due",
            "last_kind",
            "governs",
            "ext_result",
            "ext_intake",
            "apology",
            "channel",
        )
    )


class _Sql:
    """A fragment of SQL with its parameters, in order (`a & b` joins them)."""

    def __init__(self, sql: str, *params) -> None:
        self.sql, self.params = sql, list(params)

    def __and__(self, other: _Sql | str) -> _Sql:
        other = other if isinstance(other, _Sql) else _Sql(other)
        return _Sql(self.sql + other.sql, *self.params, *other.params)


def _isin(column: str, values: Iterable[str], *, negate: bool = False) -> _Sql:
    values = list(values) or ["-"]  # IN () is not SQL; a value no state has
    marks = ", ".join(["%s"] * len(values))
    return _Sql(f"{column} {'NOT IN' if negate else 'IN'} ({marks})", *values)


def _counts(source: registry.StatisticsSource, quarter: Quarter, as_of: date) -> dict:
    """{procedure_code: Figures} for the cases of one source: one query."""
    ct = ContentType.objects.get_by_natural_key(*source.model.split("."))
    inner, inner_params = _case_facts(source, ct, as_of).query.sql_with_params()
    ops = connection.ops
    start, end = ops.adapt_datefield_value(quarter.start), ops.adapt_datefield_value(as_of)
    S = _Sql

    def channel(name: str) -> _Sql:
        return _isin("c.channel", [v for v, c in source.channels.items() if c == name])

    def count(condition: _Sql) -> _Sql:
        return S(",\n SUM(CASE WHEN ") & condition & S(" THEN 1 ELSE 0 END)")

    # the statutory due date of the governing clock (apology extensions left out)
    due = (
        S("(CASE WHEN c.governs = %s THEN COALESCE(c.ext_result, c.last_due)", source.result_kind)
        & " ELSE COALESCE(c.ext_intake, c.last_due) END)"
    )
    new = S("c.recv_on >= %s", start)
    resolved = _isin("c.end_state", source.resolved_states)
    pending = S("c.end_on IS NULL")
    overdue = S("(c.last_kind <> %s AND ", ClockEvent.Kind.PAUSE) & due & S(" < %s)", end)
    late = S("(") & resolved & " AND c.end_on > " & due & ")"
    mapped = [v for v in source.channels if source.channels[v] in ("online", "counter", "post")]
    columns = [
        S("c.recv_on < %s", start),
        new & " AND " & channel("online"),
        new & " AND " & channel("counter"),
        new & " AND " & channel("post"),
        resolved & " AND c.end_on < " & due,
        resolved & " AND c.end_on = " & due,
        late,
        pending & " AND NOT " & overdue,
        pending & " AND " & overdue,
        _isin("c.end_state", source.returned_states),
        _isin("c.end_state", source.withdrawn_states),
        S("c.apology AND (") & late & " OR (" & pending & " AND " & overdue & "))",
        # a channel the source did not map: counted at the counter, never lost
        new & " AND (c.channel IS NULL OR " & _isin("c.channel", mapped, negate=True) & ")",
    ]
    # the derived table is computed once: without the fence the planner inlines it and
    # runs each case's subqueries again for every column that reads them (10 × slower)
    fence = " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"
    query = S("SELECT c.procedure_code")
    for column in columns:
        query = query & count(column)
    query = (
        query
        & S(f" FROM ({inner}{fence}) c", *inner_params)
        & S(" WHERE c.recv_on IS NOT NULL AND c.recv_on <= %s", end)
        & S(" AND (c.end_on IS NULL OR c.end_on >= %s) GROUP BY c.procedure_code", start)
    )
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        for code, *values in cursor.fetchall():
            figures = Figures(*(int(v or 0) for v in values[:12]))
            figures.received_counter += int(values[12] or 0)
            out[code] = figures
    return out


def statistics_for_period(quarter: Quarter, *, as_of: date | None = None) -> StatisticsTable:
    """The live figures of `quarter`, computed as of its last day (or of `as_of`, an
    earlier day of the quarter: the figures so far of an open quarter)."""
    if as_of is None or as_of > quarter.end:
        as_of = quarter.end
    as_of = max(as_of, quarter.start)
    counts: dict[str, Figures] = {}
    divisions: dict[str, str] = {}
    fields_of: dict[str, str] = {}
    for source in registry.statistics_sources:
        for code, figures in _counts(source, quarter, as_of).items():
            counts.setdefault(code, Figures()).add(figures)
        for code, division in source.procedures.items():
            divisions.setdefault(code, division)
            if code in source.fields:
                fields_of.setdefault(code, source.fields[code])
    catalogue = {
        p.code: p
        for p in Procedure.objects.filter(code__in=list(divisions)).only("code", "name_vi", "field")
    }
    division_names = dict(
        Division.objects.filter(code__in=set(divisions.values())).values_list("code", "name")
    )
    rows = []
    for code, division in divisions.items():
        procedure = catalogue.get(code)
        rows.append(
            StatisticsRow(
                procedure_code=code,
                procedure_name=procedure.name_vi if procedure else code,
                field=fields_of.get(code) or (procedure.field if procedure else "") or _("Khác"),
                division_code=division,
                division_name=division_names.get(division, division),
                figures=counts.get(code, Figures()),
            )
        )
    rows.sort(key=lambda r: (r.field, r.procedure_name))
    return StatisticsTable(quarter, as_of, rows)


def table_dict(table: StatisticsTable) -> dict[str, Any]:
    """A JSON-friendly view of a table (the API, the report)."""
    return table.to_data() | {"snapshot": table.snapshot}


# --- the workbook ------------------------------------------------------------------------

# The integer columns display with "." between thousands whatever the reader's locale
# (a literal dot: Excel's "," would follow the locale). Counts above 10^9 are not met.
VN_INTEGER = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;0"
RATE = "0%"

# (number, the column's formula over the numbered columns, or None: a counted value)
COLUMN_FORMULAS = {
    1: (2, 3, 4, 5),
    6: (7, 8, 9),
    10: (11, 12),
}
FIRST_COLUMN = 3  # A: STT, B: the procedure; (1) is in C
N_COLUMNS = 16


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(FIRST_COLUMN + number - 1)


def _headers() -> list[tuple[str, int, int, int, int]]:
    """(text, first row, first column, last row, last column) of the header cells, rows
    counted from the header's first row (0) and columns from A (1)."""
    c = FIRST_COLUMN - 1  # column of (n) is c + n
    return [
        (_("STT"), 0, 1, 2, 1),
        (_("Lĩnh vực, thủ tục hành chính"), 0, 2, 2, 2),
        (_("Số hồ sơ nhận giải quyết"), 0, c + 1, 0, c + 5),
        (_("Kết quả giải quyết"), 0, c + 6, 0, c + 14),
        (_("Số hồ sơ quá hạn có phiếu xin lỗi"), 0, c + 15, 2, c + 15),
        (_("Tỷ lệ giải quyết đúng hạn"), 0, c + 16, 2, c + 16),
        (_("Tổng số"), 1, c + 1, 2, c + 1),
        (_("Kỳ trước chuyển qua"), 1, c + 2, 2, c + 2),
        (_("Mới tiếp nhận trong kỳ"), 1, c + 3, 1, c + 5),
        (_("Đã giải quyết"), 1, c + 6, 1, c + 9),
        (_("Đang giải quyết"), 1, c + 10, 1, c + 12),
        (_("Trả lại, từ chối"), 1, c + 13, 2, c + 13),
        (_("Rút hồ sơ"), 1, c + 14, 2, c + 14),
        (_("Trực tuyến"), 2, c + 3, 2, c + 3),
        (_("Trực tiếp"), 2, c + 4, 2, c + 4),
        (_("Bưu chính"), 2, c + 5, 2, c + 5),
        (_("Tổng số"), 2, c + 6, 2, c + 6),
        (_("Trước hạn"), 2, c + 7, 2, c + 7),
        (_("Đúng hạn"), 2, c + 8, 2, c + 8),
        (_("Quá hạn"), 2, c + 9, 2, c + 9),
        (_("Tổng số"), 2, c + 10, 2, c + 10),
        (_("Chưa đến hạn"), 2, c + 11, 2, c + 11),
        (_("Quá hạn"), 2, c + 12, 2, c + 12),
    ]


def _roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out


def statistics_workbook(table: StatisticsTable, *, progress=None) -> bytes:
    """The table as an .xlsx in the form's layout: title rows, merged three-level
    headers, the numbered columns (1)…(16) with the sums as formulas, STT, the rows by
    field (lĩnh vực) then procedure, a "Tổng số" row of SUM formulas, the Vietnamese
    number format, column widths and a frozen header. `progress(percent)` is called as
    rows are written (the export task reports it)."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = table.quarter.code
    last_col = FIRST_COLUMN + N_COLUMNS - 1
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    titles = [
        (_("SỞ KHOA HỌC VÀ CÔNG NGHỆ"), Font(bold=True)),
        (_("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"), Font(bold=True, size=14)),
        (
            _("Kỳ báo cáo: %(label)s (từ ngày %(a)s đến ngày %(b)s)")
            % {
                "label": table.quarter.label,
                "a": table.quarter.start.strftime("%d/%m/%Y"),
                "b": table.quarter.end.strftime("%d/%m/%Y"),
            },
            Font(italic=True),
        ),
        (_stamp(table), Font(italic=True)),
    ]
    for i, (text, font) in enumerate(titles, start=1):
        ws.cell(row=i, column=1, value=text).font = font
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=last_col)
    head = len(titles) + 2  # a blank row, then the headers
    for text, r1, c1, r2, c2 in _headers():
        cell = ws.cell(row=head + r1, column=c1, value=text)
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=head + r1, start_column=c1, end_row=head + r2, end_column=c2)
    numbers_row = head + 3
    ws.cell(row=numbers_row, column=1, value="A")
    ws.cell(row=numbers_row, column=2, value="B")
    for n in range(1, N_COLUMNS + 1):
        ws.cell(row=numbers_row, column=FIRST_COLUMN + n - 1, value=f"({n})")
    for row in ws.iter_rows(min_row=head, max_row=numbers_row, max_col=last_col):
        for cell in row:
            cell.font = bold
            cell.alignment = center
            cell.border = box

    r = numbers_row + 1
    first_data = r
    groups = table.grouped("field")
    written, count = 0, max(1, len(table.rows))
    stt = 0
    for gi, group in enumerate(groups, start=1):
        ws.cell(row=r, column=1, value=_roman(gi)).font = bold
        ws.cell(row=r, column=2, value=group.label).font = bold
        for col in range(1, last_col + 1):
            ws.cell(row=r, column=col).border = box
        r += 1
        for row in group.rows:
            stt += 1
            ws.cell(row=r, column=1, value=stt).alignment = Alignment(horizontal="center")
            ws.cell(row=r, column=2, value=row.procedure_name).alignment = Alignment(
                wrap_text=True, vertical="top"
            )
            _write_figures(ws, r, row.figures)
            for col in range(1, last_col + 1):
                ws.cell(row=r, column=col).border = box
            r += 1
            written += 1
            if progress is not None:
                progress(int(90 * written / count))
    last_data = r - 1
    ws.cell(row=r, column=2, value=_("Tổng số")).font = bold
    for n in range(1, N_COLUMNS + 1):
        letter = _letter(n)
        cell = ws.cell(row=r, column=FIRST_COLUMN + n - 1)
        if n == N_COLUMNS:
            cell.value = _rate_formula(r)
            cell.number_format = RATE
        else:
            cell.value = (
                f"=SUM({letter}{first_data}:{letter}{last_data})" if last_data >= first_data else 0
            )
            cell.number_format = VN_INTEGER
        cell.font = bold
    for col in range(1, last_col + 1):
        ws.cell(row=r, column=col).border = box

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 48
    for n in range(1, N_COLUMNS + 1):
        ws.column_dimensions[_letter(n)].width = 12 if n in (N_COLUMNS - 1, N_COLUMNS) else 10
    ws.row_dimensions[head].height = 30
    ws.row_dimensions[head + 2].height = 45
    ws.freeze_panes = ws.cell(row=first_data, column=FIRST_COLUMN)
    ws.print_title_rows = f"{head}:{numbers_row}"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    out = BytesIO()
    wb.save(out)
    if progress is not None:
        progress(100)
    return out.getvalue()


def _rate_formula(r: int) -> str:
    resolved, early, on_time = _letter(6), _letter(7), _letter(8)
    return f'=IF({resolved}{r}=0,"",({early}{r}+{on_time}{r})/{resolved}{r})'


def _write_figures(ws, r: int, figures: Figures) -> None:
    values = figures.columns()
    for n in range(1, N_COLUMNS + 1):
        cell = ws.cell(row=r, column=FIRST_COLUMN + n - 1)
        if n in COLUMN_FORMULAS:
            cell.value = "=" + "+".join(f"{_letter(k)}{r}" for k in COLUMN_FORMULAS[n])
            cell.number_format = VN_INTEGER
        elif n == N_COLUMNS:
            cell.value = _rate_formula(r)
            cell.number_format = RATE
        else:
            cell.value = values[n - 1]
            cell.number_format = VN_INTEGER


def _stamp(table: StatisticsTable) -> str:
    """The line under the title: live figures or the approved snapshot."""
    as_of = table.as_of.strftime("%d/%m/%Y")
    snap = table.snapshot
    if snap:
        return _(
            "Số liệu đã chốt lần %(v)s, phê duyệt bởi %(who)s lúc %(at)s; tính đến hết ngày %(d)s"
        ) % {
            "v": snap["version"],
            "who": snap["approved_by"],
            "at": snap["approved_at"],
            "d": as_of,
        }
    return _("Số liệu trực tiếp (chưa chốt), tính đến hết ngày %(d)s") % {"d": as_of}
