"""Celery tasks: thin, take ids, safe to run twice; each calls one service."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from . import services


@shared_task(name="notifications.sweep_deadlines", acks_late=True)
def sweep_deadlines(as_of: str | None = None) -> int:
    """Beat, every minute: turn due ladder steps into outbox rows.

    `as_of` (ISO date) lets an operator replay a day; by default, today.
    """
    return services.deadlines_sweep(today=date.fromisoformat(as_of) if as_of else None)


@shared_task(name="notifications.deliver_notifications", acks_late=True)
def deliver_notifications(ids: list[int]) -> int:
    """Deliver a batch of outbox rows (rows already sent or not yet due are skipped)."""
    return sum(1 for pk in ids if services.notification_deliver(notification_id=pk))


@shared_task(name="notifications.deliver_pending", acks_late=True)
def deliver_pending() -> int:
    """Beat, every minute: retry rows whose backoff has passed, and any first try lost."""
    return services.notifications_deliver_pending()
