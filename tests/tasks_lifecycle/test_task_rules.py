"""The time limits of a provincial S&T task, from the legal texts, at their boundaries.

Dates around Tết 2024 (08–14/02), Hùng Kings' day (18/04/2024), 29/04–01/05/2024,
National Day 2024 (02–03/09), Tết 2025 (27/01–01/02) and month ends. The calendar is
the engine's (`workflows.calendar`), which reads the admin's exceptions: hence the db mark.
"""

from dataclasses import replace
from datetime import date

import pytest

from tasks_lifecycle import rules, task_rules
from tasks_lifecycle.task_rules import (
    LIMITS,
    acceptance_council_setup_due_on,
    acceptance_dossier_due_on,
    acceptance_late,
    acceptance_limit_on,
    acceptance_meeting_due_on,
    approval_due_on,
    bar_reasons,
    budget_approval_due_on,
    budget_finalise_due_on,
    budget_meeting_due_on,
    call_closes_on,
    contract_deadlines,
    corrections_due_on,
    due_on,
    extension_end,
    extension_max_months,
    extension_problems,
    extension_request_last_day,
    inspection_notice_latest_on,
    inspection_schedule,
    limit,
    opening_due_on,
    publication_due_on,
    recognition_due_on,
    recommendation_due_on,
    registration_due_on,
    revision_due_on,
    second_call_latest_on,
    spending_confirmation_due_on,
    supplement_due_on,
    validity_notice_due_on,
    workload_confirmation_due_on,
)

pytestmark = pytest.mark.django_db


# --- the catalogue ------------------------------------------------------------------------
def test_every_limit_has_a_unit_a_basis_and_a_vietnamese_name():
    assert len(LIMITS) >= 25
    for code, lim in LIMITS.items():
        assert lim.code == code
        assert lim.unit in (task_rules.WORKING, task_rules.CALENDAR, task_rules.MONTH), code
        assert lim.direction in (task_rules.AFTER, task_rules.BEFORE), code
        # a dated point (the contract end, a scheduled inspection) counts 0 from itself
        assert lim.amount > 0 or code in ("contract_end", "inspection_due"), code
        assert lim.legal_basis, code
        assert lim.name and lim.name[0].isupper(), code
        assert lim.owner in task_rules.OWNERS, code


def test_unverified_defaults_are_marked_gk():
    assert "[GK]" in LIMITS["registration"].legal_basis
    assert "[GK]" in LIMITS["bar_after_fail"].legal_basis
    assert "[Seed]" in LIMITS["inspection_interval_son_la"].legal_basis


def test_limit_with_province_override():
    lim = limit("inspection_interval", amount=6)
    assert lim.amount == 6 and lim.unit == task_rules.MONTH
    assert LIMITS["inspection_interval"].amount == 12  # the national default is untouched
    with pytest.raises(KeyError):
        limit("no_such_limit")


def test_due_on_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        due_on(replace(LIMITS["approval"], unit="week"), date(2024, 1, 1))


# --- A. identification and ordering (TT 06/2023) -----------------------------------------
def test_recommendation_five_working_days_across_tet_2024():
    # the DOMAIN.md worked example: 05/02/2024 + 5 working days = 19/02/2024
    assert recommendation_due_on(date(2024, 2, 5)) == date(2024, 2, 19)
    assert LIMITS["recommendation"].unit == task_rules.WORKING
    assert "khoản 9 Điều 12" in LIMITS["recommendation"].legal_basis


def test_calendar_days_worked_example_of_domain():
    # a "25 days" limit from 05/02/2024: 01/03 in calendar days, 18/03 in working days
    lim = replace(LIMITS["approval"], amount=25)
    assert due_on(lim, date(2024, 2, 5)) == date(2024, 3, 1)
    assert due_on(replace(lim, unit=task_rules.WORKING), date(2024, 2, 5)) == date(2024, 3, 18)


def test_approval_fifteen_days_ending_in_tet_moves_to_the_next_working_day():
    assert approval_due_on(date(2024, 1, 30)) == date(2024, 2, 15)  # 14/02 is Tết
    assert approval_due_on(date(2024, 1, 1)) == date(2024, 1, 16)


def test_publication_fifteen_days_after_decision_250():
    # Decision 250/QĐ-UBND of 06/02/2024 → published by 21/02/2024
    assert publication_due_on(date(2024, 2, 6)) == date(2024, 2, 21)


# --- B. selection (TT 20/2023) ----------------------------------------------------------
def test_call_thirty_days_ending_on_a_sunday():
    assert call_closes_on(date(2024, 3, 1)) == date(2024, 4, 1)  # 31/03 is a Sunday


def test_opening_seven_working_days_after_the_call_closes():
    assert opening_due_on(date(2024, 4, 1)) == date(2024, 4, 10)
    # Hùng Kings' day 18/04/2024 skipped
    assert opening_due_on(date(2024, 4, 12)) == date(2024, 4, 24)


def test_revision_twenty_days_over_30_4_and_1_5():
    assert revision_due_on(date(2024, 4, 10)) == date(2024, 5, 2)


