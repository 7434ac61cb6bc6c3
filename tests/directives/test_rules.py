"""The dates of an assignment: classification and checks, with boundary dates."""

from datetime import date

import pytest

from directives import rules

pytestmark = pytest.mark.django_db  # the calendar reads its exceptions table


# --- the last day -------------------------------------------------------------------------
def test_effective_due_is_the_due_date_on_a_working_day():
    assert rules.effective_due(date(2024, 2, 26)) == date(2024, 2, 26)  # Monday


def test_effective_due_on_a_sunday_moves_to_monday():
    assert rules.effective_due(date(2024, 3, 10)) == date(2024, 3, 11)


def test_effective_due_in_tet_moves_past_the_holiday():
    # Tết Giáp Thìn 2024: 08/02–14/02 off; 15/02 the first working day
    assert rules.effective_due(date(2024, 2, 10)) == date(2024, 2, 15)


# --- early / on time / late ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("completed", "due", "expected"),
    [
        (date(2024, 2, 25), date(2024, 2, 26), rules.EARLY),  # the day before
        (date(2024, 2, 26), date(2024, 2, 26), rules.ON_TIME),  # on the day
        (date(2024, 2, 27), date(2024, 2, 26), rules.LATE),  # the day after
        (date(2024, 3, 8), date(2024, 3, 10), rules.EARLY),  # Friday before a Sunday due
        (date(2024, 3, 10), date(2024, 3, 10), rules.ON_TIME),  # on the Sunday itself
        (date(2024, 3, 11), date(2024, 3, 10), rules.ON_TIME),  # Monday: the last day
        (date(2024, 3, 12), date(2024, 3, 10), rules.LATE),
        (date(2024, 2, 15), date(2024, 2, 10), rules.ON_TIME),  # first day after Tết
        (date(2024, 2, 16), date(2024, 2, 10), rules.LATE),
        (date(2024, 1, 31), date(2024, 2, 29), rules.EARLY),  # leap day due
        (date(2024, 3, 1), date(2024, 2, 29), rules.LATE),
    ],
)
def test_classify(completed, due, expected):
    assert rules.classify(completed, due) == expected


# --- warnings (working days) --------------------------------------------------------------
def test_due_warning_boundaries():
    today = date(2024, 3, 6)  # Wednesday
    assert rules.due_warning(date(2024, 3, 5), today) == rules.OVERDUE
    assert rules.due_warning(date(2024, 3, 6), today) == rules.DUE_TODAY
    # three working days after Wednesday: Thu, Fri, Mon 11/03
    assert rules.due_warning(date(2024, 3, 11), today) == rules.DUE_SOON
    assert rules.due_warning(date(2024, 3, 10), today) == rules.DUE_SOON  # Sunday → Monday
    assert rules.due_warning(date(2024, 3, 12), today) == ""


def test_due_soon_spans_tet_in_working_days():
    today = date(2024, 2, 7)  # Wednesday before Tết
    # Thu 08/02 … Wed 14/02 are off: the three working days are 15, 16, 19 February
    assert rules.soon_until(today) == date(2024, 2, 19)
    assert rules.due_warning(date(2024, 2, 19), today) == rules.DUE_SOON
    assert rules.due_warning(date(2024, 2, 20), today) == ""


def test_a_due_date_on_a_day_off_is_overdue_only_after_the_next_working_day():
    assert rules.due_warning(date(2024, 3, 10), date(2024, 3, 11)) == rules.DUE_TODAY
    assert rules.due_warning(date(2024, 3, 10), date(2024, 3, 12)) == rules.OVERDUE


# --- checks ------------------------------------------------------------------------------
TODAY = date(2024, 3, 15)


def test_new_assignment_accepts_due_on_the_document_date():
    assert (
        rules.check_new(
            source_date=date(2024, 1, 8),
            received_on=date(2024, 1, 8),
            due_on=date(2024, 1, 8),
            today=TODAY,
        )
        == []
    )


def test_new_assignment_refuses_due_before_the_document_date():
    problems = rules.check_new(
        source_date=date(2024, 1, 8),
        received_on=date(2024, 1, 9),
        due_on=date(2024, 1, 7),
        today=TODAY,
    )
    assert [p.field for p in problems] == ["due_on"]
    assert "08/01/2024" in problems[0].message


def test_new_assignment_refuses_received_before_the_document_or_in_the_future():
    before = rules.check_new(
        source_date=date(2024, 1, 8),
        received_on=date(2024, 1, 7),
        due_on=date(2024, 2, 1),
        today=TODAY,
    )
    assert [p.field for p in before] == ["received_on"]
    future = rules.check_new(
        source_date=date(2024, 1, 8),
        received_on=date(2024, 3, 16),
        due_on=date(2024, 4, 1),
        today=TODAY,
    )
    assert [p.field for p in future] == ["received_on"]
    assert (
        rules.check_new(
            source_date=date(2024, 3, 15), received_on=date(2024, 3, 15), due_on=None, today=TODAY
        )[0].field
        == "due_on"
    )


def test_new_assignment_refuses_a_document_dated_tomorrow():
    problems = rules.check_new(
        source_date=date(2024, 3, 16),
        received_on=date(2024, 3, 15),
        due_on=date(2024, 4, 1),
        today=TODAY,
    )
    assert problems[0].field == "source_date"


def test_extension_only_later_and_only_while_open():
    assert (
        rules.check_extension(
            is_open=True, due_on=date(2024, 3, 1), new_due_on=date(2024, 3, 2), reason="Chờ số liệu"
        )
        == []
    )
    same = rules.check_extension(
        is_open=True, due_on=date(2024, 3, 1), new_due_on=date(2024, 3, 1), reason="x"
    )
    assert [p.field for p in same] == ["new_due_on"]
    earlier = rules.check_extension(
        is_open=True, due_on=date(2024, 3, 1), new_due_on=date(2024, 2, 29), reason="x"
    )
    assert [p.field for p in earlier] == ["new_due_on"]
    closed = rules.check_extension(
        is_open=False, due_on=date(2024, 3, 1), new_due_on=date(2024, 4, 1), reason="x"
    )
    assert [p.field for p in closed] == [""]
    no_reason = rules.check_extension(
        is_open=True, due_on=date(2024, 3, 1), new_due_on=date(2024, 4, 1), reason="  "
    )
    assert [p.field for p in no_reason] == ["reason"]


def test_completion_document_dates():
    ok = rules.check_completion(
        received_on=date(2024, 2, 20),
        completed_on=None,
        document_number="331/TTr-SKHCN",
        document_date=date(2024, 2, 20),
        today=TODAY,
    )
    assert ok == []
    before = rules.check_completion(
        received_on=date(2024, 2, 20),
        completed_on=None,
        document_number="331/TTr-SKHCN",
        document_date=date(2024, 2, 19),
        today=TODAY,
    )
    assert [p.field for p in before] == ["document_date"]
    future = rules.check_completion(
        received_on=date(2024, 2, 20),
        completed_on=date(2024, 3, 16),
        document_number="",
        document_date=date(2024, 3, 16),
        today=TODAY,
    )
    assert [p.field for p in future] == ["document_number", "document_date", "completed_on"]
