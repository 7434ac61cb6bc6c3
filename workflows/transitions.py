"""The one way a case changes its legal status.

`transition_perform` is written once and used by every domain service:

1. opens a transaction and locks the case row (`SELECT … FOR UPDATE`), with what the
   caller's `queryset` joins to it (its clocks, its applicant: no query later);
2. checks the transition is possible from the current state and its conditions hold;
3. checks the actor's permission (the `permission=` of the `@transition`);
4. runs the django-fsm-2 transition on the protected field;
5. writes one audit row (who, when, from, to, note, IP);
6. runs the caller's `effects(case)` in the same transaction: clock and ledger changes
   (the clock events of the transition are written in one INSERT) and outbox rows;
7. saves only the fields that changed: the state field and those the effects set with
   `case_set` (one UPDATE);
8. runs the caller's `after(case)` in the same transaction (the procedure's task list,
   e.g. viewflow, follows the new state), so everything commits together;
9. anything that talks to the outside world is deferred with `after_commit`.

A refused transition raises a `DomainError` and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from .audit import audit_record
from .errors import ActionForbidden, TransitionRefused
from .sql import save_fields

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)


def after_commit(fn: Callable[[], Any]) -> None:
    """Run `fn` once the current transaction commits (at once outside a transaction).

    A failing callback is logged and does not stop the others: what it was meant to do
    is also recorded as a row (the outbox) that a beat task picks up again.
    """
    transaction.on_commit(fn, robust=True)


def _outermost():
    conn = connections[DEFAULT_DB_ALIAS]  # one lookup, not one per attribute
    return conn.atomic_blocks[0] if conn.in_atomic_block else None


def mark_held(obj: Model) -> Model:
    """Note that `obj` was read under a row lock (its own or its case's) in the current
    transaction, so the engine's services need not lock and read it again."""
    obj.__dict__["_workflows_held_by"] = _outermost()
    return obj


def is_held(obj: Model | None) -> bool:
    """True if `obj` was marked with `mark_held` in the transaction still open."""
    if obj is None:
        return False
    held_by = obj.__dict__.get("_workflows_held_by")
    return held_by is not None and held_by is _outermost()


def unmark_held(obj: Model) -> None:
    obj.__dict__.pop("_workflows_held_by", None)


def case_lock(queryset: QuerySet[M], pk) -> M:
    """Lock and read one case row inside the caller's transaction; a `transition_perform`
    on the returned object in the same transaction uses it without reading it again."""
    return mark_held(queryset.select_for_update(of=("self",)).get(pk=pk))


def case_set(case: Model, **values: Any) -> None:
    """Set fields of the case from `effects`; `transition_perform` saves them with the
    state in one UPDATE of only the changed fields."""
    changed = case.__dict__.setdefault("_workflows_changed", set())
    for name, value in values.items():
        setattr(case, name, value)
        changed.add(case._meta.get_field(name).name)


def transition_label(case: Model, name: str) -> str:
    method = getattr(type(case), name)
    for t in method._django_fsm.transitions.values():
        label = t.custom.get("label")
        if label:
            return str(label)
    return name


def transition_perform(
    *,
    case: M,
    transition: str,
    actor,
    note: str = "",
    request_ip: str | None = None,
    effects: Callable[[M, str, str], None] | None = None,
    audit_data: dict | None = None,
    system: bool = False,
    queryset: QuerySet | None = None,
    after: Callable[[M, str, str], None] | None = None,
    **kwargs: Any,
) -> M:
    """Perform FSM `transition` on `case` for `actor`; return the locked, updated case.

    `effects(case, from_state, to_state)` runs inside the same transaction and may set
    fields of the case with `case_set`; `after(case, from_state, to_state)` runs after
    the case is saved, still inside the transaction. `queryset` (default: the model's
    manager) is what the row is locked and read with (`select_related` of the rows the
    effects use). `system=True` is for the engine's own timed actions (no person acts):
    the permission check is skipped and the audit row names no actor.
    The `case` object passed in is never modified — on refusal the caller's copy still
    shows the state it had — unless the caller locked it with `case_lock` in its own
    open transaction: then it is used as it is, and the caller's transaction decides.
    """
    model = type(case)
    held = is_held(case)
    unmark_held(case)  # a lock is used once: the object returned is an ordinary copy
    with nullcontext() if held else transaction.atomic():
        if held:
            locked = case
        else:
            qs = queryset if queryset is not None else model._default_manager.all()
            locked = qs.select_for_update(of=("self",)).get(pk=case.pk)
        mark_held(locked)
        try:
            _perform_locked(
                locked,
                transition,
                actor,
                note=note,
                request_ip=request_ip,
                effects=effects,
                audit_data=audit_data,
                system=system,
                after=after,
                kwargs=kwargs,
            )
        finally:
            unmark_held(locked)
    return locked


def _perform_locked(
    locked, transition, actor, *, note, request_ip, effects, audit_data, system, after, kwargs
):
    from .clock import clock_events_batch

    model = type(locked)
    locked.__dict__["_workflows_changed"] = set()
    method = getattr(locked, transition)
    field = method._django_fsm.field
    field_name = field if isinstance(field, str) else field.name
    source = getattr(locked, field_name)
    if not can_proceed(method):
        raise TransitionRefused(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {
                "action": transition_label(locked, transition),
                "state": _state_label(locked, field_name),
            },
        )
    if not system and (actor is None or not has_transition_perm(method, actor)):
        raise ActionForbidden(
            _("Bạn không có quyền thực hiện “%(action)s” đối với hồ sơ này.")
            % {"action": transition_label(locked, transition)}
        )
    try:
        method(**kwargs)
    except TransitionNotAllowed as exc:  # a condition changed under us
        raise TransitionRefused(
            _("Không thể thực hiện “%(action)s”: điều kiện chưa được đáp ứng.")
            % {"action": transition_label(locked, transition)}
        ) from exc
    target = getattr(locked, field_name)
    audit_record(
        case=locked,
        actor=actor,
        action=transition,
        from_state=str(source),
        to_state=str(target),
        note=note,
        ip=request_ip,
        data=audit_data,
    )
    if effects is not None:
        with clock_events_batch():
            effects(locked, str(source), str(target))
    changed = locked.__dict__.pop("_workflows_changed", set())
    save_fields(locked, [field_name, *sorted(changed - {field_name})])
    if after is not None:
        after(locked, str(source), str(target))
    logger.info("%s %s: %s → %s by %s", model.__name__, locked.pk, source, target, actor)


def _state_label(case: Model, field_name: str) -> str:
    display = getattr(case, f"get_{field_name}_display", None)
    return str(display()) if display else str(getattr(case, field_name))
