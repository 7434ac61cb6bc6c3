"""The inspectorate's sentences of the quarterly report (`workflows.reporting`).

From the records of the period, as of its end (or the report date `as_of`):
- the penalty decisions followed up in it: decided by the period's end, the fine not
  yet paid in full before its start, the case not closed before it; how many had paid
  their fine in full by `as_of` (treasury receipts dated ≤ `as_of`) and how much, how
  many had not and how much is outstanding — with the penalty-proposal dossiers
  received in the period: "Đôn đốc 08 đơn vị kinh doanh vàng thực hiện các Quyết định
  xử phạt vi phạm hành chính (đến thời điểm báo cáo có 07/08 đơn vị đã nộp 74.000.000đ
  …, 01/08 đơn vị chưa nộp 11.000.000đ …); tiếp nhận 03 hồ sơ đề nghị xử phạt …";
- the surprise checks decided in the period (field 5, standards and metrology);
- for the next quarter's plan: the inspections planned for it.

The fine paid counts receipts up to the fine's amount: a surcharge paid on top is not
"tiền xử phạt".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.periods import Quarter
from workflows.reporting import RecordRef, ReportFigure, two_digits, vn_date, vn_money

from .models import Inspection, PenaltyCase, TreasuryReceipt


def _case_ref(case: PenaltyCase, what: str) -> RecordRef:
    return RecordRef(
        label=f"{what} – {case.violator_name}",
        url=reverse("penalties:case", args=[case.pk]),
    )


def _paid_by(cases: list[PenaltyCase], day: date) -> dict[int, int]:
    """The fine paid by `day` of each case (receipts dated ≤ `day`, up to the fine)."""
    paid = defaultdict(int)
    for case_id, amount in TreasuryReceipt.objects.filter(
        case__in=cases, value_date__lte=day
    ).values_list("case_id", "amount"):
        paid[case_id] += amount
    return {c.pk: min(paid[c.pk], c.amount) for c in cases}


def _who(cases) -> str:
    """How the report names the violators: "đơn vị kinh doanh vàng" when every case is
    about gold trading, "tổ chức, cá nhân" otherwise."""
    if cases and all("kinh doanh vàng" in (c.violation or "").lower() for c in cases):
        return _("đơn vị kinh doanh vàng")
    if cases and all(c.violator_is_organisation for c in cases):
        return _("đơn vị")
    return _("tổ chức, cá nhân")


def collection_figures(*, start: date, end: date, as_of: date | None = None) -> list[ReportFigure]:
    as_of = as_of or end
    candidates = list(
        PenaltyCase.objects.filter(decided_on__lte=end, amount__gt=0)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .exclude(decision_number="")
        .order_by("decided_on", "record_number")
    )
    before = _paid_by(candidates, start - timedelta(days=1))
    followed = [c for c in candidates if before[c.pk] < c.amount]
    paid_now = _paid_by(followed, as_of)
    full = [c for c in followed if paid_now[c.pk] >= c.amount]
    short = [c for c in followed if paid_now[c.pk] < c.amount]
    proposals = list(
        Inspection.objects.filter(
            kind=Inspection.Kind.PROPOSAL, issued_on__gte=start, issued_on__lte=end
        ).order_by("issued_on", "id")
    )
    proposal_cases = list(
        PenaltyCase.objects.filter(inspection__in=proposals).order_by("record_on", "pk")
    )
    parts = []
    unit = _("đơn vị") if all(c.violator_is_organisation for c in followed) else _("trường hợp")
    if followed:
        n = len(followed)
        details = []
        if full:
            details.append(
                _("%(k)s/%(n)s %(who)s đã nộp %(money)s tiền xử phạt vi phạm hành chính")
                % {
                    "k": two_digits(len(full)),
                    "n": two_digits(n),
                    "who": unit,
                    "money": vn_money(sum(paid_now[c.pk] for c in full)),
                }
            )
        if short:
            details.append(
                _("%(k)s/%(n)s %(who)s chưa nộp %(money)s tiền xử phạt vi phạm hành chính")
                % {
                    "k": two_digits(len(short)),
                    "n": two_digits(n),
                    "who": unit,
                    "money": vn_money(sum(c.amount - paid_now[c.pk] for c in short)),
                }
            )
        when = (
            _("đến thời điểm báo cáo")
            if as_of == end
            else _("đến ngày %(d)s") % {"d": vn_date(as_of)}
        )
        parts.append(
            _(
                "Đôn đốc %(n)s %(who)s thực hiện các Quyết định xử phạt vi phạm hành chính "
                "(%(when)s có %(details)s)"
            )
            % {
                "n": two_digits(n),
                "who": _who(followed),
                "when": when,
                "details": ", ".join(details),
            }
        )
    if proposals:
        subjects = {p.subjects for p in proposals}
        about = ""
        if len(subjects) == 1 and proposals[0].subjects:
            s = proposals[0].subjects
            about = _(" đối với các %(s)s") % {"s": s[:1].lower() + s[1:]}
        parts.append(
            _("tiếp nhận %(n)s hồ sơ đề nghị xử phạt vi phạm hành chính%(about)s")
            % {"n": two_digits(len(proposals)), "about": about}
        )
    if not parts:
        return []
    text = "; ".join(parts) + "."
    text = text[:1].upper() + text[1:]

    def standing(c) -> str:
        if paid_now[c.pk] >= c.amount:
            return _("đã nộp %(m)s") % {"m": vn_money(paid_now[c.pk])}
        return _("chưa nộp %(m)s") % {"m": vn_money(c.amount - paid_now[c.pk])}

    records = [
        _case_ref(
            c,
            _("Quyết định xử phạt %(n)s (%(s)s)") % {"n": c.decision_number, "s": standing(c)},
        )
        for c in followed
    ] + [
        _case_ref(c, _("Hồ sơ đề nghị xử phạt (biên bản %(n)s)") % {"n": c.record_number})
        for c in proposal_cases
    ]
    return [ReportFigure(section="inspection", order=40, text=text, records=tuple(records))]


def surprise_check_figures(*, start: date, end: date) -> list[ReportFigure]:
    figures = []
    rows = list(
        Inspection.objects.filter(
            kind=Inspection.Kind.SURPRISE, issued_on__gte=start, issued_on__lte=end
        ).order_by("issued_on", "id")
    )
    cases_of = defaultdict(list)
    for case in PenaltyCase.objects.filter(inspection__in=rows).order_by("record_on", "pk"):
        cases_of[case.inspection_id].append(case)
    for i, row in enumerate(rows):
        what = row.title[:1].lower() + row.title[1:]
        where = f" ({row.subjects})" if row.subjects else ""
        amended = (
            _(" (điều chỉnh, bổ sung nội dung tại Quyết định số %(d)s)") % {"d": row.amended_by}
            if row.amended_by
            else ""
        )
        text = _(
            "Thực hiện %(what)s%(where)s theo Quyết định số %(number)s ngày %(date)s của Sở "
            "Khoa học và Công nghệ%(amended)s."
        ) % {
            "what": what,
            "where": where,
            "number": row.number,
            "date": vn_date(row.issued_on),
            "amended": amended,
        }
        refs = tuple(_case_ref(c, c.record_number) for c in cases_of[row.pk]) or (
            RecordRef(label=str(row), url=""),
        )
        figures.append(ReportFigure(section="standards", order=10 + i, text=text, records=refs))
    return figures


def planned_inspection_figures(*, start: date, end: date) -> list[ReportFigure]:
    """The inspections planned for the next quarter (`planned_for` names it: "Quý
    II/2024")."""
    next_label = Quarter.containing(end + timedelta(days=1)).label
    wanted = "".join(next_label.lower().split())
    figures = []
    rows = Inspection.objects.filter(kind=Inspection.Kind.PLAN).order_by("id")
    for i, row in enumerate(r for r in rows if "".join(r.planned_for.lower().split()) == wanted):
        where = f" ({row.subjects})" if row.subjects else ""
        text = _("Chuẩn bị triển khai cuộc thanh tra trong %(q)s: %(what)s%(where)s.") % {
            "q": next_label[:1].lower() + next_label[1:],
            "what": row.title[:1].lower() + row.title[1:],
            "where": where,
        }
        figures.append(
            ReportFigure(
                section="plan_inspection",
                order=10 + i,
                text=text,
                records=(RecordRef(label=str(row), url=""),),
            )
        )
    return figures


def penalty_report_figures(
    *, start: date, end: date, as_of: date | None = None
) -> list[ReportFigure]:
    """Every sentence of the inspectorate for the period (the registry's builder)."""
    return (
        collection_figures(start=start, end=end, as_of=as_of)
        + surprise_check_figures(start=start, end=end)
        + planned_inspection_figures(start=start, end=end)
    )
