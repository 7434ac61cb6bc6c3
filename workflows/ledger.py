"""Services of the deadline ledger: open, reschedule, pause, close, cancel, reassign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

from .calendar import reminder_date
from .models import Deadline, LadderStep, ProcedureVersion
from .selectors import ladder_steps
from .selectors import procedure_version as cached_version
from .sql import cursor as sql_cursor
from .sql import insert, save_fields


def ladder_for(deadline: Deadline, steps: Sequence[LadderStep] | None = None) -> list[LadderStep]:
    """The ladder steps that apply to a deadline, in firing order (the catalogue is
    cached per process, so this costs no query)."""
    if steps is None:
        if deadline.procedure_version_id is None:
            return []
        steps = ladder_steps(deadline.procedure_version_id)
    return sorted(
        (s for s in steps if not s.deadline_kind or s.deadline_kind == deadline.kind),
        key=lambda s: (s.offset, s.pk or 0),
    )


def step_date(due_date: date, step: LadderStep) -> date:
    """A reminder before the due date is sent on or before its day, never after."""
    return reminder_date(due_date, step.offset, step.offset_unit)


def next_action_on(deadline: Deadline, steps: Sequence[LadderStep]) -> date | None:
    if deadline.state != Deadline.State.OPEN or deadline.paused:
        return None
    if deadline.escalation_level < len(steps):
        return step_date(deadline.due_date, steps[deadline.escalation_level])
    return None


def deadline_open(
    *,
    case: Model,
    kind: str,
    due_date: date,
    title: str,
    procedure_version: ProcedureVersion | None = None,
    procedure_code: str = "",
    dossier_code: str = "",
    owner_user=None,
    owner_group=None,
    owner_division=None,
    paused: bool = False,
    ref: str = "",
) -> Deadline:
    if procedure_version is not None and not procedure_code:
        procedure_code = cached_version(procedure_version.pk).procedure.code
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        kind=kind,
        due_date=due_date,
        title=title[:300],
        procedure_version=procedure_version,
        procedure_code=procedure_code,
        dossier_code=dossier_code,
        owner_user=owner_user,
        owner_group=owner_group,
        owner_division=owner_division or getattr(owner_user, "division", None),
        paused=paused,
        ref=ref,
    )
    deadline.next_action_on = next_action_on(deadline, ladder_for(deadline))
    insert([deadline])
    return deadline


def deadline_reschedule(*, deadline: Deadline, due_date: date) -> Deadline:
    """Move the due date. The ladder starts again for the new date."""
    if deadline.due_date != due_date:
        deadline.due_date = due_date
        deadline.escalation_level = 0
    deadline.next_action_on = next_action_on(deadline, ladder_for(deadline))
    save_fields(deadline, ["due_date", "escalation_level", "next_action_on", "paused"])
    return deadline


def deadline_set_paused(*, deadline: Deadline, paused: bool) -> Deadline:
    deadline.paused = paused
    deadline.next_action_on = next_action_on(deadline, ladder_for(deadline))
    save_fields(deadline, ["paused", "next_action_on"])
    return deadline


def deadline_close(*, deadline: Deadline, on: date | None = None) -> Deadline:
    """The obligation is done: met if on or before the due date, missed after it."""
    if deadline.state != Deadline.State.OPEN:
        return deadline
    on = on or timezone.localdate()
    deadline.state = Deadline.State.MET if on <= deadline.due_date else Deadline.State.MISSED
    deadline.closed_on = on
    deadline.paused = False
    deadline.next_action_on = None
    save_fields(deadline, ["state", "closed_on", "paused", "next_action_on"])
    return deadline


def deadline_cancel(*, deadline: Deadline, on: date | None = None) -> Deadline:
    if deadline.state != Deadline.State.OPEN:
        return deadline
    deadline.state = Deadline.State.CANCELLED
    deadline.closed_on = on or timezone.localdate()
    deadline.next_action_on = None
    save_fields(deadline, ["state", "closed_on", "next_action_on"])
    return deadline


def deadline_reassign(
    *, deadline: Deadline, owner_user=None, owner_group=None, owner_division=None
):
    deadline.owner_user = owner_user
    deadline.owner_group = owner_group
    deadline.owner_division = owner_division or getattr(owner_user, "division", None)
    save_fields(deadline, ["owner_user", "owner_group", "owner_division"])
    return deadline


def deadlines_for_case(case: Model):
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(case), object_id=str(case.pk)
    ).select_related("owner_user", "owner_division", "owner_group")


def _close_open_sql(connection, n_kinds: int, n_cancel: int) -> str:
    """The UPDATE of `deadlines_close_open` for `n_kinds` kinds to close and `n_cancel`
    to cancel, built once per shape (PostgreSQL and SQLite alike)."""
    key = ("deadlines_close_open", n_kinds, n_cancel, connection.alias)
    sql = _CLOSE_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        table = quote(Deadline._meta.db_table)
        col = {
            name: quote(Deadline._meta.get_field(name).column)
            for name in (
                "content_type",
                "object_id",
                "kind",
                "state",
                "due_date",
                "closed_on",
                "paused",
                "next_action_on",
            )
        }
        cancel_in = f"{col['kind']} IN ({', '.join(['%s'] * n_cancel)})" if n_cancel else ""
        state = "CASE "
        if n_cancel:
            state += f"WHEN {cancel_in} THEN %s "
        state += f"WHEN {col['due_date']} >= %s THEN %s ELSE %s END"
        paused = f"CASE WHEN {cancel_in} THEN {col['paused']} ELSE %s END" if n_cancel else "%s"
        sql = _CLOSE_SQL[key] = (
            f"UPDATE {table} SET {col['state']} = {state}, "  # noqa: S608 - our identifiers
            f"{col['closed_on']} = %s, {col['paused']} = {paused}, "
            f"{col['next_action_on']} = NULL "
            f"WHERE {col['content_type']} = %s AND {col['object_id']} = %s "
            f"AND {col['kind']} IN ({', '.join(['%s'] * (n_kinds + n_cancel))}) "
            f"AND {col['state']} = %s"
        )
    return sql


_CLOSE_SQL: dict = {}


def deadlines_close_open(
    *,
    case: Model,
    kinds: Sequence[str] = (),
    cancel_kinds: Sequence[str] = (),
    on: date | None = None,
) -> int:
    """Close every open row of `kinds` on a case (met or missed, by each row's due date)
    and cancel every open row of `cancel_kinds`, in one UPDATE whatever their number;
    returns how many rows changed. A cancelled row keeps its `paused` flag. The statement
    is built once per number of kinds (a transition closes rows at nearly every step)."""
    on = on or timezone.localdate()
    kinds, cancel_kinds = list(kinds), list(cancel_kinds)
    if not kinds and not cancel_kinds:
        return 0
    State = Deadline.State
    connection = connections[router.db_for_write(Deadline)]
    day = connection.ops.adapt_datefield_value(on)
    params: list = []
    if cancel_kinds:
        params += [*cancel_kinds, State.CANCELLED.value]
    params += [day, State.MET.value, State.MISSED.value, day]
    params += [*cancel_kinds, False] if cancel_kinds else [False]
    params += [ContentType.objects.get_for_model(case).pk, str(case.pk)]
    params += [*kinds, *cancel_kinds, State.OPEN.value]
    with sql_cursor(connection) as c:
        c.execute(_close_open_sql(connection, len(kinds), len(cancel_kinds)), params)
        return c.rowcount


def deadlines_close_for_case(*, case: Model, kind: str, on: date | None = None) -> int:
    """Close every open row of `kind` on a case; returns how many were closed."""
    rows = list(deadlines_for_case(case).filter(kind=kind, state=Deadline.State.OPEN))
    for row in rows:
        deadline_close(deadline=row, on=on)
    return len(rows)
