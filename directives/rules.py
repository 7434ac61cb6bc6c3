"""The dates of an assignment from the People's Committee, as pure functions.

Due dates are calendar dates: the Committee writes them in its document ("báo cáo trước
ngày 15/3/2024"), nobody counts them. A due date that falls on a day off moves to the
next working day (the rule of periods, Civil Code arts. 147–148, as the engine's
`add_calendar_days` applies it): work handed in on that working day is on time. The
reminder ladder, in the catalogue, counts working days from the due date in force
(`workflows.calendar`).

Every check returns a list of `Problem`s (field, Vietnamese message); an empty list
means the values are acceptable. The services raise the first one, the import reports
every one with its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from workflows.calendar import add_working_days, next_working_day_on_or_after

EARLY = "early"
ON_TIME = "on_time"
LATE = "late"

OVERDUE = "overdue"
DUE_TODAY = "due_today"
DUE_SOON = "due_soon"

DUE_SOON_WORKING_DAYS = 3  # the officer's reminder: T-3 working days (catalogue ladder)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def effective_due(due_on: date) -> date:
    """The last day to hand the work in: the due date, or the next working day when the
    due date is a day off."""
    return next_working_day_on_or_after(due_on)


def classify(completed_on: date, due_on: date) -> str:
    """Early (before the due date), on time (on the due date, or on the next working day
    when it is a day off), late (after that)."""
    if completed_on < due_on:
        return EARLY
    if completed_on <= effective_due(due_on):
        return ON_TIME
    return LATE


def due_warning(due_on: date, today: date, *, soon_days: int = DUE_SOON_WORKING_DAYS) -> str:
    """For an open assignment: overdue, due today, due within `soon_days` working days,
    or "" (nothing to warn about)."""
    last = effective_due(due_on)
    if last < today:
        return OVERDUE
    if last == today:
        return DUE_TODAY
    if last <= soon_until(today, soon_days):
        return DUE_SOON
    return ""


def soon_until(today: date, soon_days: int = DUE_SOON_WORKING_DAYS) -> date:
    """The last due date counted as "due soon" on `today`."""
    return add_working_days(today, soon_days)


def check_new(
    *, source_date: date | None, received_on: date | None, due_on: date | None, today: date
) -> list[Problem]:
    """A new assignment: its document date, the day it reached the department, its due
    date."""
    problems = []
    if source_date is None:
        problems.append(Problem("source_date", _("Nhập ngày của văn bản giao nhiệm vụ.")))
    elif source_date > today:
        problems.append(
            Problem("source_date", _("Ngày văn bản giao nhiệm vụ không được sau ngày hôm nay."))
        )
    if received_on is None:
        problems.append(Problem("received_on", _("Nhập ngày Sở nhận nhiệm vụ.")))
    elif received_on > today:
        problems.append(Problem("received_on", _("Ngày nhận không được sau ngày hôm nay.")))
    elif source_date is not None and received_on < source_date:
        problems.append(
            Problem(
                "received_on",
                _("Ngày nhận (%(r)s) không được trước ngày văn bản giao nhiệm vụ (%(s)s).")
                % {"r": _d(received_on), "s": _d(source_date)},
            )
        )
    if due_on is None:
        problems.append(Problem("due_on", _("Nhập hạn hoàn thành nhiệm vụ.")))
    elif source_date is not None and due_on < source_date:
        problems.append(
            Problem(
                "due_on",
                _("Hạn hoàn thành (%(d)s) không được trước ngày văn bản giao nhiệm vụ (%(s)s).")
                % {"d": _d(due_on), "s": _d(source_date)},
            )
        )
    return problems


def check_extension(
    *, is_open: bool, due_on: date, new_due_on: date | None, reason: str
) -> list[Problem]:
    """An extension: only while the assignment is open, only to a later date, with the
    reason."""
    problems = []
    if not is_open:
        problems.append(Problem("", _("Nhiệm vụ đã hoàn thành hoặc đã hủy: không thể gia hạn.")))
    if new_due_on is None:
        problems.append(Problem("new_due_on", _("Nhập hạn mới.")))
    elif new_due_on <= due_on:
        problems.append(
            Problem(
                "new_due_on",
                _("Hạn mới (%(n)s) phải sau hạn đang áp dụng (%(d)s).")
                % {"n": _d(new_due_on), "d": _d(due_on)},
            )
        )
    if not (reason or "").strip():
        problems.append(Problem("reason", _("Nhập lý do gia hạn.")))
    return problems


def check_completion(
    *,
    received_on: date,
    completed_on: date | None,
    document_number: str,
    document_date: date | None,
    today: date,
) -> list[Problem]:
    """The outgoing document that completes the assignment and the day it was done."""
    problems = []
    if not (document_number or "").strip():
        problems.append(Problem("document_number", _("Nhập số văn bản hoàn thành nhiệm vụ.")))
    if document_date is None:
        problems.append(Problem("document_date", _("Nhập ngày của văn bản hoàn thành.")))
    elif document_date > today:
        problems.append(
            Problem("document_date", _("Ngày văn bản hoàn thành không được sau ngày hôm nay."))
        )
    elif document_date < received_on:
        problems.append(
            Problem(
                "document_date",
                _("Ngày văn bản hoàn thành (%(c)s) không được trước ngày nhận nhiệm vụ (%(r)s).")
                % {"c": _d(document_date), "r": _d(received_on)},
            )
        )
    if completed_on is not None:
        if completed_on > today:
            problems.append(
                Problem("completed_on", _("Ngày hoàn thành không được sau ngày hôm nay."))
            )
        elif completed_on < received_on:
            problems.append(
                Problem(
                    "completed_on",
                    _("Ngày hoàn thành (%(c)s) không được trước ngày nhận nhiệm vụ (%(r)s).")
                    % {"c": _d(completed_on), "r": _d(received_on)},
                )
            )
    return problems
