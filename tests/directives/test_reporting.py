"""The report figure counts as of the period's end: what was handled in the period and
how it stood on its last day, whatever happened later."""

from __future__ import annotations

from datetime import date

import pytest

from directives import services
from directives.models import OutgoingKind
from directives.reporting import period_split, report_figures

from .conftest import on, register

pytestmark = pytest.mark.django_db
Q1 = {"start": date(2024, 1, 1), "end": date(2024, 3, 31)}


def _complete(people, a, day):
    with on(day):
        return services.assignment_complete(
            assignment=a,
            actor=people["officer"],
            outgoing_kind=OutgoingKind.OFFICIAL_LETTER,
            outgoing_number=f"{a.pk}/SKHCN",
            outgoing_date=day,
        )


def test_what_the_quarter_counts(people, divisions):
    before = register(people, divisions, day=date(2023, 12, 1), due=date(2023, 12, 20), number="1")
    _complete(people, before, date(2023, 12, 18))  # done before the quarter: not counted
    carried = register(people, divisions, day=date(2023, 12, 15), due=date(2024, 1, 10), number="2")
    _complete(people, carried, date(2024, 1, 10))  # on time, in the quarter
    late = register(people, divisions, day=date(2024, 2, 1), due=date(2024, 2, 5), number="3")
    _complete(people, late, date(2024, 2, 6))
    open_ = register(people, divisions, day=date(2024, 3, 1), due=date(2024, 3, 20), number="4")
    with on(date(2024, 4, 5)):  # extended after the quarter: overdue on 31/03 all the same
        services.assignment_extend(
            assignment=open_, actor=people["head"], new_due_on=date(2024, 4, 30), reason="x"
        )
    withdrawn = register(people, divisions, day=date(2024, 3, 1), due=date(2024, 4, 1), number="5")
    with on(date(2024, 3, 10)):
        services.assignment_cancel(assignment=withdrawn, actor=people["head"], reason="Thu hồi")
    later_withdrawn = register(
        people, divisions, day=date(2024, 3, 5), due=date(2024, 4, 15), number="6"
    )
    with on(date(2024, 4, 10)):
        services.assignment_cancel(
            assignment=later_withdrawn, actor=people["head"], reason="Thu hồi"
        )
    done_in_april = register(
        people, divisions, day=date(2024, 3, 25), due=date(2024, 4, 5), number="7"
    )
    _complete(people, done_in_april, date(2024, 4, 2))
    register(people, divisions, day=date(2024, 4, 1), due=date(2024, 4, 20), number="8")

    split = period_split(Q1["start"], Q1["end"])
    counted = {a.pk for a in split["rows"]}
    assert counted == {carried.pk, late.pk, open_.pk, later_withdrawn.pk, done_in_april.pk}
    assert (split["on_time"], split["late"], split["early"]) == (1, 1, 0)
    assert (split["open"], split["open_overdue"]) == (3, 1)
    headline, detail = report_figures(**Q1)
    assert "thực hiện 05 nhiệm vụ" in headline.text
    assert "một số nhiệm vụ còn chậm" in headline.text  # 1 of 2 done late
    assert detail.text == (
        "Trong đó: hoàn thành trước hạn 00, đúng hạn 01, quá hạn 01; đang thực hiện 03 "
        "(01 nhiệm vụ đã quá hạn)."
    )
    assert {r.url for r in headline.records} == {f"/can-bo/nhiem-vu-ubnd/{pk}/" for pk in counted}


def test_an_empty_period_gives_no_sentence(divisions):
    assert report_figures(start=date(2030, 1, 1), end=date(2030, 3, 31)) == []
