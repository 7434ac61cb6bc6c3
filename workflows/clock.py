"""The legal clock: a case's statutory time limit, and every change of its due date."""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import add_days, days_between
from .errors import DomainError
from .ledger import deadline_close, deadline_open, deadline_reschedule, deadline_set_paused
from .models import ClockEvent, LegalClock, TimeLimitRule
from .sql import insert, save_fields


def _due(clock: LegalClock) -> date:
    return add_days(
        clock.started_on, clock.amount + clock.paused_units + clock.extended_units, clock.unit
    )


_batch = threading.local()


@contextmanager
def clock_events_batch():
    """Collect the clock events written inside the block and insert them in one query at
    its end (a transition that stops one clock and starts another writes one INSERT)."""
    outer = getattr(_batch, "events", None)
    if outer is not None:  # nested: the outermost batch writes
        yield
        return
    _batch.events = []
    try:
        yield
        events, _batch.events = _batch.events, None
        if events:
            insert(events)
    finally:
        _batch.events = None


def _atomic():
    """A transaction of its own, or none inside the caller's (the caller's rolls back
    everything if a check below refuses; no savepoint round trips)."""
    return nullcontext() if connection.in_atomic_block else transaction.atomic()


def _lock(clock: LegalClock) -> LegalClock:
    """The clock locked; one read under its case's lock in this transaction (see
    `workflows.transitions.mark_held`) is used as it is."""
    from .transitions import is_held, mark_held

    if is_held(clock):
        return clock
    return mark_held(
        LegalClock.objects.select_for_update().select_related("deadline").get(pk=clock.pk)
    )


def _record(clock: LegalClock, kind: str, *, on: date, cause: str, actor, due_before, units=0):
    event = ClockEvent(
        clock=clock,
        kind=kind,
        on=on,
        units=units,
        cause=cause,
        actor=actor if getattr(actor, "pk", None) else None,
        due_before=due_before,
        due_after=clock.due_date,
    )
    pending = getattr(_batch, "events", None)
    if pending is not None:
        pending.append(event)
    else:
        insert([event])


def clock_start(
    *,
    case: Model,
    rule: TimeLimitRule,
    on: date,
    actor,
    cause: str,
    kind: str = "statutory",
    title: str = "",
    dossier_code: str = "",
    owner_user=None,
    owner_group=None,
    owner_division=None,
    paused_cause: str = "",
) -> LegalClock:
    """Start the clock on the event date `on`; the period counts from the next day.

    With `paused_cause` the clock starts and at once waits (paused on `on`, a second
    event with that cause): one row each, as if `clock_pause` had followed."""
    from .transitions import mark_held

    with _atomic():
        due = add_days(on, rule.amount, rule.unit)
        deadline = deadline_open(
            case=case,
            kind=kind,
            due_date=due,
            title=title or rule.name,
            procedure_version=rule.version,
            dossier_code=dossier_code,
            owner_user=owner_user,
            owner_group=owner_group,
            owner_division=owner_division,
            paused=bool(paused_cause),
        )
        clock = LegalClock(
            content_type=ContentType.objects.get_for_model(case),
            object_id=str(case.pk),
            rule=rule,
            deadline=deadline,
            amount=rule.amount,
            unit=rule.unit,
            legal_basis=rule.legal_basis,
            started_on=on,
            due_date=due,
            state=LegalClock.State.PAUSED if paused_cause else LegalClock.State.RUNNING,
            paused_on=on if paused_cause else None,
        )
        insert([clock])
        _record(clock, ClockEvent.Kind.START, on=on, cause=cause, actor=actor, due_before=None)
        if paused_cause:
            _record(
                clock, ClockEvent.Kind.PAUSE, on=on, cause=paused_cause, actor=actor, due_before=due
            )
        return mark_held(clock)


def _require(clock: LegalClock, *states: str) -> None:
    if clock.state not in states:
        raise DomainError(
            _("Thời hạn đang ở trạng thái “%(state)s”, không thể thực hiện thao tác này.")
            % {"state": clock.get_state_display()}
        )


