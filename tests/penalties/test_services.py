"""The services of the penalty procedure: each transition, its refusals and ledger."""

from datetime import date

import pytest

from penalties import services
from penalties.models import DeliveryAttempt, PenaltyCase, Status
from penalties.selectors import case_money, cases_with_money
from tests.penalties.conftest import decided, delivered, on, open_case
from workflows.errors import ActionForbidden, DomainError, TransitionRefused
from workflows.ledger import deadlines_for_case
from workflows.models import AuditEntry, Deadline


def _rows(case, kind):
    return list(deadlines_for_case(case).filter(kind=kind).values_list("due_date", "state"))


def test_open_case_decision_due_and_flow(people):
    case = open_case(people)
    assert case.status == Status.RECORDED
    assert case.decision_due == date(2024, 1, 3)  # 7 working days, 01/01 off
    assert _rows(case, "decision") == [(date(2024, 1, 3), "open")]
    from penalties.flows import open_tasks

    assert [t.flow_task.name for t in open_tasks(case)] == ["record"]


def test_whole_path_to_surcharge_worked_example(people):
    case = delivered(people)
    assert case.status == Status.AWAITING_PAYMENT
    assert case.payment_due == date(2024, 1, 8)
    assert case.decision_number
    assert case.limitation_on == date(2024, 12, 22)
    with on(date(2024, 1, 9)):
        services.penalties_daily()
    case.refresh_from_db()
    assert case.status == Status.OVERDUE
    money = case_money(cases_with_money().get(pk=case.pk), on=date(2024, 3, 15))
    assert (money.surcharge, money.late_days) == (368_500, 67)
    from penalties.flows import open_tasks

    assert [t.flow_task.name for t in open_tasks(case)] == ["enforce"]


def test_signer_above_competence_refused(people):
    case = open_case(people)
    with on(date(2023, 12, 22)):
        case = services.decision_propose(case=case, actor=people["inspector"], amount=60_000_000)
        with pytest.raises(ActionForbidden, match="vượt thẩm quyền"):
            services.decision_sign(case=case, actor=people["chief"])
        case = services.decision_sign(case=case, actor=people["director"])
    assert case.status == Status.DECIDED
    assert case.signer == "director"


def test_decision_of_the_provincial_chairman_recorded_by_the_director(people):
    """A fine above the director's competence is signed by the Chairman of the People's
    Committee: the director records it (number, date) and the department follows it."""
    case = open_case(people)
    with on(date(2023, 12, 27)):
        case = services.decision_propose(case=case, actor=people["inspector"], amount=150_000_000)
        with pytest.raises(ActionForbidden, match="Chủ tịch Ủy ban nhân dân tỉnh"):
            services.decision_sign(case=case, actor=people["director"])
        with pytest.raises(ActionForbidden, match="Chỉ Giám đốc Sở"):
            services.decision_sign(
                case=case, actor=people["chief"], by_chairman=True, number="123/QĐ-UBND"
            )
        with pytest.raises(DomainError, match="Nhập số quyết định"):
            services.decision_sign(case=case, actor=people["director"], by_chairman=True)
        with pytest.raises(DomainError, match="không được sau hôm nay"):
            services.decision_sign(
                case=case,
                actor=people["director"],
                by_chairman=True,
                number="123/QĐ-UBND",
                decided_on=date(2023, 12, 28),
            )
        case.refresh_from_db()
        assert case.status == Status.PROPOSED  # every refusal left it as it was
        case = services.decision_sign(
            case=case,
            actor=people["director"],
            by_chairman=True,
            number="123/QĐ-UBND",
            decided_on=date(2023, 12, 22),
        )
    assert (case.status, case.signer, case.decision_number) == (
        Status.DECIDED,
        "chairman",
        "123/QĐ-UBND",
    )
    assert case.decided_on == date(2023, 12, 22)
    assert case.limitation_on == date(2024, 12, 22)  # 1 year from the Chairman's decision