def test_second_call_within_six_months_of_the_first_call_month_ends():
    assert second_call_latest_on(date(2023, 8, 31)) == date(2024, 2, 29)  # leap year
    assert second_call_latest_on(date(2024, 8, 31)) == date(2025, 2, 28)
    assert second_call_latest_on(date(2024, 1, 15)) == date(2024, 7, 15)


# --- C. budget appraisal ----------------------------------------------------------------
def test_budget_appraisal_chain():
    met = budget_meeting_due_on(date(2024, 5, 2))
    assert met == date(2024, 5, 13)  # 12/05 is a Sunday
    finalised = budget_finalise_due_on(met)
    assert finalised == date(2024, 5, 28)
    assert budget_approval_due_on(finalised) == date(2024, 6, 12)


# --- E. inspection (TT 04/2015; Sơn La every 6 months) ------------------------------------
def test_inspection_notice_five_working_days_before_across_tet():
    assert inspection_notice_latest_on(date(2024, 2, 19)) == date(2024, 2, 5)
    assert inspection_notice_latest_on(date(2024, 3, 15)) == date(2024, 3, 8)


def test_inspection_schedule_son_la_every_six_months_without_month_end_drift():
    got = inspection_schedule(
        effective_on=date(2023, 8, 31),
        contract_end=date(2025, 8, 31),
        interval=limit("inspection_interval_son_la"),
    )
    # 31/08/2024 is a Saturday, 02–03/09 National Day: the inspection is due 04/09/2024;
    # the next one counts from 31/08 again (28/02/2025), not from 29/02 (no drift)
    assert got == [date(2024, 2, 29), date(2024, 9, 4), date(2025, 2, 28)]


def test_inspection_schedule_national_default_yearly():
    got = inspection_schedule(effective_on=date(2023, 8, 31), contract_end=date(2025, 8, 31))
    assert got == [date(2024, 9, 4)]  # none on the contract end: acceptance takes over
    assert LIMITS["inspection_interval"].amount == 12
    assert "khoản 1 Điều 6" in LIMITS["inspection_interval"].legal_basis


def test_inspection_schedule_catalogue_override():
    got = inspection_schedule(
        effective_on=date(2024, 1, 15),
        contract_end=date(2025, 1, 15),
        interval=limit("inspection_interval", amount=4),
    )
    assert got == [date(2024, 5, 15), date(2024, 9, 16)]  # 15/09/2024 is a Sunday


def test_workload_and_spending_confirmation_after_the_inspection():
    # inspection ends Fri 26/04/2024; 29/04, 30/04, 01/05 are off and Saturday 04/05/2024
    # is the make-up working day for 29/04 (it counts)
    assert workload_confirmation_due_on(date(2024, 4, 26)) == date(2024, 5, 14)
    assert spending_confirmation_due_on(date(2024, 4, 26)) == date(2024, 5, 28)


# --- extension (TT 04/2015 Art 12) --------------------------------------------------------
def test_extension_max_by_duration_boundary_24_months():
    assert extension_max_months(12) == 6
    assert extension_max_months(24) == 6
    assert extension_max_months(25) == 12
    assert extension_max_months(36) == 12


def test_extension_request_at_least_one_month_before_the_end():
    assert extension_request_last_day(date(2024, 3, 31)) == date(2024, 2, 29)
    assert extension_request_last_day(date(2024, 12, 31)) == date(2024, 11, 30)
    ok = {"contract_end": date(2024, 3, 31), "duration_months": 24, "extended_before": False}
    assert extension_problems(**ok, requested_on=date(2024, 2, 29), months=6) == []
    late = extension_problems(**ok, requested_on=date(2024, 3, 1), months=6)
    assert len(late) == 1 and "29/02/2024" in late[0] and "khoản 2 Điều 12" in late[0]


def test_extension_once_only_and_within_the_maximum():
    base = {"contract_end": date(2024, 12, 31), "requested_on": date(2024, 10, 1)}
    assert extension_problems(**base, duration_months=24, extended_before=False, months=7)
    assert not extension_problems(**base, duration_months=30, extended_before=False, months=12)
    assert extension_problems(**base, duration_months=30, extended_before=False, months=13)
    again = extension_problems(**base, duration_months=24, extended_before=True, months=3)
    assert len(again) == 1 and "01 lần" in again[0]
    assert extension_problems(**base, duration_months=24, extended_before=False, months=0)


def test_extension_moves_the_end_to_the_corresponding_day():
    assert extension_end(date(2024, 3, 31), 6) == date(2024, 9, 30)
    assert extension_end(date(2024, 8, 31), 6) == date(2025, 2, 28)


# --- F. acceptance (TT 11/2014) ----------------------------------------------------------
def test_acceptance_dossier_thirty_days_ending_in_tet_2025():
    assert acceptance_dossier_due_on(date(2024, 12, 31)) == date(2025, 2, 3)
    assert acceptance_dossier_due_on(date(2024, 1, 31)) == date(2024, 3, 1)


