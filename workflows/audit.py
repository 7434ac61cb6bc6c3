"""The append-only audit trail of cases."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .models import AuditEntry
from .sql import insert


def audit_record(
    *,
    case: Model,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    ip: str | None = None,
    data: dict | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        note=note or "",
        ip=ip or None,
        data=data or {},
    )
    insert([entry])
    return entry


def audit_trail(case: Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(case), object_id=str(case.pk)
    ).select_related("actor")


def audit_trail_list(case: Model) -> list[AuditEntry]:
    """`list(audit_trail(case))`, its SQL compiled once per process."""
    from .selectors import compiled_rows

    ct = ContentType.objects.get_for_model(case)
    return compiled_rows(
        ("workflows.audit_trail", ct.pk),
        lambda object_id: AuditEntry.objects.filter(
            content_type_id=ct.pk, object_id=object_id
        ).select_related("actor"),
        str(case.pk),
    )
