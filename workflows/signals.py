"""Cache invalidation only; no business rules live in signals."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar, selectors
from .models import (
    CalendarException,
    Division,
    LadderStep,
    Procedure,
    ProcedureVersion,
    TimeLimitRule,
)

CATALOGUE_MODELS = (Procedure, ProcedureVersion, TimeLimitRule, LadderStep, Group, Division)


@receiver([post_save, post_delete], sender=CalendarException)
def _calendar_changed(**kwargs) -> None:
    calendar.invalidate_cache()


def _catalogue_changed(**kwargs) -> None:
    selectors.catalogue_invalidate()


for _model in CATALOGUE_MODELS:
    post_save.connect(
        _catalogue_changed, sender=_model, dispatch_uid=f"catalogue-{_model.__name__}"
    )
    post_delete.connect(
        _catalogue_changed, sender=_model, dispatch_uid=f"catalogue-del-{_model.__name__}"
    )
