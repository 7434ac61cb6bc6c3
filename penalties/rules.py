"""Legal date and money rules of administrative penalties, as pure functions.

Plain dates and integers (đồng) in, plain values out: no database, no clock, no
settings. The amounts (10 days, 0.05 %, 15,000,000 đ, …) are catalogue data passed in
by the services (`penalties.catalogue`); the defaults here are the values of the Law on
Handling Administrative Violations 2012 as amended in 2020 (DOMAIN.md §4), so the
functions read like the law in the tests.

Where a period ends on a day off it moves to the next working day (Civil Code
Arts. 147–148; DOMAIN.md §0). Which days are off is the engine's calendar
(`workflows.calendar`): the functions that need it take `next_working_day` /
`add_working_days` callables, defaulting to the calendar's own functions, so a test
may pass a fixed holiday set.

- Art. 73(1) Law 2012: pay within 10 days of receiving the decision (longer if the
  decision says so); Art. 5 Decree 118/2021: the surcharge of 0.05 % per day of the
  unpaid amount counts calendar days, holidays included, from the day after the
  deadline; nothing accrues while an approved postponement or instalment plan runs.
- Art. 79 (amended 2020): instalments for fines ≥ 15,000,000 đ (individual) /
  ≥ 150,000,000 đ (organisation), at most 3 payments within 6 months, the first ≥ 40 %.
- Art. 66 (amended 2020): the decision within 7 working days of the record; 10 working
  days when the file goes to another competent official; 1 month with an explanation or
  verification; one more month when especially complex.
- Art. 74: the decision can no longer be executed 1 year after it was issued.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

DateFn = Callable[[date], date]
AddFn = Callable[[date, int], date]

SURCHARGE_RATE = Decimal("0.0005")  # 0.05 % per day
DECISION_CASES = ("standard", "transferred", "explanation", "complex")


def _next_working_day(d: date) -> date:
    from workflows.calendar import next_working_day_on_or_after

    return next_working_day_on_or_after(d)


def _add_working_days(d: date, n: int) -> date:
    from workflows.calendar import add_working_days

    return add_working_days(d, n)


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` months later, or that month's last day when it has
    no such day (Civil Code Art. 148(1))."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


# --- payment ----------------------------------------------------------------------------
def payment_due(
    received_on: date, *, days: int = 10, next_working_day: DateFn | None = None
) -> date:
    """The last day to pay a fine whose decision was received on `received_on`: `days`
    calendar days counted from the day after receipt; a last day that is a day off moves
    to the next working day. 29/12/2023 → 08/01/2024."""
    nwd = next_working_day or _next_working_day
    return nwd(received_on + timedelta(days=days))


def _in_pauses(day: date, pauses: Sequence[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in pauses)


def surcharge_days(
    *,
    due: date,
    on: date,
    payments: Sequence[tuple[date, int]] = (),
    pauses: Sequence[tuple[date, date]] = (),
    amount: int,
) -> list[tuple[date, date, int]]:
    """The pieces of the surcharge: (first day, last day, unpaid amount) for each run of
    counted days with the same unpaid amount, from the day after `due` up to and
    including `on`, outside the pauses. A payment on day P pays its part before P is
    counted."""
    if on <= due:
        return []
    first = due + timedelta(days=1)
    # the days the unpaid amount or the counting changes
    cuts = {first, on + timedelta(days=1)}
    for day, _value in payments:
        if first < day <= on:
            cuts.add(day)
    for start, end in pauses:
        for d in (start, end + timedelta(days=1)):
            if first < d <= on:
                cuts.add(d)
    ordered = sorted(cuts)
    pieces: list[tuple[date, date, int]] = []
    for start, nxt in zip(ordered, ordered[1:], strict=False):
        last = nxt - timedelta(days=1)
        if _in_pauses(start, pauses):  # a piece lies wholly inside or outside a pause
            continue
        paid = sum(value for day, value in payments if day <= start)
        unpaid = max(amount - paid, 0)
        if unpaid:
            pieces.append((start, last, unpaid))
    return pieces


def surcharge(
    amount: int,
    *,
    due: date,
    on: date,
    payments: Sequence[tuple[date, int]] = (),
    pauses: Sequence[tuple[date, date]] = (),
    rate: Decimal = SURCHARGE_RATE,
) -> int:
    """The late-payment surcharge (tiền chậm nộp) owed at the end of day `on`, in đồng,
    rounded to the nearest đồng (half up). Computed piece by piece between payments and
    pauses, never from a snapshot: 11,000,000 đ due 08/01/2024 → on 15/03/2024, 67 days
    → 368,500 đ."""
    pieces = surcharge_days(due=due, on=on, payments=payments, pauses=pauses, amount=amount)
    unpaid_days = sum(unpaid * ((last - start).days + 1) for start, last, unpaid in pieces)
    exact = Decimal(unpaid_days) * Decimal(rate)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def late_days(*, due: date, on: date) -> int:
    """Calendar days late at the end of `on` (0 on or before the due date)."""
    return max((on - due).days, 0)


# --- instalments (Art. 79) -------------------------------------------------------------------
def instalment_eligible(
    amount: int,
    *,
    organisation: bool,
    individual_min: int = 15_000_000,
    organisation_min: int = 150_000_000,
) -> bool:
    """May a fine of `amount` be paid in instalments (hardship aside)?"""
    return amount >= (organisation_min if organisation else individual_min)


def instalment_plan_problems(
    amount: int,
    *,
    decided_on: date,
    instalments: Sequence[tuple[date, int]],
    max_count: int = 3,
    max_months: int = 6,
    first_min_percent: int = 40,
) -> list[str]:
    """What is wrong with a plan of (due date, amount) instalments ([] if nothing):
    at most `max_count` payments within `max_months` months of the decision, the first
    at least `first_min_percent` % of the fine, the whole fine covered. Codes, not
    sentences: the service words them."""
    problems = []
    ordered = sorted(instalments)
    if not ordered:
        return ["empty"]
    if len(ordered) > max_count:
        problems.append("too_many")
    if ordered[-1][0] > add_months(decided_on, max_months):
        problems.append("too_late")
    if ordered[0][1] * 100 < amount * first_min_percent:
        problems.append("first_too_small")
    if sum(v for _d, v in ordered) != amount:
        problems.append("sum_mismatch")
    if any(v <= 0 for _d, v in ordered):
        problems.append("non_positive")
    return problems


# --- the decision (Art. 66) ---------------------------------------------------------------
def decision_due(
    record_on: date,
    *,
    case: str = "standard",
    standard_working_days: int = 7,
    transferred_working_days: int = 10,
    explanation_months: int = 1,
    complex_extra_months: int = 1,
    add_working_days: AddFn | None = None,
    next_working_day: DateFn | None = None,
) -> date:
    """The last day to issue the penalty decision after a violation record of
    `record_on`: 7 working days (standard), 10 working days (the file goes to another
    competent official), 1 month (explanation or verification), 1 more month when
    especially complex (a recorded extension). A month period ending on a day off moves
    to the next working day."""
    awd = add_working_days or _add_working_days
    nwd = next_working_day or _next_working_day
    if case == "standard":
        return awd(record_on, standard_working_days)
    if case == "transferred":
        return awd(record_on, transferred_working_days)
    if case == "explanation":
        return nwd(add_months(record_on, explanation_months))
    if case == "complex":
        return nwd(add_months(record_on, explanation_months + complex_extra_months))
    raise ValueError(f"unknown decision case {case!r}")


def explanation_due(
    record_on: date, *, working_days: int = 5, add_working_days: AddFn | None = None
) -> date:
    """The last day for the violator's written explanation (≈ 5 working days, [GK])."""
    return (add_working_days or _add_working_days)(record_on, working_days)


