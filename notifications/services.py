"""Outbox services: enqueue messages, deliver them with retries, sweep the deadline ledger.

Delivery is *claim, commit, send, commit*: a delivery claims its rows (status `sending`,
a lease, its name) in one short transaction and commits; only then does it talk to a
channel, and each row is marked sent or failed in its own short transaction right after
its send. No channel call ever runs inside an open database transaction. A delivery that
dies leaves its rows `sending` until the lease expires; the beat's `deliver_pending` then
puts them back to pending with the attempt counted.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError, connection, connections, router, transaction
from django.db.models import F, Model, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflows.fieldprep import saver
from workflows.ledger import ladder_for, next_action_on, step_date
from workflows.models import Deadline, LadderStep, Recipient
from workflows.roles import Role
from workflows.sql import cursor as sql_cursor

from .channels import PermanentDeliveryError, Sender
from .models import Notification

logger = logging.getLogger(__name__)

Status = Notification.Status
INSTANT_CHANNELS = frozenset({Notification.Channel.IN_APP})  # delivered by being written


# --- rendering and enqueueing -------------------------------------------------------
def render_message(template: str, context: dict, language: str = "vi") -> tuple[str, str]:
    """Render `messages/<template>.txt`: the first line is the subject, the rest the body."""
    with translation.override(language):
        text = render_to_string(f"notifications/messages/{template}.txt", context)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip()[:300], body.strip()


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- publishing (after commit, bounded, never blocking a caller for long) -------------
_broker_paused_until = 0.0  # per process: monotonic time until which publishes are skipped


def _broker_paused() -> bool:
    return time.monotonic() < _broker_paused_until


def _pause_broker() -> None:
    global _broker_paused_until
    _broker_paused_until = time.monotonic() + settings.NOTIFY_PUBLISH_PAUSE_SECONDS


def _publish(ids_by_channel: dict[str, list[int]], *, honour_pause: bool = True) -> list[int]:
    """Publish one delivery task per channel and chunk of ids. Returns the ids not published.

    The broker's socket timeouts and the bounded retry policy (settings) make a publish
    to a broker that is down or frozen give up within about a second; after a failure
    the process skips publishing for `NOTIFY_PUBLISH_PAUSE_SECONDS` (the rows stay
    pending for the beat's `deliver_pending`).
    """
    global _broker_paused_until
    from celery import current_app

    from .tasks import DELIVERY_TASKS

    unpublished: list[int] = []
    for channel, ids in ids_by_channel.items():
        for chunk in _chunks(list(ids), settings.NOTIFY_TASK_BATCH):
            if unpublished or (honour_pause and _broker_paused()):
                unpublished.extend(chunk)
                continue
            try:
                # no time limits in the message: the consuming worker's own apply
                DELIVERY_TASKS[channel].apply_async(
                    (chunk,),
                    time_limit=None,
                    soft_time_limit=None,
                    # what the worker logs of its arguments, written here and not by
                    # Celery's safe repr of the whole id list
                    argsrepr=f"([{len(chunk)} ids],)",
                    kwargsrepr="{}",
                    # the message goes to its queue by name (the default exchange), which
                    # needs no declaring: the workers declare their queues when they
                    # start (a third fewer Python calls per publish)
                    declare=[],
                )
            except Exception:
                if current_app.conf.task_always_eager:
                    raise  # an eager task's own error, not the broker's
                logger.warning(
                    "Publishing %s %s notification(s) failed; they stay pending for "
                    "deliver_pending",
                    len(chunk),
                    channel,
                    exc_info=True,
                )
                _pause_broker()
                unpublished.extend(chunk)
            else:
                _broker_paused_until = 0.0
    return unpublished


def _publish_or_release(ids_by_channel: dict[str, list[int]], *, honour_pause: bool) -> int:
    """Publish; ids that could not be published are marked never dispatched, so the next
    `deliver_pending` hands them to the broker. Returns the number published."""
    unpublished = _publish(ids_by_channel, honour_pause=honour_pause)
    if unpublished:
        try:
            Notification.objects.filter(pk__in=unpublished, status=Status.PENDING).update(
                dispatched_at=None
            )
        except Exception:  # they are handed again after NOTIFY_REDISPATCH_SECONDS anyway
            logger.exception("Could not release %s unpublished notification(s)", len(unpublished))
    return sum(len(ids) for ids in ids_by_channel.values()) - len(unpublished)


def _dispatch(ids_by_channel: dict[str, list[int]]) -> None:
    """What a committed transaction does with the e-mail/SMS ids it enqueued (a seam the
    sweep benchmark replaces)."""
    _publish_or_release(ids_by_channel, honour_pause=True)


class _PublishBatch:
    """The ids a transaction enqueued, per channel; published once, after its commit."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[int, None]] = {}
        self.done = False
        self.callback = self.run  # the one bound method registered with on_commit

    def add(self, channel: str, ids: Iterable[int]) -> None:
        self.ids.setdefault(channel, {}).update(dict.fromkeys(ids))

    def run(self) -> None:
        self.done = True
        _dispatch({channel: list(ids) for channel, ids in self.ids.items() if ids})


def _publish_after_commit(ids_by_channel: dict[str, list[int]]) -> None:
    """Publish after the current transaction commits, with one task per channel and chunk
    for the whole transaction, however many times it enqueued (at once outside one)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _publish_or_release(ids_by_channel, honour_pause=True)
        return
    batch = getattr(conn, "_motcua_publish_batch", None)
    # A batch registered in a savepoint that was rolled back is no longer in the
    # connection's on-commit list; a batch that already ran is done: start a new one.
    if (
        batch is None
        or batch.done
        or not any(callback is batch.callback for _sids, callback, _robust in conn.run_on_commit)
    ):
        batch = _PublishBatch()
        conn._motcua_publish_batch = batch
        transaction.on_commit(batch.callback, robust=True)
    for channel, ids in ids_by_channel.items():
        batch.add(channel, ids)


@functools.cache
def _savers(fields: tuple) -> list:
    return [saver(f) for f in fields]


def _insert_new(rows: list[Notification]) -> list[tuple[int, str]]:
    """Insert `rows`, skipping those whose idempotency key exists. One query per 1,000
    rows (within the parameter limits of PostgreSQL and SQLite).

    Returns (id, channel) of the rows actually inserted (`ON CONFLICT DO NOTHING
    RETURNING`, on PostgreSQL and SQLite alike).
    """
    fields = tuple(f for f in Notification._meta.concrete_fields if not f.primary_key)
    savers = _savers(fields)
    connection = connections[router.db_for_write(Notification)]  # not the proxy, in the loop
    table = connection.ops.quote_name(Notification._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    created: list[tuple[int, str]] = []
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        params: list = []
        for obj in chunk:
            params.extend(save(obj, True, connection) for save in savers)
        # identifiers come from the model, every value is a parameter
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING id, channel"
        )
        with sql_cursor(connection) as cursor:  # prepared: the same text per row count
            cursor.execute(sql, params)
            created += [(pk, channel) for pk, channel in cursor.fetchall()]
    return created


def _outbox_rows(
    *,
    recipients: Iterable,
    template: str,
    context: dict,
    channels: Iterable[str],
    key: str,
    case: Model | None = None,
    deadline: Deadline | None = None,
    link: str = "",
    dispatching: bool = True,
) -> list[Notification]:
    """The outbox rows of one event, rendered, not stored (no query once content types
    are cached)."""
    now = timezone.now()
    ct = ContentType.objects.get_for_model(case) if case is not None else None
    channels = list(channels)
    rows = []
    for user in recipients:
        ctx = {**context, "recipient_name": str(user), "site_url": settings.SITE_URL}
        subject, body = render_message(template, ctx, getattr(user, "language", "vi") or "vi")
        for channel in channels:
            instant = channel in INSTANT_CHANNELS
            rows.append(
                Notification(
                    channel=channel,
                    recipient=user,
                    template=template,
                    context=context,
                    subject=subject,
                    body=body,
                    idempotency_key=f"{key}:{channel}:{user.pk}",
                    status=Status.SENT if instant else Status.PENDING,
                    attempts=1 if instant else 0,
                    sent_at=now if instant else None,
                    next_attempt_at=None if instant else now,
                    dispatched_at=now if dispatching and not instant else None,
                    deadline=deadline,
                    content_type=ct,
                    object_id=str(case.pk) if case is not None else "",
                    link=link,
                )
            )
    return rows


def _store(rows: list[Notification], *, dispatching: bool) -> list[int]:
    """Insert the rows (one query) and publish the new e-mail/SMS ones after commit."""
    if not rows:
        return []
    created = _insert_new(rows)
    if dispatching:
        deferred: dict[str, list[int]] = {}
        for pk, channel in created:
            if channel not in INSTANT_CHANNELS:
                deferred.setdefault(channel, []).append(pk)
        if deferred:
            _publish_after_commit(deferred)
    return [pk for pk, _channel in created]


def notifications_enqueue(
    *,
    recipients: Iterable,
    template: str,
    context: dict,
    channels: Iterable[str],
    key: str,
    case: Model | None = None,
    deadline: Deadline | None = None,
    link: str = "",
) -> list[int]:
    """Create one outbox row per recipient and channel, idempotently. One query.

    `key` identifies the event; with the channel and recipient it forms the row's unique
    idempotency key, so enqueueing the same event twice creates nothing new. In-app rows
    are delivered by being written (status sent at insert). E-mail and SMS rows are
    published after commit, one task per channel for the whole transaction. Returns the
    ids of the rows this call created.
    """
    # while the broker is known to be down, rows are left for deliver_pending at once
    dispatching = not _broker_paused()
    rows = _outbox_rows(
        recipients=recipients,
        template=template,
        context=context,
        channels=channels,
        key=key,
        case=case,
        deadline=deadline,
        link=link,
        dispatching=dispatching,
    )
    return _store(rows, dispatching=dispatching)


# --- delivery -----------------------------------------------------------------------
def backoff_delay(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base · 2^(attempts-1), capped."""
    seconds = settings.NOTIFY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NOTIFY_BACKOFF_MAX_SECONDS))


