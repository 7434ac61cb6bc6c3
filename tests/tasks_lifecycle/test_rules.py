"""The council rules, tested from the legal texts (legal/khoa-hoc-va-cong-nghe.md) with
their boundary cases: exactly 3/4, exactly 1/3, exactly 20 %, exactly 70, a tie on every key."""

from datetime import date

import pytest

from tasks_lifecycle import rules
from tasks_lifecycle.rules import (
    acceptance_class,
    composition_problems,
    conflict_reasons,
    identification_recommended,
    papers_due_on,
    quorum_met,
    selection_tally,
    selection_winner,
    valid_ballots,
)
from workflows.calendar import add_working_days


# --- TT 06/2023 Art 12(7): "Thực hiện" needs MORE than 3/4 of the ballots "Đạt yêu cầu" ----
def test_identification_more_than_three_quarters():
    assert identification_recommended([True] * 7 + [False] * 2)  # 7/9 > 3/4
    assert identification_recommended([True] * 11)


def test_identification_exactly_three_quarters_is_not_enough():
    assert not identification_recommended([True] * 6 + [False] * 2)  # 6/8 = 3/4 exactly
    assert not identification_recommended([True, True, True, False])


def test_identification_no_ballot():
    assert not identification_recommended([])


def test_identification_ballot_is_dat_only_when_every_content_is():
    # TT 06/2023 Art 12(6)
    assert rules.identification_ballot_dat({"a": "dat", "b": "dat"})
    assert not rules.identification_ballot_dat({"a": "dat", "b": "khong_dat"})
    assert not rules.identification_ballot_dat({})


# --- TT 20/2023 Art 11(5)(d): a ballot MORE than 20 % away from the mean is invalid ---------
def test_valid_ballots_exactly_twenty_percent_is_valid():
    # mean 75; 60 and 90 are exactly 15 = 20 % of 75 away
    assert valid_ballots([60, 90, 90, 60]) == [True, True, True, True]


def test_valid_ballots_just_over_twenty_percent():
    # mean 74.75, 20 % = 14.95: 59 is 15.75 away, 90 is 15.25 away, 60 is 14.75 away
    assert valid_ballots([59, 90, 90, 60]) == [False, False, False, True]


def test_valid_ballots_float_points():
    assert valid_ballots([72.5, 80.0, 77.5]) == [True, True, True]
    assert valid_ballots([]) == []
    assert valid_ballots([0, 0]) == [True, True]


# --- TT 20/2023 Art 11(7)-(8): selection -------------------------------------------------
CRITERIA = ["tong_quan", "noi_dung", "san_pham", "ung_dung", "kha_thi", "nang_luc"]


def ballot(*points):
    return dict(zip(CRITERIA, points, strict=True))


def app(id, totals_points, **kw):
    base = {
        "id": id,
        "ballots": [ballot(*p) for p in totals_points],
        "host_proposed": False,
        "state_budget": 1_000_000_000,
        "past_excellent": False,
        "content_criteria": ["noi_dung"],
    }
    base.update(kw)
    return base


SEVENTY = (10, 18, 12, 10, 10, 10)  # 70
EIGHTY = (10, 20, 14, 12, 12, 12)  # 80


def test_selection_exactly_seventy_qualifies():
    assert selection_winner([app("A", [SEVENTY] * 7)]) == "A"


def test_selection_below_seventy_no_winner_second_call():
    below = (10, 18, 12, 10, 10, 9)  # 69
    assert selection_winner([app("A", [below] * 7)]) is None


def test_selection_zero_on_a_criterion_by_more_than_a_quarter_disqualifies():
    zero = (10, 24, 16, 16, 16, 0)  # 82 with "nang_luc" 0
    # 2 of 7 present gave 0: 2/7 > 1/4 → not qualified, whatever the mean
    assert selection_winner([app("A", [zero] * 2 + [EIGHTY] * 5)]) is None
    # exactly 1/4 (2 of 8) is allowed
    assert selection_winner([app("A", [zero] * 2 + [EIGHTY] * 6)]) == "A"


def test_selection_invalid_ballots_dropped_before_the_mean():
    low = (2, 4, 3, 2, 2, 2)  # 15: far more than 20 % below the mean
    tally = selection_tally([app("A", [EIGHTY] * 6 + [low])])
    a = tally["applications"][0]
    assert a["valid"] == [True] * 6 + [False]
    assert a["mean"] == 80
    assert tally["winner"] == "A"


