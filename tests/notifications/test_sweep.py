"""The beat sweep turns due ledger rows into one notification per ladder step."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from notifications.models import Notification
from notifications.services import deadlines_sweep
from tests.conftest import make_user
from workflows.ledger import deadline_open, deadline_reschedule
from workflows.models import Deadline, Division

DUE = date(2024, 2, 19)  # the 5-working-day check of a dossier received 05/02/2024


@pytest.fixture
def people(db):
    division = Division.objects.create(code="cn", name="Phòng Công nghệ")
    return {
        "owner": make_user("owner", "specialist", division=division),
        "head": make_user("head", "head_of_division", division=division),
        "other_head": make_user("head2", "head_of_division"),
        "director": make_user("director", "director"),
        "division": division,
    }


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep and what it defers to commit (delivery, eager in tests)."""

    def run(today, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return deadlines_sweep(today=today, **kwargs)

    return run


def _deadline(version, people, code="HS-0001"):
    return deadline_open(
        case=people["division"],
        kind="check",
        due_date=DUE,
        title="Kiểm tra hồ sơ",
        procedure_version=version,
        dossier_code=code,
        owner_user=people["owner"],
    )


def _summary():
    return sorted(
        (n.recipient.username, n.channel, n.template)
        for n in Notification.objects.select_related("recipient")
    )


@pytest.mark.django_db
def test_ladder_fires_each_step_on_its_day_and_only_once(version, people, sweep):
    d = _deadline(version, people)
    assert d.next_action_on == date(2024, 2, 15)  # T-2 working days
    assert sweep(date(2024, 2, 14)) == 0
    assert sweep(date(2024, 2, 15)) == 1
    assert _summary() == [
        ("owner", "email", "deadline_reminder"),
        ("owner", "in_app", "deadline_reminder"),
    ]
    assert sweep(date(2024, 2, 16)) == 0
    assert sweep(DUE) == 1
    assert ("head", "email", "deadline_due_today") in _summary()
    assert not any(u == "head2" for u, *_ in _summary())  # another division's head
    assert sweep(date(2024, 2, 20)) == 1
    assert ("director", "in_app", "deadline_overdue") in _summary()
    assert Notification.objects.count() == 5
    d.refresh_from_db()
    assert (d.escalation_level, d.next_action_on) == (3, None)
    assert sweep(date(2024, 3, 1)) == 0
    assert Notification.objects.count() == 5
    assert Notification.objects.filter(status="sent").count() == 5  # eager delivery
    assert len(mail.outbox) == 3
    assert "HS-0001" in mail.outbox[0].subject and "19/02/2024" in mail.outbox[0].subject


@pytest.mark.django_db
def test_sweep_run_twice_sends_nothing_twice(version, people, sweep):
    for i in range(5):
        _deadline(version, people, code=f"HS-{i}")
    assert sweep(date(2024, 2, 20)) == 15
    Deadline.objects.update(escalation_level=0, next_action_on=date(2024, 2, 15))  # replay
    assert sweep(date(2024, 2, 20)) == 15
    assert Notification.objects.count() == 5 * 5
    assert len(mail.outbox) == 5 * 3


@pytest.mark.django_db
def test_a_moved_due_date_starts_the_ladder_again(version, people, sweep):
    d = _deadline(version, people)
    sweep(date(2024, 2, 15))
    deadline_reschedule(deadline=d, due_date=date(2024, 2, 23))
    assert d.next_action_on == date(2024, 2, 21)
    assert sweep(date(2024, 2, 21)) == 1
    assert Notification.objects.filter(template="deadline_reminder").count() == 4


@pytest.mark.django_db
def test_paused_and_closed_rows_are_not_swept(version, people, sweep):
    d = _deadline(version, people)
    Deadline.objects.filter(pk=d.pk).update(paused=True, next_action_on=None)
    assert sweep(date(2024, 3, 1)) == 0
    assert Notification.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_one_notification_per_step(version, people):
    for i in range(60):
        _deadline(version, people, code=f"HS-{i:03d}")
    barrier = threading.Barrier(2)
    fired, errors = [], []

    def sweep():
        close_old_connections()
        try:
            barrier.wait()
            fired.append(deadlines_sweep(today=date(2024, 2, 20), batch_size=7))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(fired) == 60 * 3  # every step fired once, by one sweep or the other
    assert Notification.objects.count() == 60 * 5
    assert Deadline.objects.filter(escalation_level=3, next_action_on=None).count() == 60