def _claimant() -> str:
    """A name for one delivery: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:120]


def _claim(ids: list[int], channel: str | None, claimant: str) -> list[Notification]:
    """Claim the due pending rows among `ids` in one short transaction (committed on return)."""
    now = timezone.now()
    with transaction.atomic():
        qs = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk__in=ids, status=Status.PENDING, next_attempt_at__lte=now)
        )
        if channel is not None:
            qs = qs.filter(channel=channel)
        rows = list(qs.order_by("pk"))
        if rows:
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                status=Status.SENDING,
                lease_expires_at=now + timedelta(seconds=settings.NOTIFY_LEASE_SECONDS),
                claimed_by=claimant,
            )
    return rows


def _autocommit(update) -> int:
    """Run one UPDATE on its own (autocommit), once more on a fresh connection if the
    old one was dropped."""
    try:
        return update()
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        return update()


def _mark_sent(n: Notification) -> None:
    # by pk alone: it *was* sent, whatever happened to the claim meanwhile
    now = timezone.now()
    _autocommit(
        lambda: Notification.objects.filter(pk=n.pk).update(
            status=Status.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            last_error="",
            next_attempt_at=None,
            lease_expires_at=None,
        )
    )
    n.status, n.attempts = Status.SENT, n.attempts + 1


def _mark_failed(n: Notification, error: str, claimant: str, *, permanent: bool) -> None:
    attempts = n.attempts + 1
    if permanent or attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        status, next_at = Status.FAILED, None
    else:
        status, next_at = Status.PENDING, timezone.now() + backoff_delay(attempts)
    _autocommit(
        lambda: Notification.objects.filter(
            pk=n.pk, status=Status.SENDING, claimed_by=claimant
        ).update(
            status=status,
            attempts=attempts,
            last_error=error[:2000],
            next_attempt_at=next_at,
            lease_expires_at=None,
            dispatched_at=None,
        )
    )
    n.status, n.attempts = status, attempts
    logger.warning("Notification %s attempt %s failed: %s", n.pk, attempts, error)


def _release(ids: list[int], claimant: str) -> int:
    """Give back rows this delivery claimed and did not finish: pending again, due now,
    no attempt counted (the delivery was interrupted, the channel did not fail)."""
    return _autocommit(
        lambda: Notification.objects.filter(
            pk__in=ids, status=Status.SENDING, claimed_by=claimant
        ).update(
            status=Status.PENDING,
            next_attempt_at=timezone.now(),
            lease_expires_at=None,
            dispatched_at=None,
        )
    )


def _deliver(ids: Iterable[int], channel: str | None = None) -> dict[int, str]:
    """Claim, commit, send, commit — for a batch of ids. Returns {id: new status}.

    Rows that are not pending, not due, or claimed by another delivery are skipped.
    A soft time limit (or a worker shutdown) gives the unfinished rows back as pending
    with no attempt recorded.
    """
    ids = list(dict.fromkeys(ids))
    claimant = _claimant()
    sender = Sender()
    outcome: dict[int, str] = {}
    claimed: list[Notification] = []
    accepted: Notification | None = None  # sent, and its mark not yet committed
    _async_commit(True)
    try:
        for start in range(0, len(ids), settings.NOTIFY_CLAIM_BATCH):
            claimed = _claim(ids[start : start + settings.NOTIFY_CLAIM_BATCH], channel, claimant)
            for n in claimed:
                try:
                    sender.send(n)
                except PermanentDeliveryError as exc:
                    _mark_failed(n, str(exc), claimant, permanent=True)
                except SoftTimeLimitExceeded:
                    raise
                except Exception as exc:  # transient or unknown: retry with backoff
                    _mark_failed(n, f"{type(exc).__name__}: {exc}", claimant, permanent=False)
                else:
                    accepted = n
                    _mark_sent(n)
                    accepted = None
                outcome[n.pk] = n.status
            claimed = []
    except BaseException as exc:  # soft time limit, worker shutdown, a lost database
        _interrupted(ids, claimed, accepted, claimant)
        if not isinstance(exc, SoftTimeLimitExceeded):
            raise
        logger.warning("Delivery stopped at its soft time limit; unsent rows are pending again")
    finally:
        sender.close()
        _async_commit(False)
    return outcome


def _async_commit(on: bool) -> None:
    """PostgreSQL: a delivery's claims and marks do not wait for the WAL flush (about
    2.5 ms each on the development machine), if `NOTIFY_ASYNC_COMMIT`. Only a crash of
    the database server itself can then lose the last commits (up to about 0.6 s): rows
    whose mark is lost are sent again after their lease, with the same Message-ID."""
    if connection.vendor != "postgresql" or not settings.NOTIFY_ASYNC_COMMIT:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET synchronous_commit = {'off' if on else 'on'}")
    except Exception:  # a dropped connection: the next one starts with the default
        logger.debug("could not set synchronous_commit", exc_info=True)


def _interrupted(
    ids: list[int], claimed: list[Notification], accepted: Notification | None, claimant: str
) -> None:
    """Clean up after an interrupted delivery, as far as the database lets us."""
    try:
        if accepted is not None:
            _mark_sent(accepted)  # the channel took it: record that first
        _release([n.pk for n in claimed], claimant)
        # ids never claimed are pending, but their task is gone: let the beat hand them again
        Notification.objects.filter(pk__in=ids, status=Status.PENDING).update(dispatched_at=None)
    except Exception:  # the lease brings them back
        logger.exception("Could not give back the rows of an interrupted delivery")


def notifications_deliver(*, ids: Iterable[int], channel: str | None = None) -> int:
    """Deliver a batch of outbox rows (one channel's, if given). Returns the rows sent."""
    return sum(1 for status in _deliver(ids, channel).values() if status == Status.SENT)


def notification_deliver(*, notification_id: int) -> str | None:
    """Try to deliver one pending row whose time has come. Safe to call twice.

    Returns the new status, or None if there was nothing to do (already sent, not due,
    or being sent by another delivery).
    """
    return _deliver([notification_id]).get(notification_id)


def notifications_requeue_expired(*, now: datetime | None = None) -> int:
    """Rows whose claim expired (their delivery died): back to pending with the attempt
    counted, or failed for good after the last attempt. Returns the rows taken back."""
    now = now or timezone.now()
    expired = Notification.objects.filter(status=Status.SENDING, lease_expires_at__lt=now)
    error = _("Tiến trình gửi đã dừng giữa chừng (hết hạn giữ lượt gửi).")
    common = {
        "attempts": F("attempts") + 1,
        "last_error": error,
        "lease_expires_at": None,
        "dispatched_at": None,
    }
    failed = expired.filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS - 1).update(
        status=Status.FAILED, next_attempt_at=None, **common
    )
    again = expired.update(status=Status.PENDING, next_attempt_at=now, **common)
    if failed or again:
        logger.warning("%s expired delivery claim(s) taken back, %s failed", again, failed)
    return failed + again


