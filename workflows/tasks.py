from celery import shared_task


@shared_task(name="workflows.fire_due_timers", acks_late=True)
def fire_due_timers() -> int:
    """Beat, every minute: fire viewflow `flow.Timer` tasks that have come due."""
    from viewflow.workflow.timers import fire_due_timers as fire

    return fire()
