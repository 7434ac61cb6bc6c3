"""Celery tasks: thin, take ids, safe to run twice; each calls one service.

E-mail and SMS each have their own queue (`notifications.email`, `notifications.sms`,
see CELERY_TASK_ROUTES) and time limits, so a hung SMTP server holds nothing but e-mail.
In-app notifications need no task: they are delivered when their row is written.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="notifications.sweep_deadlines", acks_late=True)
def sweep_deadlines(as_of: str | None = None) -> int:
    """Beat, every minute: turn due ladder steps into outbox rows.

    `as_of` (ISO date) lets an operator replay a day; by default, today.
    """
    return services.deadlines_sweep(today=date.fromisoformat(as_of) if as_of else None)


@shared_task(
    name="notifications.deliver_email",
    acks_late=True,
    soft_time_limit=settings.NOTIFY_EMAIL_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFY_EMAIL_TIME_LIMIT,
)
def deliver_email(ids: list[int]) -> int:
    """Deliver a batch of e-mail rows (rows already sent, claimed or not due are skipped)."""
    return services.notifications_deliver(ids=ids, channel="email")


@shared_task(
    name="notifications.deliver_sms",
    acks_late=True,
    soft_time_limit=settings.NOTIFY_SMS_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFY_SMS_TIME_LIMIT,
)
def deliver_sms(ids: list[int]) -> int:
    """Deliver a batch of SMS rows."""
    return services.notifications_deliver(ids=ids, channel="sms")


@shared_task(
    name="notifications.deliver_notifications",
    acks_late=True,
    soft_time_limit=settings.NOTIFY_EMAIL_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFY_EMAIL_TIME_LIMIT,
)
def deliver_notifications(ids: list[int]) -> int:
    """Rows of any channel (tasks queued before the channels had their own queues)."""
    return services.notifications_deliver(ids=ids)


@shared_task(name="notifications.deliver_pending", acks_late=True)
def deliver_pending() -> int:
    """Beat, every minute: take back expired claims, hand due pending rows to the broker."""
    return services.notifications_deliver_pending()


DELIVERY_TASKS = {"email": deliver_email, "sms": deliver_sms}