def notifications_deliver_pending(*, limit: int = 1000) -> int:
    """The beat's catch-up: take back expired claims, then hand to the broker the pending
    rows that are due and not already queued (retries after backoff, first tries whose
    publish failed, messages lost). Returns the rows handed over."""
    now = timezone.now()
    notifications_requeue_expired(now=now)
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .filter(
                Q(dispatched_at__isnull=True)
                | Q(dispatched_at__lt=now - timedelta(seconds=settings.NOTIFY_REDISPATCH_SECONDS))
            )
            .order_by("next_attempt_at")
            .values_list("id", "channel")[:limit]
        )
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[pk for pk, _c in rows]).update(dispatched_at=now)
    by_channel: dict[str, list[int]] = {}
    for pk, channel in rows:
        by_channel.setdefault(channel, []).append(pk)
    instant = [pk for channel in INSTANT_CHANNELS for pk in by_channel.pop(channel, [])]
    if instant:  # rows written before in-app delivery was instant
        Notification.objects.filter(pk__in=instant, status=Status.PENDING).update(
            status=Status.SENT, sent_at=now, attempts=F("attempts") + 1
        )
    return len(instant) + _publish_or_release(by_channel, honour_pause=False)


def notification_retry(*, notification: Notification) -> Notification:
    """An admin sends a failed row again: it gets a fresh set of attempts."""
    with transaction.atomic():
        n = Notification.objects.select_for_update().get(pk=notification.pk)
        if n.status != Status.FAILED:
            return n
        n.status = Status.PENDING
        n.attempts = 0
        n.next_attempt_at = timezone.now()
        n.save(update_fields=["status", "attempts", "next_attempt_at"])
        if n.channel in INSTANT_CHANNELS:
            return n
        _publish_after_commit({n.channel: [n.pk]})
        return n


