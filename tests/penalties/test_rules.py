"""The legal rules of administrative penalties (penalties/rules.py), written before the
code from DOMAIN.md §4 and issue 11, with boundary dates across Tết 2024 (08–14/02) and
month ends, computed by hand."""

from datetime import date

import pytest

from penalties import rules

pytestmark = pytest.mark.django_db  # the working-day calendar reads its exceptions table

# --- payment_due: 10 calendar days from the day after receipt; a day off moves on ----------
PAYMENT_DUE = [
    (date(2023, 12, 29), 10, date(2024, 1, 8)),  # the worked example (Monday)
    (date(2024, 1, 30), 10, date(2024, 2, 15)),  # 09/02 is Tết → first working day after
    (date(2024, 2, 3), 10, date(2024, 2, 15)),  # 13/02 is Tết
    (date(2024, 2, 5), 10, date(2024, 2, 15)),  # 15/02: Tết is over, a Thursday
    (date(2024, 1, 26), 10, date(2024, 2, 5)),  # 05/02 Monday
    (date(2024, 1, 27), 10, date(2024, 2, 6)),  # 06/02 Tuesday, before Tết
    (date(2024, 2, 21), 10, date(2024, 3, 4)),  # 02/03 Saturday → Monday 04/03
    (date(2024, 4, 20), 10, date(2024, 5, 2)),  # 30/04 holiday, 01/05 holiday → 02/05
    (date(2024, 2, 19), 10, date(2024, 2, 29)),  # leap day, a Thursday
    (date(2024, 1, 10), 15, date(2024, 1, 25)),  # the decision gives longer
]


@pytest.mark.parametrize(("received", "days", "due"), PAYMENT_DUE)
def test_payment_due(received, days, due):
    assert rules.payment_due(received, days=days) == due


def test_payment_due_default_is_ten_days():
    assert rules.payment_due(date(2023, 12, 29)) == date(2024, 1, 8)


def test_payment_due_takes_a_holiday_set():
    off = {date(2024, 1, 8)}

    def nwd(d):
        while d in off or d.weekday() >= 5:
            d = d.fromordinal(d.toordinal() + 1)
        return d

    assert rules.payment_due(date(2023, 12, 29), next_working_day=nwd) == date(2024, 1, 9)


# --- surcharge --------------------------------------------------------------------------
def test_surcharge_worked_example_verbatim():
    """11,000,000 đ received 29/12/2023 → due 08/01/2024 → on 15/03/2024, 67 days → 368,500 đ."""
    due = rules.payment_due(date(2023, 12, 29))
    assert due == date(2024, 1, 8)
    assert rules.late_days(due=due, on=date(2024, 3, 15)) == 67
    assert rules.surcharge(11_000_000, due=due, on=date(2024, 3, 15)) == 368_500


def test_surcharge_nothing_on_or_before_due():
    due = date(2024, 1, 8)
    assert rules.surcharge(11_000_000, due=due, on=date(2024, 1, 8)) == 0
    assert rules.surcharge(11_000_000, due=due, on=date(2024, 1, 1)) == 0
    # the first day late counts: 0.05 % of 11,000,000 = 5,500
    assert rules.surcharge(11_000_000, due=due, on=date(2024, 1, 9)) == 5_500


def test_surcharge_counts_holidays_tet_included():
    # due 06/02/2024; 07/02 … 16/02 = 10 calendar days, Tết included
    assert rules.surcharge(10_000_000, due=date(2024, 2, 6), on=date(2024, 2, 16)) == 50_000


def test_surcharge_across_month_end_and_leap_day():
    # due 27/02/2024: 28/02, 29/02, 01/03 = 3 days
    assert rules.surcharge(2_000_000, due=date(2024, 2, 27), on=date(2024, 3, 1)) == 3_000


