"""Reads of the councils' pages and API: who sees which councils, what is due next."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast

from workflows.models import Deadline

from . import access
from .models import Council


def councils_visible(user) -> QuerySet[Council]:
    """Council staff see every council; a member sees the councils they sit on; anyone
    else none."""
    qs = Council.objects.select_related("kind", "secretary")
    if access.is_council_staff(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(
        memberships__expert__user=user, memberships__removed_at__isnull=True
    ).distinct()


def councils_of_secretary(user) -> QuerySet[Council]:
    return Council.objects.select_related("kind").filter(secretary=user)


def with_next_due(qs: QuerySet[Council]) -> QuerySet[Council]:
    """Each council with the next open ledger row its secretary owes or watches (title and
    due date), in the same query."""
    ct = ContentType.objects.get_for_model(Council)
    rows = Deadline.objects.filter(
        content_type=ct,
        object_id=Cast(OuterRef("pk"), CharField()),
        owner_user=OuterRef("secretary"),
        state=Deadline.State.OPEN,
    ).order_by("due_date", "id")
    return qs.annotate(
        next_due_on=Subquery(rows.values("due_date")[:1]),
        next_due_title=Subquery(rows.values("title")[:1]),
        next_due_kind=Subquery(rows.values("kind")[:1]),
    )


def council_deadlines(council: Council) -> QuerySet[Deadline]:
    ct = ContentType.objects.get_for_model(Council)
    return Deadline.objects.filter(content_type=ct, object_id=str(council.pk)).select_related(
        "owner_user"
    )
