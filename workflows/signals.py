"""Cache invalidation only; no business rules live in signals."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarException


@receiver([post_save, post_delete], sender=CalendarException)
def _calendar_changed(**kwargs) -> None:
    calendar.invalidate_cache()