def test_surcharge_piecewise_between_payments():
    due = date(2024, 1, 8)
    # 4,000,000 paid on 19/01: 09/01–18/01 (10 days) on 11M, then 19/01–15/03 (57) on 7M
    payments = [(date(2024, 1, 19), 4_000_000)]
    expected = 11_000_000 * 10 * 5 // 10_000 + 7_000_000 * 57 * 5 // 10_000
    assert expected == 55_000 + 199_500
    assert rules.surcharge(11_000_000, due=due, on=date(2024, 3, 15), payments=payments) == 254_500


def test_surcharge_payment_pays_before_its_day_is_counted():
    due = date(2024, 1, 8)
    # paid in full on 10/01: only 09/01 counts
    assert (
        rules.surcharge(
            11_000_000, due=due, on=date(2024, 3, 15), payments=[(date(2024, 1, 10), 11_000_000)]
        )
        == 5_500
    )
    # paid in full on the first day late: nothing
    assert (
        rules.surcharge(
            11_000_000, due=due, on=date(2024, 3, 15), payments=[(date(2024, 1, 9), 11_000_000)]
        )
        == 0
    )


def test_surcharge_payment_before_due_reduces_the_base():
    payments = [(date(2024, 1, 5), 1_000_000)]
    # 10,000,000 unpaid × 67 days
    assert (
        rules.surcharge(11_000_000, due=date(2024, 1, 8), on=date(2024, 3, 15), payments=payments)
        == 335_000
    )


def test_surcharge_pause_first_and_last_day_excluded():
    due = date(2024, 1, 8)
    # a postponement 15/01–14/02 (31 days) inside 09/01–15/03 (67): 36 days counted
    pauses = [(date(2024, 1, 15), date(2024, 2, 14))]
    assert rules.surcharge(11_000_000, due=due, on=date(2024, 3, 15), pauses=pauses) == (
        11_000_000 * 36 * 5 // 10_000
    )
    # on a day inside the pause: only the days before it
    assert rules.surcharge(11_000_000, due=due, on=date(2024, 1, 20), pauses=pauses) == 33_000


def test_surcharge_pause_starting_before_the_due_date():
    pauses = [(date(2024, 1, 1), date(2024, 1, 31))]
    # counted from 01/02 to 15/03 = 44 days
    assert (
        rules.surcharge(11_000_000, due=date(2024, 1, 8), on=date(2024, 3, 15), pauses=pauses)
        == 11_000_000 * 44 * 5 // 10_000
    )


def test_surcharge_payments_and_pauses_together():
    due = date(2024, 1, 8)
    payments = [(date(2024, 1, 12), 5_000_000), (date(2024, 2, 20), 6_000_000)]
    pauses = [(date(2024, 2, 1), date(2024, 2, 10))]
    # 09–11/01: 3 d × 11M; 12–31/01: 20 d × 6M; 01–10/02 paused; 11–19/02: 9 d × 6M; paid 20/02
    expected = (11_000_000 * 3 + 6_000_000 * 20 + 6_000_000 * 9) * 5 / 10_000
    assert rules.surcharge(
        11_000_000, due=due, on=date(2024, 3, 15), payments=payments, pauses=pauses
    ) == round(expected)


def test_surcharge_rounds_to_the_nearest_dong_half_up():
    # 1,001 đ × 1 day × 0.05 % = 0.5005 → 1; 999 đ → 0.4995 → 0; 3,000 × 1 = 1.5 → 2
    due = date(2024, 1, 8)
    assert rules.surcharge(1_001, due=due, on=date(2024, 1, 9)) == 1
    assert rules.surcharge(999, due=due, on=date(2024, 1, 9)) == 0
    assert rules.surcharge(3_000, due=due, on=date(2024, 1, 9)) == 2


def test_surcharge_overpayment_never_goes_negative():
    assert (
        rules.surcharge(
            1_000_000,
            due=date(2024, 1, 8),
            on=date(2024, 3, 1),
            payments=[(date(2024, 1, 9), 2_000_000)],
        )
        == 0
    )


