from celery import shared_task


@shared_task(name="workflows.fire_due_timers", acks_late=True)
def fire_due_timers() -> int:
    """Beat, every minute: fire viewflow `flow.Timer` tasks that have come due."""
    from viewflow.workflow.timers import fire_due_timers as fire

    return fire()


@shared_task(name="workflows.refresh_ledger_tally", acks_late=True)
def refresh_ledger_tally() -> int:
    """Beat, every minute: count the ledger again for the managers' pages (the page
    also refreshes on demand when the counts are older than a minute)."""
    from .manager import tally_refresh

    stamp = tally_refresh(wait=False)
    return 0 if stamp is None else 1
