"""Reads of penalty cases: what is owed today, the register, the overdue view.

The money of a case is computed from its rows (receipts, approved reliefs) by the pure
rules on every read, never stored as a snapshot. Lists prefetch those rows, so a page
costs the same queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from workflows.selectors import procedure_version

from . import rules
from .models import UNPAID_STATES, PenaltyCase, Relief, Status, TreasuryReceipt


@dataclass(frozen=True)
class Money:
    principal: int
    paid: int
    surcharge: int
    late_days: int

    @property
    def principal_unpaid(self) -> int:
        return max(self.principal - self.paid, 0)

    @property
    def total_due(self) -> int:
        return max(self.principal + self.surcharge - self.paid, 0)


def _param(case: PenaltyCase, key: str, default=None):
    return procedure_version(case.procedure_version_id).param(key, default)


def case_pauses(case: PenaltyCase) -> list[tuple[date, date]]:
    """The approved postponements and instalment plans: no surcharge accrues in them."""
    return [
        (r.starts_on, r.ends_on)
        for r in case.reliefs.all()
        if r.state == Relief.State.APPROVED and r.starts_on and r.ends_on
    ]


def case_payments(case: PenaltyCase) -> list[tuple[date, int]]:
    return [(r.value_date, r.amount) for r in case.receipts.all()]


def case_money(case: PenaltyCase, on: date | None = None) -> Money:
    """Principal, paid, surcharge at the end of `on` (today), computed piece by piece."""
    on = on or timezone.localdate()
    payments = [p for p in case_payments(case) if p[0] <= on]
    paid = sum(v for _d, v in payments)
    if case.payment_due is None:
        return Money(case.amount, paid, 0, 0)
    end = on
    if case.status == Status.PAID and case.paid_on:
        end = min(on, case.paid_on)
    if case.status == Status.TIME_BARRED and case.closed_on:
        end = min(on, case.closed_on)
    rate = Decimal(str(_param(case, "surcharge_rate", "0.0005")))
    value = rules.surcharge(
        case.amount,
        due=case.payment_due,
        on=end,
        payments=payments,
        pauses=case_pauses(case),
        rate=rate,
    )
    days = rules.late_days(due=case.payment_due, on=end) if paid < case.amount else 0
    return Money(case.amount, paid, value, days)


def cases_with_money() -> QuerySet[PenaltyCase]:
    return PenaltyCase.objects.select_related("inspection", "inspector").prefetch_related(
        Prefetch("receipts", queryset=TreasuryReceipt.objects.order_by("value_date", "id")),
        Prefetch("reliefs", queryset=Relief.objects.order_by("decided_on", "id")),
    )


def register(*, status: str = "", q: str = "", stage: str = "") -> QuerySet[PenaltyCase]:
    """The penalty register, filtered."""
    qs = cases_with_money().order_by("-decided_on", "-record_on", "-id")
    if status:
        qs = qs.filter(status=status)
    if stage == "unpaid":
        qs = qs.filter(status__in=UNPAID_STATES)
    if stage == "overdue":
        qs = qs.filter(status__in=(Status.OVERDUE, Status.ENFORCEMENT))
    if q:
        qs = qs.filter(
            Q(decision_number__icontains=q)
            | Q(record_number__icontains=q)
            | Q(violator_name__icontains=q)
        )
    return qs


def next_date(case: PenaltyCase) -> tuple[date | None, str]:
    """The next dated obligation of the case (from the case's own fields)."""
    s = case.status
    if s in (Status.RECORDED, Status.PROPOSED):
        return case.decision_due, "Hạn ra quyết định"
    if s == Status.EXPLANATION:
        return case.explanation_due, "Hạn giải trình"
    if s == Status.DECIDED:
        return case.delivery_due, "Hạn giao quyết định"
    if s == Status.AWAITING_PAYMENT:
        return case.payment_due, "Hạn nộp phạt"
    if s in (Status.POSTPONED, Status.INSTALMENTS):
        ends = [r.ends_on for r in case.reliefs.all() if r.state == Relief.State.APPROVED]
        return (max(ends) if ends else None), "Hết thời gian hoãn / nộp nhiều lần"
    if s == Status.OVERDUE and case.limitation_on:
        if not case.reminder_sent_on and case.payment_due:
            return rules.reminder_letter_on(case.payment_due), "Gửi văn bản đôn đốc"
        days = int(_param(case, "enforcement_decision_days_before_limitation", 60))
        return rules.enforcement_decision_by(case.limitation_on, days_before=days), (
            "Hạn ra quyết định cưỡng chế"
        )
    if s == Status.ENFORCEMENT:
        return case.limitation_on, "Hết thời hiệu thi hành"
    return None, ""


def time_bar_watch(*, today: date | None = None, within_days: int = 90) -> QuerySet[PenaltyCase]:
    """Unpaid cases whose limitation ends within `within_days` (or has passed)."""
    from datetime import timedelta

    today = today or timezone.localdate()
    return (
        cases_with_money()
        .filter(status__in=UNPAID_STATES, limitation_on__lte=today + timedelta(days=within_days))
        .order_by("limitation_on", "id")
    )
