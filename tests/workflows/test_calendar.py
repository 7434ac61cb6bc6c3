"""The working-day calendar: DOMAIN.md §0 worked examples, verbatim."""

from datetime import date

import pytest

from workflows.calendar import (
    add_calendar_days,
    add_days,
    add_working_days,
    is_working_day,
    next_working_day_on_or_after,
    previous_working_day_on_or_before,
    reminder_date,
    working_days_between,
)
from workflows.ledger import step_date
from workflows.models import CalendarException, LadderStep

pytestmark = pytest.mark.django_db


def test_received_05_02_2024_five_working_day_check_due_19_02_2024():
    # Tết 2024 (08–14/02) is skipped.
    assert add_working_days(date(2024, 2, 5), 5) == date(2024, 2, 19)


def test_received_05_02_2024_25_days_calendar_is_01_03_2024():
    assert add_calendar_days(date(2024, 2, 5), 25) == date(2024, 3, 1)


def test_received_05_02_2024_25_working_days_is_18_03_2024():
    assert add_working_days(date(2024, 2, 5), 25) == date(2024, 3, 18)


def test_unit_is_stored_per_rule():
    assert add_days(date(2024, 2, 5), 25, "calendar") == date(2024, 3, 1)
    assert add_days(date(2024, 2, 5), 25, "working") == date(2024, 3, 18)
    with pytest.raises(ValueError):
        add_days(date(2024, 2, 5), 25, "fortnights")


@pytest.mark.parametrize(
    "day",
    [date(2025, 1, 27), date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31)],
)
def test_tet_2025_is_off(day):
    assert not is_working_day(day)


def test_tet_2025_period_skips_the_holiday():
    # Friday 24/01/2025 + 1 working day: Tết runs to the weekend, next is Monday 03/02.
    assert add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)


def test_hung_kings_2026_falls_on_sunday_and_is_observed_on_monday():
    assert not is_working_day(date(2026, 4, 26))  # Sunday, 10/3 lunar
    assert not is_working_day(date(2026, 4, 27))  # substitute day off
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_make_up_saturday_and_substitute_day_2024():
    assert is_working_day(date(2024, 5, 4))  # Saturday worked in exchange for 29/04
    assert not is_working_day(date(2024, 4, 29))


def test_weekends_are_off():
    assert not is_working_day(date(2024, 3, 2))
    assert not is_working_day(date(2024, 3, 3))
    assert is_working_day(date(2024, 3, 4))


def test_period_ending_on_a_day_off_moves_to_next_working_day():
    # 02/03/2024 is a Saturday → Monday 04/03/2024.
    assert add_calendar_days(date(2024, 2, 1), 30) == date(2024, 3, 4)


def test_negative_and_zero_counts():
    assert add_working_days(date(2024, 2, 19), -5) == date(2024, 2, 5)
    assert add_working_days(date(2024, 2, 19), 0) == date(2024, 2, 19)


def test_working_days_between_counts_after_a_up_to_b():
    assert working_days_between(date(2024, 2, 5), date(2024, 2, 19)) == 5
    assert working_days_between(date(2024, 2, 19), date(2024, 2, 5)) == -5
    assert working_days_between(date(2024, 2, 5), date(2024, 2, 5)) == 0


def test_q1_2024_has_59_working_days():
    # DOMAIN.md §5: Q1/2024 = 59 working days.
    assert working_days_between(date(2023, 12, 31), date(2024, 3, 31)) == 59


def test_exception_day_off_overrides_the_package():
    assert is_working_day(date(2024, 2, 16))
    CalendarException.objects.create(
        date=date(2024, 2, 16),
        kind=CalendarException.Kind.DAY_OFF,
        note="Nghỉ thêm theo quyết định của UBND tỉnh",
        legal_reference="QĐ thử nghiệm",
    )
    assert not is_working_day(date(2024, 2, 16))
    assert add_working_days(date(2024, 2, 5), 5) == date(2024, 2, 20)