def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


# --- the deadline sweep -------------------------------------------------------------
class _Recipients:
    """Resolves ladder recipients with per-sweep caches, so a batch costs few queries."""

    def __init__(self) -> None:
        self.User = get_user_model()
        self._cache: dict[tuple, list] = {}

    def _users(self, key: tuple, **filters) -> list:
        if key not in self._cache:
            self._cache[key] = list(
                self.User.objects.filter(is_active=True, **filters).distinct().order_by("pk")
            )
        return self._cache[key]

    def resolve(self, deadline: Deadline, recipient: str) -> list:
        if recipient == Recipient.OWNER:
            if deadline.owner_user_id:
                return [deadline.owner_user] if deadline.owner_user.is_active else []
            filters = {}
            if deadline.owner_group_id:
                filters["groups"] = deadline.owner_group_id
            if deadline.owner_division_id:
                filters["division"] = deadline.owner_division_id
            if not filters:
                return []
            return self._users(
                ("owner", deadline.owner_group_id, deadline.owner_division_id), **filters
            )
        if recipient == Recipient.DIVISION_HEAD:
            division = deadline.owner_division_id
            if division is None:
                return []
            return self._users(
                ("head", division), groups__name=Role.HEAD_OF_DIVISION, division=division
            )
        if recipient == Recipient.DIRECTOR:
            return self._users(("director",), groups__name=Role.DIRECTOR)
        if recipient == Recipient.APPLICANT:
            applicant = getattr(deadline.case, "applicant", None)
            return [applicant] if applicant is not None and applicant.is_active else []
        raise ValueError(recipient)


