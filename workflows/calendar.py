"""Vietnamese working-day calendar.

Saturdays, Sundays and public holidays (the `holidays` package's Vietnam calendar, with
Tết and Hùng Kings' day by the lunar calendar and substitute days) are days off; make-up
Saturdays are working days. The admin's `CalendarException` rows win over the package.

All answers come from a sorted array of working-day ordinals kept per process, so a call
is a bisect: a few microseconds. Saving an exception invalidates the array in the
process that saved it; other processes re-check the exceptions table at most once every
`RECHECK_SECONDS`.
"""

from __future__ import annotations

import bisect
import threading
import time
from datetime import date, timedelta

import holidays

RECHECK_SECONDS = 60
_MARGIN_YEARS = 2


class _Calendar:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.first_year = 0
        self.last_year = -1
        self.workdays: list[int] = []
        self.exceptions: dict[date, bool] | None = None
        self.signature: tuple | None = None
        self.checked_at = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._clear()

    # --- building -------------------------------------------------------------------
    def _load_exceptions(self) -> tuple[dict[date, bool], tuple]:
        from .models import CalendarException

        rows = CalendarException.objects.values_list("date", "kind")
        exceptions = {d: kind == CalendarException.Kind.WORKING_DAY for d, kind in rows}
        return exceptions, self._signature()

    def _signature(self) -> tuple:
        from django.db.models import Count, Max

        from .models import CalendarException

        agg = CalendarException.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        return (agg["n"], agg["last"])

    def _build(self, first_year: int, last_year: int) -> None:
        if self.exceptions is None:
            self.exceptions, self.signature = self._load_exceptions()
            self.checked_at = time.monotonic()
        vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
        workdays = []
        day = date(first_year, 1, 1)
        end = date(last_year, 12, 31)
        one = timedelta(days=1)
        while day <= end:
            override = self.exceptions.get(day)
            working = vn.is_working_day(day) if override is None else override
            if working:
                workdays.append(day.toordinal())
            day += one
        self.first_year, self.last_year, self.workdays = first_year, last_year, workdays

    def ensure(self, *days: date) -> list[int]:
        """Return the working-day array, covering every year of `days` plus a margin."""
        now = time.monotonic()
        if self.exceptions is not None and now - self.checked_at > RECHECK_SECONDS:
            self.checked_at = now
            if self._signature() != self.signature:
                self.invalidate()
        lo = min(d.year for d in days) - 1
        hi = max(d.year for d in days) + 1
        if lo < self.first_year or hi > self.last_year:
            with self._lock:
                if self.last_year < self.first_year:
                    first, last = lo - _MARGIN_YEARS, hi + _MARGIN_YEARS
                else:
                    first, last = min(lo, self.first_year), max(hi, self.last_year)
                self._build(first, last)
        return self.workdays


_calendar = _Calendar()


def invalidate_cache() -> None:
    _calendar.invalidate()


def is_working_day(d: date) -> bool:
    workdays = _calendar.ensure(d)
    o = d.toordinal()
    i = bisect.bisect_left(workdays, o)
    return i < len(workdays) and workdays[i] == o


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (counting begins the day after `start`).

    A negative n counts back: the |n|-th working day before `start`. n == 0 is `start`.
    """
    if n == 0:
        return start
    # n working days span at most about 1.5 n calendar days plus Tết; cover that.
    span = timedelta(days=abs(n) * 2 + 30)
    workdays = _calendar.ensure(start, start + span if n > 0 else start - span)
    o = start.toordinal()
    if n > 0:
        return date.fromordinal(workdays[bisect.bisect_right(workdays, o) + n - 1])
    return date.fromordinal(workdays[bisect.bisect_left(workdays, o) + n])


def next_working_day_on_or_after(d: date) -> date:
    workdays = _calendar.ensure(d, d + timedelta(days=30))
    return date.fromordinal(workdays[bisect.bisect_left(workdays, d.toordinal())])


def previous_working_day_on_or_before(d: date) -> date:
    workdays = _calendar.ensure(d - timedelta(days=30), d)
    return date.fromordinal(workdays[bisect.bisect_right(workdays, d.toordinal()) - 1])


def add_calendar_days(start: date, n: int) -> date:
    """`start` plus n calendar days; a period that ends on a day off moves to the next
    working day (Civil Code arts. 147–148)."""
    return next_working_day_on_or_after(start + timedelta(days=n))


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b` (negative if b < a)."""
    workdays = _calendar.ensure(a, b)
    return bisect.bisect_right(workdays, b.toordinal()) - bisect.bisect_right(
        workdays, a.toordinal()
    )


def add_days(start: date, n: int, unit: str) -> date:
    """Add n days in a rule's unit ('working' or 'calendar')."""
    if unit == "working":
        return add_working_days(start, n)
    if unit == "calendar":
        return add_calendar_days(start, n)
    raise ValueError(f"unknown day unit {unit!r}")


def reminder_date(due_date: date, offset: int, unit: str) -> date:
    """The day a reminder `offset` days (in `unit`) from `due_date` is sent.

    A reminder is not the end of a period: one before the due date that falls on a day
    off is sent on the working day before, never after (a T-50 renewal reminder on Tết
    must not arrive after the last day to renew). The due day itself stays as it is,
    and a step after the due date (an escalation) never moves before it: it keeps the
    rule of periods and moves to the next working day. Working-day offsets always land
    on a working day.
    """
    if unit == "working":
        return add_working_days(due_date, offset)
    if unit != "calendar":
        raise ValueError(f"unknown day unit {unit!r}")
    day = due_date + timedelta(days=offset)
    if offset < 0:
        return previous_working_day_on_or_before(day)
    if offset == 0:
        return day
    return next_working_day_on_or_after(day)


def days_between(a: date, b: date, unit: str) -> int:
    """Days after `a` up to and including `b`, in a rule's unit."""
    if unit == "working":
        return working_days_between(a, b)
    if unit == "calendar":
        return (b - a).days
    raise ValueError(f"unknown day unit {unit!r}")