def test_six_month_acceptance_limit_at_month_ends():
    assert acceptance_limit_on(date(2023, 8, 31)) == date(2024, 2, 29)
    assert not acceptance_late(contract_end=date(2023, 8, 31), submitted_on=date(2024, 2, 29))
    assert acceptance_late(contract_end=date(2023, 8, 31), submitted_on=date(2024, 3, 1))
    assert acceptance_limit_on(date(2024, 8, 31)) == date(2025, 2, 28)


def test_six_month_limit_agrees_with_the_councils_acceptance_class():
    end = date(2023, 8, 31)
    for submitted in (date(2024, 2, 29), date(2024, 3, 1)):
        late = acceptance_late(contract_end=end, submitted_on=submitted)
        result = rules.acceptance_class(
            [rules.XUAT_SAC] * 9, contract_end=end, dossier_submitted_on=submitted
        )
        assert (result == rules.KHONG_DAT) is late


def test_validity_notice_and_supplement():
    assert validity_notice_due_on(date(2024, 2, 7)) == date(2024, 2, 19)
    assert supplement_due_on(date(2024, 2, 19)) == date(2024, 2, 26)


def test_acceptance_council_setup_and_meeting():
    assert acceptance_council_setup_due_on(date(2024, 2, 26)) == date(2024, 3, 18)
    assert acceptance_meeting_due_on(date(2024, 3, 18)) == date(2024, 4, 17)
    assert acceptance_meeting_due_on(date(2024, 3, 19)) == date(2024, 4, 19)  # 18/04 Hùng Kings


def test_corrections_and_recognition():
    # 18/04, 29/04–01/05 off; Saturday 04/05/2024 a make-up working day
    assert corrections_due_on(date(2024, 4, 1)) == date(2024, 5, 16)
    assert recognition_due_on(date(2024, 5, 16)) == date(2024, 5, 30)


def test_result_registration_five_working_days_gk():
    assert registration_due_on(date(2024, 2, 7)) == date(2024, 2, 21)


# --- the bar after Không đạt and for a dossier not filed -----------------------------------
def test_bar_after_khong_dat_for_the_period_of_the_catalogue():
    history = [{"title": "Đề tài A", "failed_on": date(2024, 3, 15)}]
    assert bar_reasons(history, on=date(2026, 3, 15))
    assert bar_reasons(history, on=date(2026, 3, 16)) == []
    one_year = {"bar_after_fail": limit("bar_after_fail", amount=12)}
    assert bar_reasons(history, on=date(2025, 3, 16), limits=one_year) == []


def test_bar_while_an_acceptance_dossier_is_more_than_thirty_days_late():
    pending = [{"title": "Đề tài B", "contract_end": date(2024, 12, 31), "dossier_on": None}]
    assert bar_reasons(pending, on=date(2025, 2, 3)) == []
    reasons = bar_reasons(pending, on=date(2025, 2, 4))
    assert len(reasons) == 1 and "Đề tài B" in reasons[0]
    filed = [{**pending[0], "dossier_on": date(2025, 3, 1)}]
    assert bar_reasons(filed, on=date(2025, 2, 4))  # late then, barred then
    assert bar_reasons(filed, on=date(2025, 3, 1)) == []


# --- the dates the contract end opens --------------------------------------------------------
def test_contract_deadlines_from_the_end():
    got = contract_deadlines(date(2024, 12, 31))
    assert got == {
        "contract_end": date(2024, 12, 31),
        "extension_window": date(2024, 11, 30),
        "acceptance_dossier": date(2025, 2, 3),
        "acceptance_limit_warning": date(2025, 5, 31),
        "acceptance_limit": date(2025, 6, 30),
    }


def test_contract_deadlines_follow_an_extension():
    end = extension_end(date(2024, 12, 31), 6)
    got = contract_deadlines(end)
    assert got["contract_end"] == date(2025, 6, 30)
    assert got["acceptance_limit"] == date(2025, 12, 30)
    assert got["acceptance_dossier"] == date(2025, 7, 30)


# --- overlap check on titles (the division compiles the proposals) -------------------------
def test_similar_titles_ranks_earlier_tasks_by_shared_words():
    earlier = [
        {"code": "NV-2019-003", "title": "Nghiên cứu trồng thử nghiệm cây Sâm Việt Nam tại Sơn La"},
        {"code": "NV-2020-011", "title": "Xây dựng nhãn hiệu chứng nhận Gạo Phù Yên"},
        {"code": "NV-2021-002", "title": "Ứng dụng công nghệ sinh học trong chăn nuôi bò"},
    ]
    got = task_rules.similar_titles(
        "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam", earlier
    )
    assert [g["code"] for g in got] == ["NV-2019-003"]
    assert 0 < got[0]["score"] <= 1
    # case, diacritics in NFD form and spacing do not matter; the same title scores 1
    same = task_rules.similar_titles(
        "  NGHIÊN CỨU trồng thử nghiệm cây sâm việt nam tại Sơn La", earlier
    )
    assert same[0]["score"] == 1.0
    assert task_rules.similar_titles("Quản lý tài sản trí tuệ", earlier) == []
    assert task_rules.similar_titles("", earlier) == []