def test_exception_working_saturday_overrides_the_package():
    CalendarException.objects.create(
        date=date(2024, 2, 17),
        kind=CalendarException.Kind.WORKING_DAY,
        note="Làm bù",
        legal_reference="Thông báo của Bộ Nội vụ",
    )
    assert is_working_day(date(2024, 2, 17))
    assert add_working_days(date(2024, 2, 5), 5) == date(2024, 2, 17)


def test_deleting_an_exception_restores_the_package_answer():
    exc = CalendarException.objects.create(
        date=date(2024, 2, 16), kind=CalendarException.Kind.DAY_OFF, note="x"
    )
    assert not is_working_day(date(2024, 2, 16))
    exc.delete()
    assert is_working_day(date(2024, 2, 16))


def test_calls_are_cached(django_assert_num_queries):
    add_working_days(date(2024, 2, 5), 5)
    with django_assert_num_queries(0):
        for n in range(1, 200):
            add_working_days(date(2024, 2, 5), n)
            is_working_day(date(2024, 6, 1))


# --- reminders are not the end of a period --------------------------------------------


def test_tet_2026_runs_from_saturday_14_to_sunday_22_february():
    assert [is_working_day(date(2026, 2, d)) for d in range(13, 24)] == [
        True, False, False, False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    assert previous_working_day_on_or_before(date(2026, 2, 16)) == date(2026, 2, 13)
    assert previous_working_day_on_or_before(date(2026, 2, 13)) == date(2026, 2, 13)
    assert next_working_day_on_or_after(date(2026, 2, 16)) == date(2026, 2, 23)


def test_a_reminder_on_a_day_off_is_sent_the_working_day_before():
    # permit expiring 07/04/2026: T-50 = Mon 16/02/2026 (Tết) → Fri 13/02/2026, before
    # the last day to file a renewal (21/02/2026); never Mon 23/02/2026
    assert reminder_date(date(2026, 4, 7), -50, "calendar") == date(2026, 2, 13)
    assert reminder_date(date(2026, 4, 7), -60, "calendar") == date(2026, 2, 6)
    assert reminder_date(date(2026, 4, 7), -90, "calendar") == date(2026, 1, 7)
    # T-50 of 28/02/2027 = Sat 09/01/2027 → Fri 08/01/2027
    assert reminder_date(date(2027, 2, 28), -50, "calendar") == date(2027, 1, 8)
    # a reminder already on a working day stays there
    assert reminder_date(date(2024, 3, 12), -7, "calendar") == date(2024, 3, 5)


def test_a_step_after_the_due_date_keeps_moving_forward_and_the_due_day_stays():
    # due Fri 01/03/2024; T+1 = Sat 02/03 → Mon 04/03, never back onto the due day
    assert reminder_date(date(2024, 3, 1), 1, "calendar") == date(2024, 3, 4)
    # an expiry on a Sunday is announced that Sunday
    assert reminder_date(date(2024, 3, 3), 0, "calendar") == date(2024, 3, 3)


def test_working_day_steps_are_unchanged():
    # officer T-1, head T, director T+1 of a step due 01/03/2024
    assert reminder_date(date(2024, 3, 1), -1, "working") == date(2024, 2, 29)
    assert reminder_date(date(2024, 3, 1), 0, "working") == date(2024, 3, 1)
    assert reminder_date(date(2024, 3, 1), 1, "working") == date(2024, 3, 4)
    # the appointment's T-3 / T-2 across Tết 2024 (Thu 08 – Wed 14/02): due Mon 19/02/2024
    assert reminder_date(date(2024, 2, 19), -2, "working") == date(2024, 2, 15)
    assert reminder_date(date(2024, 2, 19), -3, "working") == date(2024, 2, 7)
    with pytest.raises(ValueError):
        reminder_date(date(2024, 2, 19), -2, "fortnights")


def test_ladder_steps_use_the_reminder_rule_and_deadlines_keep_theirs():
    step = LadderStep(offset=-50, offset_unit="calendar")
    assert step_date(date(2026, 4, 7), step) == date(2026, 2, 13)
    assert step_date(date(2026, 4, 7), LadderStep(offset=2, offset_unit="calendar")) == date(
        2026, 4, 9
    )
    # the end of a period on a day off still moves to the next working day
    assert add_calendar_days(date(2026, 1, 22), 25) == date(2026, 2, 23)