def test_selection_host_bonus_ten_percent_of_mean_when_at_least_seventy():
    t = selection_tally(
        [
            app("host", [SEVENTY] * 7, host_proposed=True),
            app("other", [(10, 20, 14, 12, 12, 8)] * 7),
        ]
    )
    host = t["applications"][0]
    assert host["mean"] == 70 and host["bonus"] == 7 and host["total"] == 77
    assert t["winner"] == "host"  # 77 > 76
    # no bonus below 70
    t = selection_tally([app("host", [(10, 18, 12, 10, 10, 9)] * 7, host_proposed=True)])
    assert t["applications"][0]["bonus"] == 0


def test_selection_tie_break_lower_state_budget_first():
    apps = [app("A", [EIGHTY] * 7, state_budget=900), app("B", [EIGHTY] * 7, state_budget=800)]
    t = selection_tally(apps)
    assert t["winner"] == "B" and t["tie_break"] == "state_budget"


def test_selection_tie_break_past_excellent_then_content():
    apps = [app("A", [EIGHTY] * 7), app("B", [EIGHTY] * 7, past_excellent=True)]
    assert selection_tally(apps)["tie_break"] == "past_excellent"
    assert selection_winner(apps) == "B"
    more_content = (10, 22, 14, 12, 12, 10)  # 80, content 22
    apps = [app("A", [EIGHTY] * 7), app("B", [more_content] * 7)]
    t = selection_tally(apps)
    assert t["winner"] == "B" and t["tie_break"] == "content"


def test_selection_tie_on_every_key_leaves_the_council_to_decide():
    apps = [app("A", [EIGHTY] * 7), app("B", [EIGHTY] * 7)]
    t = selection_tally(apps)
    assert t["winner"] is None and t["tied"] == ["A", "B"]
    assert selection_winner(apps) is None


# --- TT 11/2014 Art 13(2), Art 13(1)(c): acceptance classes ---------------------------------
END = date(2023, 12, 31)


def cls(votes, submitted=date(2024, 1, 20)):
    return acceptance_class(votes, contract_end=END, dossier_submitted_on=submitted)


def test_acceptance_excellent_exactly_three_quarters_and_no_fail():
    # 9 present: 3/4 of 9 = 6.75 → 7 "Xuất sắc"; 8 present: exactly 6 is 3/4
    assert cls(["xuat_sac"] * 6 + ["dat"] * 2) == "xuat_sac"
    assert cls(["xuat_sac"] * 5 + ["dat"] * 3) == "dat"
    assert cls(["xuat_sac"] * 7 + ["khong_dat"]) == "dat"  # one fail blocks "Xuất sắc"


def test_acceptance_fail_more_than_one_third():
    assert cls(["khong_dat"] * 3 + ["dat"] * 6) == "dat"  # exactly 1/3 is not more
    assert cls(["khong_dat"] * 4 + ["dat"] * 5) == "khong_dat"
    assert cls(["khong_dat"] * 2 + ["dat"] * 4) == "dat"  # 2/6 exactly 1/3


def test_acceptance_dossier_more_than_six_months_late_fails_whatever_the_votes():
    assert cls(["xuat_sac"] * 9, submitted=date(2024, 6, 30)) == "xuat_sac"  # exactly 6 months
    assert cls(["xuat_sac"] * 9, submitted=date(2024, 7, 1)) == "khong_dat"


def test_acceptance_refuses_bad_votes():
    with pytest.raises(ValueError):
        cls([])
    with pytest.raises(ValueError):
        cls(["tot"])


# --- Decree 08/2014 Art 33; TT 20/2023 Art 10(2), 13(1)(b); TT 04/2015 Art 9 ---------------
ACCEPTANCE = ["chair", "vice_chair", "reviewer", "reviewer", "secretary"] + ["member"] * 4


def test_quorum_two_thirds_with_chair_reviewers_secretary():
    assert quorum_met("acceptance", roles=ACCEPTANCE, present=[True] * 6 + [False] * 3)  # 6/9
    assert not quorum_met("acceptance", roles=ACCEPTANCE, present=[True] * 5 + [False] * 4)


def test_quorum_chair_absent_needs_vice_chair_with_written_authority():
    present = [False] + [True] * 8
    assert not quorum_met("acceptance", roles=ACCEPTANCE, present=present)
    assert quorum_met("acceptance", roles=ACCEPTANCE, present=present, vice_chair_authorised=True)


def test_quorum_every_reviewer_and_secretary():
    no_reviewer = [True, True, False, True, True, True, True, True, True]
    assert not quorum_met("acceptance", roles=ACCEPTANCE, present=no_reviewer)
    no_secretary = [True, True, True, True, False, True, True, True, True]
    assert not quorum_met("identification", roles=ACCEPTANCE, present=no_secretary)
    # TT 20/2023 Art 10(2)(a) asks for the chair (or authorised vice) and the reviewers only
    assert quorum_met("selection", roles=ACCEPTANCE, present=no_secretary)