def test_surcharge_rate_is_a_parameter():
    from decimal import Decimal

    assert (
        rules.surcharge(
            11_000_000, due=date(2024, 1, 8), on=date(2024, 1, 9), rate=Decimal("0.001")
        )
        == 11_000
    )


# --- instalments --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "organisation", "eligible"),
    [
        (11_000_000, False, False),  # the demo's arrear: refused
        (14_999_999, False, False),
        (15_000_000, False, True),
        (15_000_000, True, False),
        (149_999_999, True, False),
        (150_000_000, True, True),
    ],
)
def test_instalment_eligible(amount, organisation, eligible):
    assert rules.instalment_eligible(amount, organisation=organisation) is eligible


def test_instalment_plan_problems():
    decided = date(2024, 1, 31)
    ok = [
        (date(2024, 2, 29), 8_000_000),
        (date(2024, 5, 31), 6_000_000),
        (date(2024, 7, 31), 6_000_000),
    ]
    assert rules.instalment_plan_problems(20_000_000, decided_on=decided, instalments=ok) == []
    # 31/01 + 6 months = 31/07; 01/08 is too late
    late = [*ok[:2], (date(2024, 8, 1), 6_000_000)]
    assert "too_late" in rules.instalment_plan_problems(
        20_000_000, decided_on=decided, instalments=late
    )
    small = [(date(2024, 2, 29), 7_999_999), (date(2024, 5, 31), 12_000_001)]
    assert rules.instalment_plan_problems(20_000_000, decided_on=decided, instalments=small) == [
        "first_too_small"
    ]
    four = [(date(2024, 2, 1 + i), 5_000_000) for i in range(4)]
    problems = rules.instalment_plan_problems(20_000_000, decided_on=decided, instalments=four)
    assert "too_many" in problems
    assert "sum_mismatch" in rules.instalment_plan_problems(
        20_000_000, decided_on=decided, instalments=[(date(2024, 2, 29), 10_000_000)]
    )


# --- decision_due --------------------------------------------------------------------------
DECISION_DUE = [
    # standard: 7 working days after the record
    (date(2024, 1, 2), "standard", date(2024, 1, 11)),
    (date(2024, 2, 5), "standard", date(2024, 2, 21)),  # 06, 07, then Tết 08–14, 15, 16, 19, 20, 21
    (date(2024, 2, 7), "standard", date(2024, 2, 23)),
    (date(2023, 12, 22), "standard", date(2024, 1, 3)),  # 01/01 off
    # transferred: 10 working days
    (date(2024, 2, 5), "transferred", date(2024, 2, 26)),
    (date(2024, 1, 31), "transferred", date(2024, 2, 21)),
    # explanation: 1 month, a day off moves on
    (date(2024, 1, 31), "explanation", date(2024, 2, 29)),  # month end → leap day
    (date(2024, 1, 10), "explanation", date(2024, 2, 15)),  # 10/02 is Tết → 15/02
    (date(2024, 3, 30), "explanation", date(2024, 5, 2)),  # 30/04 and 01/05 off
    (date(2023, 12, 30), "explanation", date(2024, 1, 30)),
    # complex: one month more (2 in all)
    (date(2023, 12, 31), "complex", date(2024, 2, 29)),
    (date(2023, 12, 10), "complex", date(2024, 2, 15)),  # 10/02 Tết → 15/02
    (date(2024, 8, 31), "complex", date(2024, 10, 31)),
]


@pytest.mark.parametrize(("record", "case", "due"), DECISION_DUE)
def test_decision_due(record, case, due):
    assert rules.decision_due(record, case=case) == due


def test_decision_due_unknown_case():
    with pytest.raises(ValueError, match="unknown"):
        rules.decision_due(date(2024, 1, 2), case="urgent")


def test_explanation_and_delivery_due():
    assert rules.explanation_due(date(2024, 2, 6)) == date(2024, 2, 20)  # 07, 15, 16, 19, 20
    assert rules.delivery_due(date(2024, 2, 7)) == date(2024, 2, 16)
    assert rules.delivery_due(date(2023, 12, 22)) == date(2023, 12, 26)


