"""Reads of the deadline ledger and catalogue. Each costs a constant number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .calendar import add_working_days
from .models import Deadline, ProcedureVersion


def procedure_version_for(code: str, on: date | None = None) -> ProcedureVersion:
    """The version of procedure `code` in force on `on` (today by default)."""
    on = on or timezone.localdate()
    version = (
        ProcedureVersion.objects.select_related("procedure")
        .filter(procedure__code=code, applies_from__lte=on)
        .order_by("-applies_from")
        .first()
    )
    if version is None:
        raise ProcedureVersion.DoesNotExist(f"no version of {code!r} applies on {on}")
    return version


def deadlines_open(
    *,
    owner_user=None,
    division=None,
    procedure_code: str | None = None,
    kind: str | None = None,
) -> QuerySet[Deadline]:
    """Open, running obligations (paused ones wait for the applicant)."""
    qs = Deadline.objects.filter(state=Deadline.State.OPEN, paused=False).select_related(
        "owner_user", "owner_division", "owner_group"
    )
    if owner_user is not None:
        qs = qs.filter(owner_user=owner_user)
    if division is not None:
        qs = qs.filter(owner_division=division)
    if procedure_code:
        qs = qs.filter(procedure_code=procedure_code)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("due_date", "id")


def deadlines_overdue(*, today: date | None = None, **filters) -> QuerySet[Deadline]:
    today = today or timezone.localdate()
    return deadlines_open(**filters).filter(due_date__lt=today)


def deadlines_due_within(*, days: int, today: date | None = None, **filters) -> QuerySet[Deadline]:
    """Due from today up to `days` working days ahead (not yet overdue)."""
    today = today or timezone.localdate()
    return deadlines_open(**filters).filter(
        due_date__gte=today, due_date__lte=add_working_days(today, days)
    )


def deadline_counts(
    *, group_by: str, today: date | None = None, soon_days: int = 2, **filters
) -> list[dict]:
    """Overdue / due-soon / open counts per `group_by` ('owner_division', 'owner_user',
    'procedure_code'), aggregated in one query."""
    allowed = {
        "owner_division": ["owner_division_id", "owner_division__name"],
        "owner_user": [
            "owner_user_id",
            "owner_user__username",
            "owner_user__last_name",
            "owner_user__first_name",
        ],
        "procedure_code": ["procedure_code"],
    }
    today = today or timezone.localdate()
    soon = add_working_days(today, soon_days)
    return list(
        deadlines_open(**filters)
        .order_by()
        .values(*allowed[group_by])
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_date__lt=today)),
            due_soon=Count("id", filter=Q(due_date__gte=today, due_date__lte=soon)),
        )
        .order_by("-overdue", "-due_soon")
    )


def on_time_rate(*, start: date, end: date, **filters) -> dict:
    """Closed obligations in [start, end]: met, missed and the on-time percentage."""
    qs = Deadline.objects.filter(closed_on__gte=start, closed_on__lte=end)
    if filters.get("procedure_code"):
        qs = qs.filter(procedure_code=filters["procedure_code"])
    agg = qs.aggregate(
        met=Count("id", filter=Q(state=Deadline.State.MET)),
        missed=Count("id", filter=Q(state=Deadline.State.MISSED)),
    )
    done = agg["met"] + agg["missed"]
    agg["rate"] = round(100 * agg["met"] / done, 1) if done else None
    return agg