def test_quorum_budget_appraisal_four_of_five():
    roles = ["chair", "vice_chair", "reviewer", "member", "secretary"]
    assert quorum_met("budget_appraisal", roles=roles, present=[True, True, True, True, False])
    assert not quorum_met("budget_appraisal", roles=roles, present=[True, True, True, False, False])
    assert quorum_met("budget_appraisal", roles=roles, present=[False, True, True, True, True])


def test_quorum_inspection_three_of_four():
    roles = ["chair", "member", "vice_chair", "secretary"]
    assert quorum_met("inspection", roles=roles, present=[True, True, True, False])
    assert not quorum_met("inspection", roles=roles, present=[True, True, False, False])


def test_quorum_unknown_kind():
    with pytest.raises(KeyError):
        quorum_met("tea_party", roles=["chair"], present=[True])


# --- composition ------------------------------------------------------------------------
def test_composition_acceptance_nine():
    assert composition_problems("acceptance", roles=ACCEPTANCE, reviewer_subjects=[0, 0],
                                subjects=1) == []  # fmt: skip
    problems = composition_problems(
        "acceptance", roles=ACCEPTANCE[:-1], reviewer_subjects=[0, 0], subjects=1
    )
    assert any("09" in p and "11/2014" in p for p in problems)


def test_composition_roles_and_reviewers_per_subject():
    roles = ["chair", "reviewer", "reviewer", "member", "member", "member", "member"]
    problems = composition_problems("selection", roles=roles, reviewer_subjects=[0, 0], subjects=2)
    text = " ".join(problems)
    assert "Phó Chủ tịch" in text and "thư ký khoa học" in text and "phản biện" in text


def test_composition_selection_sizes():
    seven = ["chair", "vice_chair", "reviewer", "reviewer", "secretary", "member", "member"]
    assert (
        composition_problems("selection", roles=seven, reviewer_subjects=[0, 0], subjects=1) == []
    )
    ten = seven + ["member"] * 3
    assert composition_problems("selection", roles=ten, reviewer_subjects=[0, 0], subjects=1)


def test_composition_override_by_the_province():
    seven = ["chair", "vice_chair", "reviewer", "reviewer", "secretary", "member", "member"]
    rule = rules.kind_rule("acceptance", size_min=7, size_max=9)
    assert composition_problems(rule, roles=seven, reviewer_subjects=[0, 0], subjects=1) == []


# --- conflicts of interest (TT 20/2023 Art 8(2); TT 11/2014 Art 9(5)) ------------------------
SUBJECT = {
    "title": "Gạo Phù Yên",
    "pi": "Nguyễn Văn An",
    "participants": ["Lò Thị Bình", "Hà Văn Cường"],
    "host_organisation": "Trung tâm Ứng dụng KH&CN Sơn La",
}


def person(**kw):
    return {"name": "Phạm Thị Dung", "organisation": "Đại học Tây Bắc", "relatives": [], **kw}


def test_conflict_pi_participant_host_relative():
    assert conflict_reasons(person(name="nguyễn  văn an"), [SUBJECT], kind="selection")
    assert conflict_reasons(person(name="Lò Thị Bình"), [SUBJECT], kind="selection")
    host = person(organisation="Trung tâm ứng dụng KH&CN Sơn La")
    assert "tổ chức chủ trì" in conflict_reasons(host, [SUBJECT], kind="selection")[0]
    rel = person(relatives=["Hà Văn Cường"])
    assert "người thân" in conflict_reasons(rel, [SUBJECT], kind="acceptance")[0]
    assert conflict_reasons(person(), [SUBJECT], kind="selection") == []


def test_conflict_host_staff_may_sit_as_plain_member_of_an_acceptance_council():
    # TT 11/2014 Art 9(3)(b)
    host = person(organisation="Trung tâm Ứng dụng KH&CN Sơn La")
    assert conflict_reasons(host, [SUBJECT], kind="acceptance", role="member") == []
    assert conflict_reasons(host, [SUBJECT], kind="acceptance", role="reviewer")


# --- papers lead time -----------------------------------------------------------------------
@pytest.mark.django_db
def test_papers_lead_time_in_working_days():
    meeting = date(2024, 3, 20)  # Wednesday
    assert papers_due_on(meeting, "acceptance", add_working_days=add_working_days) == date(
        2024, 3, 11
    )  # 7 working days before
    assert papers_due_on(meeting, "identification", add_working_days=add_working_days) == date(
        2024, 3, 13
    )
    # over Tết 2024 (08–14/02 off): 7 working days before 20/02 is 02/02
    assert papers_due_on(date(2024, 2, 20), "selection", add_working_days=add_working_days) == date(
        2024, 2, 2
    )