def test_deemed_delivered():
    assert rules.deemed_delivered(refused=True, returned_postings=0)
    assert not rules.deemed_delivered(refused=False, returned_postings=2)
    assert rules.deemed_delivered(refused=False, returned_postings=3)


# --- limitation and enforcement ------------------------------------------------------------
@pytest.mark.parametrize(
    ("decided", "end"),
    [
        (date(2024, 1, 2), date(2025, 1, 2)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # leap day → 28/02
        (date(2023, 12, 31), date(2024, 12, 31)),
        (date(2024, 2, 10), date(2025, 2, 10)),  # issued on Tết? the limit does not move
    ],
)
def test_limitation_end(decided, end):
    assert rules.limitation_end(decided) == end


def test_reminder_and_enforcement_dates():
    due = date(2024, 1, 8)
    assert rules.reminder_letter_on(due) == date(2024, 1, 9)
    assert rules.enforcement_prepare_on(due) == date(2024, 2, 7)
    # decided 02/01/2024 → limitation 02/01/2025 → T-60 = 03/11/2024
    assert rules.enforcement_decision_by(rules.limitation_end(date(2024, 1, 2))) == date(
        2024, 11, 3
    )


# --- dated catalogue versions ----------------------------------------------------------------
TIERS = [
    {"role": "chief_inspector", "individual_max": 25_000_000, "organisation_max": 50_000_000},
    {"role": "director", "individual_max": 50_000_000, "organisation_max": 100_000_000},
    {"role": "chairman", "individual_max": 100_000_000, "organisation_max": 200_000_000},
]


def test_signer_for_amount():
    assert rules.signer_for(11_000_000, organisation=False, tiers=TIERS) == "chief_inspector"
    assert rules.signer_for(25_000_000, organisation=False, tiers=TIERS) == "chief_inspector"
    assert rules.signer_for(25_000_001, organisation=False, tiers=TIERS) == "director"
    assert rules.signer_for(40_000_000, organisation=True, tiers=TIERS) == "chief_inspector"
    assert rules.signer_for(150_000_000, organisation=True, tiers=TIERS) == "chairman"
    assert rules.signer_for(250_000_000, organisation=True, tiers=TIERS) is None


def test_signer_competent():
    assert rules.signer_competent("director", 11_000_000, organisation=False, tiers=TIERS)
    assert not rules.signer_competent(
        "chief_inspector", 30_000_000, organisation=False, tiers=TIERS
    )


def test_version_on_picks_the_one_in_force():
    versions = [
        {"applies_from": "2013-07-01", "label": "2012"},
        {"applies_from": "2022-01-01", "label": "2020"},
    ]
    assert rules.version_on(versions, date(2021, 12, 31))["label"] == "2012"
    assert rules.version_on(versions, date(2022, 1, 1))["label"] == "2020"
    with pytest.raises(LookupError):
        rules.version_on(versions, date(2013, 6, 30))


def test_postponement_eligible_by_version():
    v2012 = {"individual_min": 3_000_000, "organisation_min": None}
    v2020 = {"individual_min": 2_000_000, "organisation_min": 100_000_000}
    assert rules.postponement_eligible(3_000_000, organisation=False, rule=v2012)
    assert not rules.postponement_eligible(2_999_999, organisation=False, rule=v2012)
    assert not rules.postponement_eligible(500_000_000, organisation=True, rule=v2012)
    assert rules.postponement_eligible(2_000_000, organisation=False, rule=v2020)
    assert rules.postponement_eligible(100_000_000, organisation=True, rule=v2020)


def test_postponement_at_most_three_months():
    assert rules.postponement_end_ok(date(2023, 11, 30), date(2024, 2, 29))
    assert not rules.postponement_end_ok(date(2023, 11, 30), date(2024, 3, 1))
