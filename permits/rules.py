"""Legal date rules of the radiation procedures, as pure functions.

Plain dates and numbers in, plain values out: no database, no clock, no settings. The
amounts (6 months, 45 days, 3 years) are catalogue data passed in by the services.

- Civil Code 2015, Art. 148(1): a period in months or years ends on the corresponding
  day of the last month (year); if that month has no such day, on its last day.
- Decree 142/2020/NĐ-CP, Art. 35(2)(d): the health certificate is "không quá 06 tháng
  tính đến thời điểm nộp hồ sơ" — counted forward from its issue date.
- Art. 30(1): a renewal is filed at least 45 days before the permit expires; after
  that the applicant needs a new permit.
- Art. 37: a permit is valid 3 years; a renewed permit runs on from the old expiry
  date; an amended permit keeps the old term.

A permit's `valid_until` is the last day it is valid (it expires the day after).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# the dossier kinds whose term depends on a previous permit (permits.models.DossierKind)
RENEWAL = "permit_renewal"
AMENDMENT = "permit_amendment"


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` months after `day` (negative: before), or the last
    day of that month when it has no such day (Civil Code Art. 148(1))."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """The same day and month `years` years later; 29/02 becomes 28/02 in a common year."""
    return add_months(day, 12 * years)


# --- documents with a maximum age (health certificate ≤ 6 months) --------------------
def document_age_ends_on(issued_on: date, max_age_months: int) -> date:
    """The last day on which a document issued on `issued_on` is still no older than
    `max_age_months` months: issued 30/06/2025, 6 months → 30/12/2025."""
    return add_months(issued_on, max_age_months)


def document_within_age(issued_on: date, max_age_months: int, on: date) -> bool:
    """Is the document no older than `max_age_months` months on the day `on`?"""
    return on <= document_age_ends_on(issued_on, max_age_months)


def oldest_accepted_issue_date(on: date, max_age_months: int) -> date:
    """The earliest issue date that is still within the age on the day `on`.

    Counting forward is not invertible at month ends (31/08, 30/08, 29/08 and 28/08
    all reach 28/02), so start from the day counted back and step to the edge.
    """
    day = add_months(on, -max_age_months)
    while not document_within_age(day, max_age_months, on):
        day += timedelta(days=1)
    while document_within_age(day - timedelta(days=1), max_age_months, on):
        day -= timedelta(days=1)
    return day


# --- renewal window (at least 45 days before expiry) ----------------------------------
def renewal_last_filing_day(valid_until: date, min_days_before_expiry: int) -> date:
    """The last day a renewal may be filed: expiry 07/04/2026, 45 days → 21/02/2026.

    This is a limit counted back from the expiry, not the end of a period the applicant
    runs: it does not move when it falls on a day off (online filing is open every day).
    """
    return valid_until - timedelta(days=min_days_before_expiry)


def renewal_in_time(valid_until: date, min_days_before_expiry: int, on: date) -> bool:
    """May a renewal of a permit valid until `valid_until` be filed on the day `on`?"""
    return on <= renewal_last_filing_day(valid_until, min_days_before_expiry)


# --- the term of an issued permit -----------------------------------------------------
def permit_term(
    *,
    kind: str,
    issued_on: date,
    validity_years: int,
    previous_valid_until: date | None = None,
) -> tuple[date, date]:
    """(valid_from, valid_until) of a permit signed on `issued_on`.

    New permit: from the signature, `validity_years` years. Renewal: runs on from the
    old expiry for `validity_years` years. Amendment: from the signature, keeping the
    old permit's end.
    """
    if kind == RENEWAL:
        if previous_valid_until is None:
            raise ValueError("a renewal needs the previous permit's expiry date")
        return previous_valid_until, add_years(previous_valid_until, validity_years)
    if kind == AMENDMENT:
        if previous_valid_until is None:
            raise ValueError("an amendment needs the previous permit's expiry date")
        return issued_on, previous_valid_until
    return issued_on, add_years(issued_on, validity_years)
