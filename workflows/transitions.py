"""The one way a case changes its legal status.

`transition_perform` is written once and used by every domain service:

1. opens a transaction and locks the case row (`SELECT … FOR UPDATE`);
2. checks the transition is possible from the current state and its conditions hold;
3. checks the actor's permission (the `permission=` of the `@transition`);
4. runs the django-fsm-2 transition on the protected field and saves;
5. writes one audit row (who, when, from, to, note, IP);
6. runs the caller's `effects(case)` in the same transaction: ledger updates and
   outbox notifications;
7. anything that talks to the outside world is deferred with `after_commit`.

A refused transition raises a `DomainError` and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from .audit import audit_record
from .errors import ActionForbidden, TransitionRefused

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)


def after_commit(fn: Callable[[], Any]) -> None:
    """Run `fn` once the current transaction commits (at once outside a transaction).

    A failing callback is logged and does not stop the others: what it was meant to do
    is also recorded as a row (the outbox) that a beat task picks up again.
    """
    transaction.on_commit(fn, robust=True)


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
    **kwargs: Any,
) -> M:
    """Perform FSM `transition` on `case` for `actor`; return the locked, updated case.

    `effects(case, from_state, to_state)` runs inside the same transaction.
    `system=True` is for the engine's own timed actions (no person acts): the
    permission check is skipped and the audit row names no actor.
    The `case` object passed in is never modified: on refusal the caller's copy
    still shows the state it had.
    """
    model = type(case)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=case.pk)
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
        locked.save()
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
            effects(locked, str(source), str(target))
    logger.info("%s %s: %s → %s by %s", model.__name__, locked.pk, source, target, actor)
    return locked


def _state_label(case: Model, field_name: str) -> str:
    display = getattr(case, f"get_{field_name}_display", None)
    return str(display()) if display else str(getattr(case, field_name))