def test_fine_above_every_signer_refused_even_for_the_chairman(people):
    case = open_case(people)
    with on(date(2023, 12, 27)):
        case = services.decision_propose(case=case, actor=people["inspector"], amount=250_000_000)
        with pytest.raises(ActionForbidden, match="vượt thẩm quyền"):
            services.decision_sign(
                case=case, actor=people["director"], by_chairman=True, number="9/QĐ-UBND"
            )
    case.refresh_from_db()
    assert case.status == Status.PROPOSED


def test_other_inspector_may_not_act(people):
    case = open_case(people)
    with on(date(2023, 12, 22)), pytest.raises(ActionForbidden):
        services.decision_propose(case=case, actor=people["inspector2"], amount=1_000_000)
    case.refresh_from_db()
    assert case.status == Status.RECORDED


def test_deemed_delivery_third_returned_posting(people):
    case = decided(people, record_on=date(2024, 1, 2))
    for n, day in enumerate([date(2024, 1, 3), date(2024, 1, 8), date(2024, 1, 12)], start=1):
        with on(day):
            case = services.delivery_record(
                case=case,
                actor=people["inspector"],
                on=day,
                outcome=DeliveryAttempt.Outcome.RETURNED,
                by_post=True,
            )
        assert case.status == (Status.DECIDED if n < 3 else Status.AWAITING_PAYMENT)
    assert case.deemed_delivered and case.delivered_on == date(2024, 1, 12)
    assert case.payment_due == date(2024, 1, 22)


def test_deemed_delivery_refusal(people):
    case = decided(people, record_on=date(2024, 1, 2))
    with on(date(2024, 1, 4)):
        case = services.delivery_record(
            case=case,
            actor=people["inspector"],
            on=date(2024, 1, 4),
            outcome=DeliveryAttempt.Outcome.REFUSED,
        )
    assert case.status == Status.AWAITING_PAYMENT and case.deemed_delivered


def test_partial_then_full_payment_with_surcharge(people):
    case = delivered(people)
    with on(date(2024, 1, 19)):
        services.penalties_daily()
        case = services.payment_record(
            case=case,
            actor=people["accountant"],
            number="KB-1",
            value_date=date(2024, 1, 19),
            amount=4_000_000,
        )
    assert case.status == Status.OVERDUE and case.paid_total == 4_000_000
    with on(date(2024, 3, 15)):
        # 7,000,000 + surcharge 55,000 (10 d × 11M) + 199,500 (57 d × 7M)
        case = services.payment_record(
            case=case,
            actor=people["accountant"],
            number="KB-2",
            value_date=date(2024, 3, 15),
            amount=7_254_500,
        )
    assert case.status == Status.PAID
    assert not deadlines_for_case(case).filter(state=Deadline.State.OPEN).exists()
    with on(date(2024, 3, 15)), pytest.raises(TransitionRefused):
        services.payment_record(
            case=case,
            actor=people["accountant"],
            number="KB-3",
            value_date=date(2024, 3, 15),
            amount=1,
        )


def test_duplicate_receipt_refused(people):
    case = delivered(people)
    with on(date(2024, 1, 5)):
        services.payment_record(
            case=case,
            actor=people["accountant"],
            number="KB-1",
            value_date=date(2024, 1, 5),
            amount=1_000_000,
        )
        with pytest.raises(DomainError, match="hai lần"):
            services.payment_record(
                case=case,
                actor=people["accountant"],
                number="KB-1",
                value_date=date(2024, 1, 5),
                amount=1_000_000,
            )
    case.refresh_from_db()
    assert case.paid_total == 1_000_000


def test_instalment_request_below_threshold_refused_with_reason(people):
    case = delivered(people)
    with on(date(2024, 1, 20)):
        services.penalties_daily()
        with pytest.raises(DomainError, match="dưới mức"):
            services.instalments_decide(
                case=case,
                actor=people["chief"],
                approve=True,
                requested_on=date(2024, 1, 20),
                hardship_certified=True,
                schedule=[(date(2024, 2, 1), 11_000_000)],
            )
        case = services.instalments_decide(
            case=case, actor=people["chief"], approve=False, requested_on=date(2024, 1, 20)
        )
    assert case.status == Status.OVERDUE
    relief = case.reliefs.get()
    assert relief.state == "refused" and "150.000.000" in relief.reason