def clock_pause(*, clock: LegalClock, on: date, actor, cause: str) -> LegalClock:
    """Stop counting (waiting for the applicant) from the event date `on`."""
    with _atomic():
        clock = _lock(clock)
        _require(clock, LegalClock.State.RUNNING)
        clock.state = LegalClock.State.PAUSED
        clock.paused_on = on
        save_fields(clock, ["state", "paused_on"])
        deadline_set_paused(deadline=clock.deadline, paused=True)
        _record(
            clock, ClockEvent.Kind.PAUSE, on=on, cause=cause, actor=actor, due_before=clock.due_date
        )
        return clock


def clock_resume(*, clock: LegalClock, on: date, actor, cause: str) -> LegalClock:
    """Count again; the due date moves by the paused days, in the rule's unit."""
    with _atomic():
        clock = _lock(clock)
        _require(clock, LegalClock.State.PAUSED)
        if on < clock.paused_on:
            raise DomainError(_("Ngày tiếp tục tính không được trước ngày tạm dừng."))
        units = max(0, days_between(clock.paused_on, on, clock.unit))
        before = clock.due_date
        clock.paused_units += units
        clock.state = LegalClock.State.RUNNING
        clock.paused_on = None
        clock.due_date = _due(clock)
        save_fields(clock, ["paused_units", "state", "paused_on", "due_date"])
        deadline = clock.deadline
        deadline.paused = False
        deadline_reschedule(deadline=deadline, due_date=clock.due_date)
        _record(
            clock,
            ClockEvent.Kind.RESUME,
            on=on,
            cause=cause,
            actor=actor,
            due_before=before,
            units=units,
        )
        return clock


def clock_restart(*, clock: LegalClock, on: date, actor, cause: str) -> LegalClock:
    """The period begins again from the day after `on` (where a rule says so)."""
    with _atomic():
        clock = _lock(clock)
        _require(clock, LegalClock.State.RUNNING, LegalClock.State.PAUSED)
        before = clock.due_date
        clock.started_on = on
        clock.paused_units = 0
        clock.extended_units = 0
        clock.paused_on = None
        clock.state = LegalClock.State.RUNNING
        clock.due_date = _due(clock)
        save_fields(
            clock,
            ["started_on", "paused_units", "extended_units", "paused_on", "state", "due_date"],
        )
        deadline = clock.deadline
        deadline.paused = False
        deadline_reschedule(deadline=deadline, due_date=clock.due_date)
        _record(clock, ClockEvent.Kind.RESTART, on=on, cause=cause, actor=actor, due_before=before)
        return clock


def clock_extend(*, clock: LegalClock, units: int, actor, cause: str) -> LegalClock:
    """Extend by `units` days of the rule's unit, within the rule's cap, with a reason."""
    if units <= 0:
        raise DomainError(_("Số ngày gia hạn phải lớn hơn 0."))
    if not cause.strip():
        raise DomainError(_("Phải nêu lý do gia hạn."))
    with _atomic():
        clock = _lock(clock)
        _require(clock, LegalClock.State.RUNNING, LegalClock.State.PAUSED)
        cap = clock.rule.max_extension
        if clock.extended_units + units > cap:
            raise DomainError(
                _("Vượt quá thời gian gia hạn tối đa (%(cap)s %(unit)s; đã gia hạn %(used)s).")
                % {"cap": cap, "unit": clock.get_unit_display(), "used": clock.extended_units}
            )
        before = clock.due_date
        clock.extended_units += units
        clock.due_date = _due(clock)
        save_fields(clock, ["extended_units", "due_date"])
        if clock.state == LegalClock.State.RUNNING:
            deadline_reschedule(deadline=clock.deadline, due_date=clock.due_date)
        _record(
            clock,
            ClockEvent.Kind.EXTEND,
            on=timezone.localdate(),
            cause=cause,
            actor=actor,
            due_before=before,
            units=units,
        )
        return clock


def clock_stop(
    *, clock: LegalClock, on: date, actor, cause: str, close_deadline: bool = True
) -> LegalClock:
    """The result was delivered (or the case ended): close the ledger row (unless the
    caller closes it together with the case's other rows: `close_deadline=False`)."""
    with _atomic():
        clock = _lock(clock)
        _require(clock, LegalClock.State.RUNNING, LegalClock.State.PAUSED)
        clock.state = LegalClock.State.STOPPED
        save_fields(clock, ["state"])
        if close_deadline:
            deadline_close(deadline=clock.deadline, on=on)
        _record(
            clock, ClockEvent.Kind.STOP, on=on, cause=cause, actor=actor, due_before=clock.due_date
        )
        return clock
