"""Ledger selectors cost a constant number of queries, with 10 rows or 1,000."""

from datetime import date

import pytest

from tests.conftest import bulk_deadlines, make_user
from workflows import selectors
from workflows.calendar import add_working_days
from workflows.ledger import deadline_close, deadline_open
from workflows.models import Deadline, Division

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 4)


@pytest.mark.parametrize("n", [10, 1000])
def test_selectors_cost_constant_queries(n, django_assert_num_queries):
    division = Division.objects.create(code="d1", name="Phòng thử nghiệm")
    users = [make_user(f"u{i}", "specialist", division=division) for i in range(5)]
    bulk_deadlines(
        n,
        owner=lambda i: users[i % len(users)],
        division=division,
        due=lambda i: date(2024, 2, 1 + i % 28) if i % 2 else date(2024, 3, 4 + i % 3),
    )
    add_working_days(TODAY, 2)  # the calendar loads once per process, then costs nothing
    with django_assert_num_queries(1):
        overdue = list(selectors.deadlines_overdue(today=TODAY))
        for d in overdue:
            str(d.owner_user), str(d.owner_division)
    assert len(overdue) == n // 2
    with django_assert_num_queries(1):
        soon = list(selectors.deadlines_due_within(days=2, today=TODAY))
    assert len(soon) == n - n // 2
    with django_assert_num_queries(1):
        list(selectors.deadlines_open(owner_user=users[0], procedure_code="TEST-01"))
    with django_assert_num_queries(1):
        list(selectors.deadlines_open(division=division))
    with django_assert_num_queries(1):
        by_division = selectors.deadline_counts(group_by="owner_division", today=TODAY)
    assert by_division[0]["overdue"] == n // 2
    with django_assert_num_queries(1):
        selectors.deadline_counts(group_by="owner_user", today=TODAY)
    with django_assert_num_queries(1):
        selectors.deadline_counts(group_by="procedure_code", today=TODAY)


def test_paused_rows_are_not_overdue():
    user = make_user("u", "specialist")
    case = Division.objects.create(code="c", name="c")
    d = deadline_open(
        case=case, kind="check", due_date=date(2024, 2, 1), title="x", owner_user=user
    )
    assert list(selectors.deadlines_overdue(today=TODAY)) == [d]
    Deadline.objects.filter(pk=d.pk).update(paused=True)
    assert list(selectors.deadlines_overdue(today=TODAY)) == []


def test_close_marks_met_or_missed_and_feeds_the_on_time_rate():
    user = make_user("u", "specialist")
    case = Division.objects.create(code="c", name="c")
    a = deadline_open(case=case, kind="a", due_date=date(2024, 2, 19), title="a", owner_user=user)
    b = deadline_open(case=case, kind="b", due_date=date(2024, 2, 19), title="b", owner_user=user)
    deadline_close(deadline=a, on=date(2024, 2, 19))
    deadline_close(deadline=b, on=date(2024, 2, 20))
    assert (a.state, b.state) == (Deadline.State.MET, Deadline.State.MISSED)
    rate = selectors.on_time_rate(start=date(2024, 1, 1), end=date(2024, 3, 31))
    assert rate == {"met": 1, "missed": 1, "rate": 50.0}