def _step_context(deadline: Deadline, step: LadderStep, today: date) -> dict:
    return {
        "dossier_code": deadline.dossier_code,
        "title": deadline.title,
        "procedure_code": deadline.procedure_code,
        "kind": deadline.kind,
        "due_date": deadline.due_date.strftime("%d/%m/%Y"),
        "days_late": max(0, (today - deadline.due_date).days),
        "offset": step.offset,
        "owner": str(deadline.owner_user or deadline.owner_division or ""),
    }


def _sweep_rows(
    deadline: Deadline, steps: list[LadderStep], today: date, recipients, dispatching: bool
) -> tuple[list[Notification], int]:
    """The outbox rows of every ladder step of `deadline` that has come due, and the
    number of steps; moves the deadline's level and next action (in memory)."""
    rows: list[Notification] = []
    fired = 0
    while deadline.escalation_level < len(steps):
        step = steps[deadline.escalation_level]
        if step_date(deadline.due_date, step) > today:
            break
        rows += _outbox_rows(
            recipients=recipients.resolve(deadline, step.recipient),
            template=step.template,
            context=_step_context(deadline, step, today),
            channels=step.channels,
            key=f"deadline:{deadline.pk}:{deadline.due_date:%Y%m%d}:step:{step.pk}",
            deadline=deadline,
            dispatching=dispatching,
        )
        deadline.escalation_level += 1
        fired += 1
    deadline.next_action_on = next_action_on(deadline, steps)
    return rows, fired


