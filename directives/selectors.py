"""Reads of the assignment pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.audit import audit_trail
from workflows.ledger import deadlines_for_case

from . import access, rules
from .models import Assignment, ProgressNote

STATUS_TONE = {
    "received": "wait",
    "in_progress": "active",
    "completed": "done",
    "cancelled": "muted",
}
RESULT_TONE = {"early": "done", "on_time": "done", "late": "danger"}
WARNING_TONE = {rules.OVERDUE: "danger", rules.DUE_TODAY: "wait", rules.DUE_SOON: "wait"}


def register(user) -> QuerySet[Assignment]:
    """The assignments `user` sees, with what a register line shows (constant queries)."""
    return access.visible(
        Assignment.objects.select_related("lead_division", "officer").prefetch_related(
            "supporting_divisions"
        ),
        user,
    ).order_by("-received_on", "-id")


def counters(user, today: date | None = None) -> dict:
    """Open, overdue, due today and due soon among what `user` sees: one query."""
    from django.db.models import Count, Q

    from .models import OPEN_STATUSES

    today = today or timezone.localdate()
    open_ = Q(status__in=OPEN_STATUSES)
    return access.visible(Assignment.objects.order_by(), user).aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(last_day__lt=today)),
        due_today=Count("pk", filter=open_ & Q(last_day=today)),
        due_soon=Count(
            "pk", filter=open_ & Q(last_day__gt=today, last_day__lte=rules.soon_until(today))
        ),
    )


def warning_of(assignment: Assignment, today: date | None = None) -> str:
    if not assignment.is_open:
        return ""
    return rules.due_warning(assignment.due_on, today or timezone.localdate())


def decorate(rows, today: date | None = None) -> list[Assignment]:
    today = today or timezone.localdate()
    from .forms import WARNINGS

    labels = dict(WARNINGS)
    for a in rows:
        a.warning = warning_of(a, today)
        a.warning_label = labels.get(a.warning, "")
        a.warning_tone = WARNING_TONE.get(a.warning, "")
        a.tone = STATUS_TONE.get(a.status, "active")
        a.result_tone = RESULT_TONE.get(a.result, "")
    return rows


def assignment_for_page(pk: int, user) -> Assignment:
    qs = access.visible(
        Assignment.objects.select_related("lead_division", "officer", "batch").prefetch_related(
            "supporting_divisions",
            "extensions__actor",
            Prefetch("notes", queryset=ProgressNote.objects.select_related("author")),
        ),
        user,
    )
    return qs.get(pk=pk)


@dataclass
class Page:
    audit: list
    deadlines: list


ACTION_LABELS = {
    "create": _("Vào sổ"),
    "import": _("Nhập từ sổ theo dõi"),
    "assign": _("Phân công cán bộ thực hiện"),
    "note": _("Ghi nhận tiến độ"),
    "extend": _("Gia hạn"),
    "complete": _("Hoàn thành"),
    "cancel": _("Dừng thực hiện"),
}


def page_sections(assignment: Assignment) -> Page:
    from .models import Status

    audit = list(audit_trail(assignment))
    for e in audit:
        e.label = ACTION_LABELS.get(e.action, e.action)
        e.to_label = Status(e.to_state).label if e.to_state in Status.values else e.to_state
        e.from_label = Status(e.from_state).label if e.from_state in Status.values else ""
    return Page(audit=audit, deadlines=list(deadlines_for_case(assignment)))
