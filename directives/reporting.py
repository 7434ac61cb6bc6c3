"""What the assignments contribute to the managers' views and the quarterly report."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.reporting import RecordRef, ReportFigure, two_digits

from . import rules
from .models import LEDGER_KIND, Assignment, Extension, Result, Status

SECTION = "directives"
# the share of completed assignments done early or on time above which the report says
# "cơ bản hoàn thành trước và đúng tiến độ"
MOSTLY_ON_TIME = 0.9


def case_url(object_id: str, dossier_code: str = "") -> str:
    return reverse("directives:assignment", args=[int(object_id)])


def kind_label(kind: str) -> str:
    if kind == LEDGER_KIND:
        return _("Hạn hoàn thành nhiệm vụ UBND tỉnh giao")
    return kind


def handled_in(start: date, end: date):
    """Assignments handled in the period: received by its end, not completed before its
    start, and not withdrawn by the Committee by its end."""
    return (
        Assignment.objects.filter(received_on__lte=end)
        .exclude(completed_on__lt=start)
        .exclude(status=Status.CANCELLED, cancelled_on__lte=end)
    )


def _due_at(assignment: Assignment, end: date) -> date:
    """The due date in force at the period's end (an extension granted later does not
    count)."""
    later = [e for e in assignment.later_extensions if e.at.date() > end]
    return later[0].old_due_on if later else assignment.due_on


def period_split(start: date, end: date) -> dict:
    rows = list(
        handled_in(start, end)
        .only(
            "pk",
            "code",
            "source_kind",
            "source_number",
            "source_date",
            "due_on",
            "completed_on",
            "result",
            "received_on",
        )
        .prefetch_related(
            Prefetch(
                "extensions",
                queryset=Extension.objects.order_by("at", "id").only(
                    "assignment_id", "at", "old_due_on"
                ),
                to_attr="later_extensions",
            )
        )
        .order_by("received_on", "id")
    )
    split = {Result.EARLY: 0, Result.ON_TIME: 0, Result.LATE: 0, "open": 0, "open_overdue": 0}
    for a in rows:
        if a.completed_on is not None and a.completed_on <= end:
            split[a.result] += 1
        else:
            split["open"] += 1
            if rules.effective_due(_due_at(a, end)) < end:
                split["open_overdue"] += 1
    return {"rows": rows, **split}


def report_figures(*, start: date, end: date) -> list[ReportFigure]:
    s = period_split(start, end)
    rows = s["rows"]
    if not rows:
        return []
    records = tuple(
        RecordRef(label=f"{a.code} – {a.source_label}", url=case_url(str(a.pk))) for a in rows
    )
    done = s[Result.EARLY] + s[Result.ON_TIME] + s[Result.LATE]
    good = s[Result.EARLY] + s[Result.ON_TIME]
    if done and good == done and not s["open_overdue"]:
        assessment = _("các nhiệm vụ hoàn thành trước và đúng tiến độ")
    elif done and good / done >= MOSTLY_ON_TIME:
        assessment = _("các nhiệm vụ cơ bản hoàn thành trước và đúng tiến độ")
    else:
        assessment = _("một số nhiệm vụ còn chậm so với tiến độ")
    headline = _(
        "Trong kỳ báo cáo Sở Khoa học và Công nghệ tham mưu thực hiện %(n)s nhiệm vụ UBND "
        "tỉnh, chủ tịch UBND tỉnh giao, %(assessment)s."
    ) % {"n": two_digits(len(rows)), "assessment": assessment}
    detail = _(
        "Trong đó: hoàn thành trước hạn %(early)s, đúng hạn %(on_time)s, quá hạn %(late)s; "
        "đang thực hiện %(open)s"
    ) % {
        "early": two_digits(s[Result.EARLY]),
        "on_time": two_digits(s[Result.ON_TIME]),
        "late": two_digits(s[Result.LATE]),
        "open": two_digits(s["open"]),
    }
    if s["open_overdue"]:
        detail += _(" (%(n)s nhiệm vụ đã quá hạn)") % {"n": two_digits(s["open_overdue"])}
    detail += "."
    return [
        ReportFigure(section=SECTION, order=1, text=headline, records=records),
        ReportFigure(section=SECTION, order=2, text=detail, records=records),
    ]
