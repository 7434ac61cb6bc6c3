"""Nothing is late without the officer, the head of division and the director having
been warned: the catalogue's ladders on the permit's ledger rows, fired by the sweep."""

from datetime import date

import pytest

from notifications.models import Notification
from notifications.services import deadlines_sweep
from permits.models import Status
from tests.permits.conftest import drive, file_dossier, on
from workflows.calendar import add_working_days
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def _sent(day: date) -> set[tuple[str, str]]:
    with on(day):
        deadlines_sweep(today=day)
    return set(
        Notification.objects.filter(channel="in_app", created_at__date=day).values_list(
            "recipient__username", "template"
        )
    )


def test_the_officer_the_head_and_the_director_are_warned(staff, applicant):
    with on(date(2024, 2, 16)):
        dossier = drive(file_dossier(applicant), staff, Status.APPRAISAL)
    assert dossier.result_clock.due_date == date(2024, 3, 12)
    step_due = add_working_days(date(2024, 2, 16), 10)
    assert step_due == date(2024, 3, 1)

    # the appraisal step's budget: T-1 to the specialist, T to the head, T+1 to the director
    assert ("chuyenvien", "deadline_reminder") in _sent(date(2024, 2, 29))
    assert ("truongphong", "deadline_due_today") in _sent(date(2024, 3, 1))
    assert ("giamdoc", "deadline_overdue") in _sent(date(2024, 3, 4))
    # the appointment with the applicant: T-3, T-2 (apology slip needed), T, T+1
    assert ("chuyenvien", "deadline_reminder") in _sent(date(2024, 3, 7))
    assert ("truongphong", "apology_required") in _sent(date(2024, 3, 8))
    assert ("giamdoc", "deadline_due_today") in _sent(date(2024, 3, 12))
    assert ("giamdoc", "deadline_overdue") in _sent(date(2024, 3, 13))
    # sweeping again sends nothing twice
    before = Notification.objects.count()
    with on(date(2024, 3, 13)):
        deadlines_sweep(today=date(2024, 3, 13))
    assert Notification.objects.count() == before


def test_an_open_supplement_request_reminds_the_applicant(staff, applicant):
    from permits import services

    with on(date(2024, 2, 5)):
        dossier = drive(file_dossier(applicant), staff, Status.SUBMITTED)
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            items=["kiem-xa"],
            reasons="Thiếu chữ ký.",
        )
    # 10 working days after 05/02/2024 is 26/02/2024; then +5 working days
    assert (applicant.username, "applicant_reminder") in _sent(date(2024, 2, 26))
    assert (applicant.username, "applicant_reminder") in _sent(date(2024, 3, 4))
    # while the dossier waits for the applicant, the officer's check clock is paused:
    # nobody is chased about the check due on 19/02/2024
    _sent(date(2024, 2, 19))
    _sent(date(2024, 2, 20))
    assert not Notification.objects.filter(deadline__kind="check").exists()
