"""Daily work of the radiation procedures, run by beat with the deadline sweep."""

from celery import shared_task

from . import services


@shared_task(name="permits.draft_apologies", acks_late=True)
def draft_apologies() -> int:
    """Draft the apology slip (Mẫu 04) of every case about to miss its appointment."""
    return services.apologies_draft_due()


@shared_task(name="permits.expire_permits", acks_late=True)
def expire_permits() -> int:
    return services.permits_expire()