def delivery_due(
    decided_on: date, *, working_days: int = 2, add_working_days: AddFn | None = None
) -> date:
    """The decision is sent within 2 working days of its issue (Art. 70)."""
    return (add_working_days or _add_working_days)(decided_on, working_days)


def deemed_delivered(*, refused: bool, returned_postings: int, third_posting: int = 3) -> bool:
    """A recorded refusal, or the third returned posting, counts as delivery (Art. 70)."""
    return refused or returned_postings >= third_posting


# --- limitation and enforcement (Arts. 74, 86) -----------------------------------------
def limitation_end(decided_on: date, *, years: int = 1) -> date:
    """The last day a decision issued on `decided_on` may still be executed: 1 year
    counted from the day after issue, ending on the corresponding day (Civil Code
    Art. 148(1); 29/02 → 28/02). A limit on the State, so it does not move off a day off."""
    return add_months(decided_on, 12 * years)


def reminder_letter_on(due: date, *, days_after: int = 1) -> date:
    """The reminder letter (văn bản đôn đốc) goes out the day after the deadline."""
    return due + timedelta(days=days_after)


def enforcement_prepare_on(due: date, *, days_after: int = 30) -> date:
    """Enforcement is prepared 30 days after the deadline if nothing is paid [GK]."""
    return due + timedelta(days=days_after)


def enforcement_decision_by(limitation: date, *, days_before: int = 60) -> date:
    """The enforcement decision is required by T-60 days before the limitation [GK]."""
    return limitation - timedelta(days=days_before)


# --- dated catalogue versions ------------------------------------------------------------
def version_on(versions: Sequence[dict], day: date) -> dict:
    """The version (a dict with "applies_from" as an ISO date string or a date) in force
    on `day`: the latest that applies from on or before it."""

    def start(v: dict) -> date:
        f = v["applies_from"]
        return f if isinstance(f, date) else date.fromisoformat(f)

    current = [v for v in versions if start(v) <= day]
    if not current:
        raise LookupError(f"no catalogue version applies on {day.isoformat()}")
    return max(current, key=start)


def signer_for(amount: int, *, organisation: bool, tiers: Sequence[dict]) -> str | None:
    """The lowest signer whose competence covers a fine of `amount`: `tiers` are
    {"role": code, "individual_max": đ, "organisation_max": đ} from the lowest up.
    None: above every tier."""
    key = "organisation_max" if organisation else "individual_max"
    for tier in tiers:
        if amount <= tier[key]:
            return tier["role"]
    return None


def signer_competent(
    signer: str, amount: int, *, organisation: bool, tiers: Sequence[dict]
) -> bool:
    """May `signer` sign a decision fining `amount`? A higher signer may sign below
    their limit too."""
    key = "organisation_max" if organisation else "individual_max"
    return any(t["role"] == signer and amount <= t[key] for t in tiers)


def postponement_eligible(amount: int, *, organisation: bool, rule: dict) -> bool:
    """May the violator ask to postpone payment (sudden hardship aside)? `rule` is a
    dated version: {"individual_min": đ, "organisation_min": đ or None (not allowed)}."""
    minimum = rule.get("organisation_min") if organisation else rule.get("individual_min")
    return minimum is not None and amount >= minimum


def postponement_end_ok(start: date, end: date, *, max_months: int = 3) -> bool:
    """A postponement lasts at most 3 months."""
    return start <= end <= add_months(start, max_months)
