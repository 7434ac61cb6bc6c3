"""Outbox services: enqueue messages, deliver them with retries, sweep the deadline ledger."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone, translation

from workflows.ledger import ladder_for, next_action_on, step_date
from workflows.models import Deadline, LadderStep, Recipient
from workflows.roles import Role
from workflows.transitions import after_commit

from .channels import SENDERS, PermanentDeliveryError
from .models import Notification

logger = logging.getLogger(__name__)


# --- rendering and enqueueing -------------------------------------------------------
def render_message(template: str, context: dict, language: str = "vi") -> tuple[str, str]:
    """Render `messages/<template>.txt`: the first line is the subject, the rest the body."""
    with translation.override(language):
        text = render_to_string(f"notifications/messages/{template}.txt", context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip()[:300], body.strip()


def _dispatch(ids: list[int]) -> None:
    from .tasks import deliver_notifications

    for start in range(0, len(ids), 100):
        deliver_notifications.delay(ids[start : start + 100])


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
    """Create one outbox row per recipient and channel, idempotently.

    `key` identifies the event; with the channel and recipient it forms the row's unique
    idempotency key, so enqueueing the same event twice creates nothing new. Delivery is
    dispatched after commit. Returns the ids of the pending rows for this event.
    """
    now = timezone.now()
    ct = ContentType.objects.get_for_model(case) if case is not None else None
    rows, keys = [], []
    for user in recipients:
        ctx = {**context, "recipient_name": str(user), "site_url": settings.SITE_URL}
        subject, body = render_message(template, ctx, getattr(user, "language", "vi") or "vi")
        for channel in channels:
            k = f"{key}:{channel}:{user.pk}"
            keys.append(k)
            rows.append(
                Notification(
                    channel=channel,
                    recipient=user,
                    template=template,
                    context=context,
                    subject=subject,
                    body=body,
                    idempotency_key=k,
                    next_attempt_at=now,
                    deadline=deadline,
                    content_type=ct,
                    object_id=str(case.pk) if case is not None else "",
                    link=link,
                )
            )
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(
            idempotency_key__in=keys, status=Notification.Status.PENDING
        ).values_list("id", flat=True)
    )
    if ids:
        after_commit(lambda: _dispatch(ids))
    return ids


# --- delivery -----------------------------------------------------------------------
def backoff_delay(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base · 2^(attempts-1), capped."""
    seconds = settings.NOTIFY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NOTIFY_BACKOFF_MAX_SECONDS))


def notification_deliver(*, notification_id: int) -> str | None:
    """Try to deliver one pending row whose time has come. Safe to call twice.

    The row is locked while it is sent (`SKIP LOCKED`: a second worker moves on), so a
    redelivered task never sends it twice. Returns the new status, or None if there was
    nothing to do.
    """
    now = timezone.now()
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(
                pk=notification_id,
                status=Notification.Status.PENDING,
                next_attempt_at__lte=now,
            )
            .first()
        )
        if n is None:
            return None
        n.attempts += 1
        try:
            SENDERS[n.channel](n)
        except PermanentDeliveryError as exc:
            n.status = Notification.Status.FAILED
            n.last_error = str(exc)
            n.next_attempt_at = None
        except Exception as exc:  # transient or unknown: retry with backoff, then give up
            n.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if n.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                n.status = Notification.Status.FAILED
                n.next_attempt_at = None
            else:
                n.next_attempt_at = now + backoff_delay(n.attempts)
            logger.warning("Notification %s attempt %s failed: %s", n.pk, n.attempts, exc)
        else:
            n.status = Notification.Status.SENT
            n.sent_at = now
            n.last_error = ""
            n.next_attempt_at = None
        n.save(update_fields=["attempts", "status", "last_error", "next_attempt_at", "sent_at"])
        return n.status


def notifications_deliver_pending(*, limit: int = 1000) -> int:
    """Deliver rows whose next attempt is due (first tries that were missed, and retries)."""
    ids = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for pk in ids if notification_deliver(notification_id=pk))


def notification_retry(*, notification: Notification) -> Notification:
    """An admin sends a failed row again: it gets a fresh set of attempts."""
    with transaction.atomic():
        n = Notification.objects.select_for_update().get(pk=notification.pk)
        if n.status != Notification.Status.FAILED:
            return n
        n.status = Notification.Status.PENDING
        n.attempts = 0
        n.next_attempt_at = timezone.now()
        n.save(update_fields=["status", "attempts", "next_attempt_at"])
        after_commit(lambda: _dispatch([n.pk]))
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


def _sweep_one(deadline: Deadline, steps: list[LadderStep], today: date, recipients) -> int:
    """Fire every ladder step of `deadline` that has come due. Returns steps fired."""
    fired = 0
    while deadline.escalation_level < len(steps):
        step = steps[deadline.escalation_level]
        if step_date(deadline.due_date, step) > today:
            break
        notifications_enqueue(
            recipients=recipients.resolve(deadline, step.recipient),
            template=step.template,
            context=_step_context(deadline, step, today),
            channels=step.channels,
            key=f"deadline:{deadline.pk}:{deadline.due_date:%Y%m%d}:step:{step.pk}",
            deadline=deadline,
        )
        deadline.escalation_level += 1
        fired += 1
    deadline.next_action_on = next_action_on(deadline, steps)
    deadline.save(update_fields=["escalation_level", "next_action_on"])
    return fired


def deadlines_sweep(*, today: date | None = None, batch_size: int | None = None) -> int:
    """Claim the ledger rows whose next ladder step is due and fire it. Returns steps fired.

    Rows are claimed in batches with `FOR UPDATE SKIP LOCKED`, so two sweeps at once
    share the work instead of repeating it; each fired step has an idempotency key, so
    a sweep run twice sends nothing twice. The cost follows the number of due rows.
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
            for deadline in batch:
                try:
                    with transaction.atomic():
                        fired += _sweep_one(
                            deadline,
                            ladder_for(deadline, ladders[deadline.procedure_version_id]),
                            today,
                            recipients,
                        )
                except Exception:
                    logger.exception("Sweep of deadline %s failed; retried next sweep", deadline.pk)
                    skip.add(deadline.pk)