def deadlines_sweep(*, today: date | None = None, batch_size: int | None = None) -> int:
    """Claim the ledger rows whose next ladder step is due and fire it. Returns steps fired.

    Rows are claimed in batches with `FOR UPDATE SKIP LOCKED`, so two sweeps at once
    share the work instead of repeating it; each fired step has an idempotency key, so
    a sweep run twice sends nothing twice. The cost follows the number of due rows: a
    batch is one claim, one insert of its outbox rows, one update of its ledger rows,
    and (after commit) one publish per channel.
    """
    today = today or timezone.localdate()
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    recipients = _Recipients()
    ladders: dict[int | None, list[LadderStep]] = {}
    fired = 0
    skip: set[int] = set()
    while True:
        with transaction.atomic():
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=Deadline.State.OPEN, next_action_on__lte=today)
                .exclude(pk__in=skip)
                .select_related("owner_user")
                .order_by("next_action_on", "pk")[:batch_size]
            )
            if not batch:
                return fired
            missing = {d.procedure_version_id for d in batch} - ladders.keys()
            if missing:
                for vid in missing:
                    ladders[vid] = []
                for step in LadderStep.objects.filter(version_id__in=missing):
                    ladders[step.version_id].append(step)
            dispatching = not _broker_paused()
            rows: list[Notification] = []
            swept: list[Deadline] = []
            batch_fired = 0
            for deadline in batch:
                level, next_on = deadline.escalation_level, deadline.next_action_on
                try:
                    new_rows, n = _sweep_rows(
                        deadline,
                        ladder_for(deadline, ladders[deadline.procedure_version_id]),
                        today,
                        recipients,
                        dispatching,
                    )
                except Exception:
                    logger.exception("Sweep of deadline %s failed; retried next sweep", deadline.pk)
                    deadline.escalation_level, deadline.next_action_on = level, next_on
                    skip.add(deadline.pk)
                    continue
                rows += new_rows
                swept.append(deadline)
                batch_fired += n
            _store(rows, dispatching=dispatching)
            # one UPDATE per distinct (level, next action): usually one or two per batch
            moved: dict[tuple, list[int]] = {}
            for d in swept:
                moved.setdefault((d.escalation_level, d.next_action_on), []).append(d.pk)
            for (level, next_on), pks in moved.items():
                Deadline.objects.filter(pk__in=pks).update(
                    escalation_level=level, next_action_on=next_on
                )
            fired += batch_fired
