from datetime import date

import pytest

from workflows.periods import PeriodError, Quarter


def test_quarter_bounds_and_neighbours():
    q = Quarter.parse("2024-Q1")
    assert (q.start, q.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert Quarter.parse(" 2024 - q4 ").end == date(2024, 12, 31)
    assert q.next() == Quarter(2024, 2) and q.previous() == Quarter(2023, 4)
    assert Quarter(2024, 4).next() == Quarter(2025, 1)
    assert Quarter.containing(date(2024, 3, 31)) == q
    assert Quarter.containing(date(2024, 4, 1)) == Quarter(2024, 2)
    assert q.code == "2024-Q1" and q.roman == "I"


@pytest.mark.parametrize("text", ["", "2024", "2024-Q5", "Q1-2024", "1999-Q1", "abc"])
def test_bad_periods_are_refused_with_the_expected_shape(text):
    with pytest.raises(PeriodError):
        Quarter.parse(text)
