from celery import shared_task


@shared_task(name="workflows.fire_due_timers", acks_late=True)
def fire_due_timers() -> int:
    """Beat, every minute: fire viewflow `flow.Timer` tasks that have come due."""
    from viewflow.workflow.timers import fire_due_timers as fire

    return fire()


@shared_task(name="workflows.statistics_export", acks_late=True)
def statistics_export(job_id: int) -> str:
    """Build the Excel file of a statistics export job (idempotent: a finished job is
    left alone)."""
    from .statistics_services import statistics_export_run

    job = statistics_export_run(job_id)
    return job.status if job is not None else "skipped"


@shared_task(name="workflows.refresh_ledger_tally", acks_late=True)
def refresh_ledger_tally() -> int:
    """Beat, every minute: count the ledger again for the managers' pages (the page
    also refreshes on demand when the counts are older than a minute)."""
    from .manager import tally_refresh, tally_warm

    stamp = tally_refresh(wait=False)
    if stamp is None:
        return 0
    tally_warm()
    return 1
