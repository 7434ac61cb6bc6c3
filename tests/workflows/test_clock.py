"""Legal clock: start, pause, resume, restart, extend, stop; the due date moves."""

from datetime import date

import pytest

from tests.conftest import make_user
from tests.sampleapp.models import SampleCase
from workflows.clock import (
    clock_extend,
    clock_pause,
    clock_restart,
    clock_resume,
    clock_start,
    clock_stop,
)
from workflows.errors import DomainError
from workflows.models import ClockEvent, Deadline, LegalClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("officer", "one_stop_officer")


def _start(version, officer, stage="check", on=date(2024, 2, 5)):
    case = SampleCase.objects.create(code="HS-001")
    return clock_start(
        case=case,
        rule=version.rule(stage),
        on=on,
        actor=officer,
        cause="Tiếp nhận hồ sơ",
        dossier_code="HS-001",
        owner_user=officer,
    )


def test_start_counts_from_the_day_after(version, officer):
    clock = _start(version, officer)
    assert clock.due_date == date(2024, 2, 19)
    assert clock.deadline.due_date == date(2024, 2, 19)
    assert clock.deadline.state == Deadline.State.OPEN
    event = clock.events.get()
    assert (event.kind, event.due_before, event.due_after) == ("start", None, date(2024, 2, 19))
    assert event.actor == officer


def test_pause_and_resume_move_the_due_date_by_the_paused_working_days(version, officer):
    clock = _start(version, officer)
    clock = clock_pause(
        clock=clock, on=date(2024, 2, 15), actor=officer, cause="Yêu cầu bổ sung hồ sơ"
    )
    assert clock.state == LegalClock.State.PAUSED
    assert Deadline.objects.get(pk=clock.deadline_id).paused
    # Answered Wednesday 21/02: Fri 16, Mon 19, Tue 20, Wed 21 = 4 working days paused.
    clock = clock_resume(clock=clock, on=date(2024, 2, 21), actor=officer, cause="Đã bổ sung hồ sơ")
    assert clock.paused_units == 4
    assert clock.due_date == date(2024, 2, 23)
    deadline = Deadline.objects.get(pk=clock.deadline_id)
    assert (deadline.due_date, deadline.paused) == (date(2024, 2, 23), False)
    resume = clock.events.get(kind="resume")
    assert (resume.due_before, resume.due_after, resume.units) == (
        date(2024, 2, 19),
        date(2024, 2, 23),
        4,
    )


def test_calendar_day_rule_moves_by_calendar_days(version, officer):
    clock = _start(version, officer, stage="issue")
    assert clock.due_date == date(2024, 3, 1)
    clock = clock_pause(clock=clock, on=date(2024, 2, 10), actor=officer, cause="Bổ sung")
    clock = clock_resume(clock=clock, on=date(2024, 2, 20), actor=officer, cause="Đã bổ sung")
    assert clock.paused_units == 10
    # 05/02 + 35 days = 11/03/2024 (Monday).
    assert clock.due_date == date(2024, 3, 11)


def test_extension_within_the_cap_and_refused_beyond_it(version, officer):
    clock = _start(version, officer)
    clock = clock_extend(clock=clock, units=3, actor=officer, cause="Cần xác minh thêm")
    assert clock.due_date == date(2024, 2, 22)
    with pytest.raises(DomainError, match="tối đa"):
        clock_extend(clock=clock, units=3, actor=officer, cause="Lần hai")
    clock.refresh_from_db()
    assert clock.extended_units == 3
    assert clock.events.filter(kind="extend").count() == 1


def test_extension_needs_a_reason(version, officer):
    clock = _start(version, officer)
    with pytest.raises(DomainError, match="lý do"):
        clock_extend(clock=clock, units=1, actor=officer, cause="  ")


def test_restart_begins_the_period_again(version, officer):
    clock = _start(version, officer)
    clock = clock_pause(clock=clock, on=date(2024, 2, 6), actor=officer, cause="Bổ sung")
    clock = clock_restart(
        clock=clock, on=date(2024, 3, 1), actor=officer, cause="Hồ sơ bổ sung: tính lại từ đầu"
    )
    assert clock.state == LegalClock.State.RUNNING
    assert clock.due_date == date(2024, 3, 8)


def test_refused_clock_change_changes_nothing(version, officer):
    clock = _start(version, officer)
    with pytest.raises(DomainError):
        clock_resume(clock=clock, on=date(2024, 2, 7), actor=officer, cause="x")
    clock.refresh_from_db()
    assert clock.state == LegalClock.State.RUNNING
    assert ClockEvent.objects.count() == 1


def test_stop_closes_the_ledger_row_met_or_missed(version, officer):
    clock = _start(version, officer)
    clock = clock_stop(clock=clock, on=date(2024, 2, 19), actor=officer, cause="Trả kết quả")
    assert Deadline.objects.get(pk=clock.deadline_id).state == Deadline.State.MET
    late = _start_late(version, officer)
    late = clock_stop(clock=late, on=date(2024, 2, 20), actor=officer, cause="Trả kết quả")
    assert Deadline.objects.get(pk=late.deadline_id).state == Deadline.State.MISSED


def _start_late(version, officer):
    case = SampleCase.objects.create(code="HS-002")
    return clock_start(
        case=case, rule=version.rule("check"), on=date(2024, 2, 5), actor=officer, cause="Tiếp nhận"
    )
