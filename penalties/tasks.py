"""Daily work of the penalty procedure, run by beat with the deadline sweep."""

from celery import shared_task

from . import services


@shared_task(name="penalties.daily", acks_late=True)
def penalties_daily() -> dict:
    """Overdue payments, ended postponements and instalment plans, the time bar."""
    return services.penalties_daily()