def test_instalments_pause_the_surcharge(people):
    case = delivered(people, amount=20_000_000, organisation=False)
    with on(date(2024, 1, 10)):
        services.penalties_daily()
        case = services.instalments_decide(
            case=case,
            actor=people["chief"],
            approve=True,
            requested_on=date(2024, 1, 9),
            hardship_certified=True,
            schedule=[(date(2024, 1, 31), 8_000_000), (date(2024, 3, 29), 12_000_000)],
        )
    assert case.status == Status.INSTALMENTS
    assert len(_rows(case, "instalment")) == 2
    money = case_money(cases_with_money().get(pk=case.pk), on=date(2024, 3, 1))
    assert money.surcharge == 20_000_000 * 1 * 5 // 10_000  # only 09/01 counted


def test_limitation_reached_time_barred_with_record(people):
    case = delivered(people)
    with on(date(2024, 1, 9)):
        services.penalties_daily()
    with on(date(2024, 12, 23)):
        counts = services.penalties_daily()
    assert counts["time_barred"] == 1
    case.refresh_from_db()
    assert case.status == Status.TIME_BARRED
    entry = AuditEntry.objects.filter(action="time_bar", object_id=str(case.pk)).get()
    assert entry.data["principal"] == 11_000_000 and entry.data["paid"] == 0
    assert entry.data["surcharge"] > 0
    from notifications.models import Notification

    assert Notification.objects.filter(
        idempotency_key__contains=f"penalties:{case.pk}:time_barred"
    ).exists()


def test_enforcement_and_reminder(people):
    case = delivered(people)
    with on(date(2024, 1, 9)):
        services.penalties_daily()
        case = services.reminder_send(case=case, actor=people["inspector"])
    assert case.reminder_sent_on == date(2024, 1, 9)
    with on(date(2024, 2, 8)):
        case = services.enforcement_decide(case=case, actor=people["chief"], measure="account")
    assert case.status == Status.ENFORCEMENT and case.enforcement_number


def test_postponement_uses_dated_version(people):
    case = delivered(people, amount=5_000_000, organisation=False)
    with on(date(2024, 1, 5)):
        case = services.postponement_decide(
            case=case,
            actor=people["chief"],
            approve=True,
            requested_on=date(2024, 1, 5),
            until=date(2024, 4, 5),
            hardship_certified=True,
        )
    assert case.status == Status.POSTPONED
    with on(date(2024, 1, 5)), pytest.raises(DomainError):
        c2 = delivered(
            people, amount=5_000_000, organisation=True, number="02/BB", name="Công ty B"
        )
        services.postponement_decide(
            case=c2,
            actor=people["chief"],
            approve=True,
            requested_on=date(2024, 1, 5),
            until=date(2024, 4, 5),
            hardship_certified=True,
        )


def test_explanation_moves_decision_due(people):
    case = open_case(people, record_on=date(2024, 1, 10))
    with on(date(2024, 1, 10)):
        case = services.explanation_request(case=case, actor=people["inspector"])
    assert case.decision_due == date(2024, 2, 15)
    assert case.explanation_due == date(2024, 1, 17)
    with on(date(2024, 1, 12)):
        case = services.decision_extend(
            case=PenaltyCase.objects.get(pk=case.pk),
            actor=people["chief"],
            reason="Cần giám định mẫu vàng",
        )
    assert case.decision_due == date(2024, 3, 11)  # 10/03 is a Sunday


def test_enforcement_preparation_closes_its_row(people):
    case = delivered(people)
    with on(date(2024, 1, 9)):
        services.penalties_daily()
    with on(date(2024, 2, 7)):
        with pytest.raises(DomainError):
            services.enforcement_prepare(case=case, actor=people["inspector"], note=" ")
        case = services.enforcement_prepare(
            case=case, actor=people["inspector"], note="Đã xác minh tài khoản ngân hàng"
        )
    assert case.status == Status.OVERDUE and case.enforcement_prepared_on == date(2024, 2, 7)
    assert _rows(case, "enforcement_prep") == [(date(2024, 2, 7), "met")]
