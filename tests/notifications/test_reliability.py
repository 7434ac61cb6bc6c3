"""Delivery reliability: claim, commit, send, commit; interrupted sends; one publish per
channel and transaction; in-app rows delivered when written; a cheap enqueue."""

from datetime import date, timedelta

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded, WorkerShutdown
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from notifications import channels, services, tasks
from notifications.channels import message_id
from notifications.models import Notification
from notifications.services import (
    deadlines_sweep,
    notification_deliver,
    notifications_deliver,
    notifications_deliver_pending,
    notifications_enqueue,
)
from tests.conftest import make_user
from workflows.ledger import deadline_open
from workflows.models import Division

CONTEXT = {
    "dossier_code": "HS-9",
    "title": "Thẩm định",
    "due_date": "19/02/2024",
    "procedure_code": "TEST-01",
}


def _enqueue(users, channels=("email",), key="event-1"):
    return notifications_enqueue(
        recipients=users, template="deadline_reminder", context=CONTEXT, channels=channels, key=key
    )


@pytest.fixture
def published(monkeypatch):
    """Record every publish instead of sending it to the broker: (channel, ids)."""
    calls = []
    for channel, task in tasks.DELIVERY_TASKS.items():
        monkeypatch.setattr(
            task, "apply_async", lambda args, _c=channel, **kw: calls.append((_c, list(args[0])))
        )
    return calls


@pytest.fixture
def fake_email(monkeypatch):
    """Replace the e-mail channel by `fake_email.behave(notification)`; records the state
    of the database and the transaction at the moment of each send."""

    class Fake:
        seen: list = []

        def behave(self, n):
            pass

        def __call__(self, n):
            row = Notification.objects.values("status", "lease_expires_at", "claimed_by").get(
                pk=n.pk
            )
            self.seen.append((n.pk, connection.in_atomic_block, row))
            self.behave(n)

    fake = Fake()
    fake.seen = []
    monkeypatch.setitem(channels.SENDERS, "email", fake)
    return fake


# --- claim, commit, send, commit --------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_send_runs_outside_any_transaction_on_a_claimed_row(fake_email, published):
    users = [make_user(f"u{i}", "specialist") for i in range(3)]
    ids = _enqueue(users)
    assert notifications_deliver(ids=ids, channel="email") == 3
    assert [pk for pk, *_ in fake_email.seen] == sorted(ids)
    for _pk, in_atomic, row in fake_email.seen:
        assert in_atomic is False  # the claim was committed before the channel was called
        assert row["status"] == "sending"
        assert row["lease_expires_at"] > timezone.now()
        assert row["claimed_by"]
    assert set(Notification.objects.values_list("status", "attempts", "lease_expires_at")) == {
        ("sent", 1, None)
    }


@pytest.mark.django_db(transaction=True)
def test_soft_time_limit_during_a_send_leaves_rows_pending_with_no_attempt(fake_email, published):
    users = [make_user(f"u{i}", "specialist") for i in range(3)]
    ids = sorted(_enqueue(users))

    def behave(n):
        if n.pk == ids[1]:
            raise SoftTimeLimitExceeded()

    fake_email.behave = behave
    assert notifications_deliver(ids=ids, channel="email") == 1  # returns quietly
    rows = {
        n.pk: (n.status, n.attempts, n.last_error, n.lease_expires_at, n.dispatched_at)
        for n in Notification.objects.all()
    }
    assert rows[ids[0]] == ("sent", 1, "", None, rows[ids[0]][4])
    for pk in ids[1:]:
        assert rows[pk] == ("pending", 0, "", None, None)  # back, no failed attempt
    fake_email.behave = lambda n: None
    assert notifications_deliver_pending() == 2  # the beat hands them again
    assert published[-1] == ("email", ids[1:])
    assert notifications_deliver(ids=published[-1][1], channel="email") == 2
    assert Notification.objects.filter(status="sent", attempts=1).count() == 3


@pytest.mark.django_db(transaction=True)
def test_worker_shutdown_during_a_send_gives_the_rows_back(fake_email, published):
    users = [make_user(f"u{i}", "specialist") for i in range(2)]
    ids = _enqueue(users)

    def behave(n):
        raise WorkerShutdown()

    fake_email.behave = behave
    with pytest.raises(WorkerShutdown):
        notifications_deliver(ids=ids, channel="email")
    assert set(Notification.objects.values_list("status", "attempts", "last_error")) == {
        ("pending", 0, "")
    }
    assert not Notification.objects.filter(status="sending").exists()


@pytest.mark.django_db
def test_an_expired_claim_goes_back_to_pending_with_the_attempt_counted(settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    users = [make_user(f"u{i}", "specialist") for i in range(3)]
    ids = sorted(_enqueue(users))
    now = timezone.now()
    Notification.objects.filter(pk=ids[0]).update(
        status="sending", claimed_by="dead", lease_expires_at=now - timedelta(seconds=1)
    )
    Notification.objects.filter(pk=ids[1]).update(
        status="sending", claimed_by="alive", lease_expires_at=now + timedelta(minutes=1)
    )
    Notification.objects.filter(pk=ids[2]).update(
        status="sending", claimed_by="dead", attempts=2, lease_expires_at=now - timedelta(1)
    )
    assert services.notifications_requeue_expired() == 2
    rows = {n.pk: n for n in Notification.objects.all()}
    assert (rows[ids[0]].status, rows[ids[0]].attempts) == ("pending", 1)
    assert "dừng giữa chừng" in rows[ids[0]].last_error
    assert (rows[ids[1]].status, rows[ids[1]].attempts) == ("sending", 0)  # still leased
    assert (rows[ids[2]].status, rows[ids[2]].attempts) == ("failed", 3)  # its last attempt
    assert notifications_deliver_pending() == 1  # eager: delivered again
    assert Notification.objects.get(pk=ids[0]).status == "sent"


@pytest.mark.django_db(transaction=True)
def test_message_id_comes_from_the_idempotency_key_and_survives_a_lost_mark(monkeypatch, published):
    """The window: the channel took the e-mail, and the mark never committed. The row is
    sent again after its lease, with the same Message-ID, so the receiver can drop it."""
    user = make_user("u1", "specialist")
    (pk,) = _enqueue([user])
    key = Notification.objects.get(pk=pk).idempotency_key
    real_mark = services._mark_sent

    def lost(n):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_mark_sent", lost)
    with pytest.raises(OperationalError):
        notification_deliver(notification_id=pk)
    assert Notification.objects.get(pk=pk).status == "sending"
    monkeypatch.setattr(services, "_mark_sent", real_mark)
    later = timezone.now() + timedelta(seconds=121)
    with time_machine.travel(later, tick=False):
        assert notifications_deliver_pending() == 1
        assert published[-1] == ("email", [pk])
        assert notification_deliver(notification_id=pk) == "sent"
    n = Notification.objects.get(pk=pk)
    assert (n.status, n.attempts) == ("sent", 2)
    assert len(mail.outbox) == 2
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {message_id(key)}
    assert message_id(key).startswith("<") and message_id(key).endswith("@skhcn.example.vn>")


@pytest.mark.django_db
def test_a_transient_failure_is_retried_with_the_same_message_id(fake_email, settings):
    user = make_user("u1", "specialist")
    (pk,) = _enqueue([user])
    calls = []

    def behave(n):
        calls.append(n.pk)
        if len(calls) == 1:
            raise channels.TransientDeliveryError("421 try later")

    fake_email.behave = behave
    assert notification_deliver(notification_id=pk) == "pending"
    n = Notification.objects.get(pk=pk)
    assert (n.attempts, n.dispatched_at) == (1, None)  # the beat will hand it again
    with time_machine.travel(n.next_attempt_at + timedelta(seconds=1), tick=False):
        assert notifications_deliver_pending() == 1
    assert Notification.objects.get(pk=pk).status == "sent"


# --- channels apart ---------------------------------------------------------------------
@pytest.mark.django_db
def test_in_app_rows_are_delivered_when_written(published, django_capture_on_commit_callbacks):
    user = make_user("u1", "specialist")
    with django_capture_on_commit_callbacks(execute=True):
        ids = _enqueue([user], channels=("in_app",))
    n = Notification.objects.get(pk=ids[0])
    assert (n.status, n.attempts, n.next_attempt_at) == ("sent", 1, None)
    assert n.sent_at is not None
    assert published == []  # no broker round trip


def test_each_channel_has_its_queue_and_time_limits(settings):
    from config.celery import app

    routes = app.amqp.router
    assert routes.route({}, "notifications.deliver_email")["queue"].name == "notifications.email"
    assert routes.route({}, "notifications.deliver_sms")["queue"].name == "notifications.sms"
    assert routes.route({}, "notifications.sweep_deadlines")["queue"].name == "notifications"
    assert tasks.deliver_email.soft_time_limit == settings.NOTIFY_EMAIL_SOFT_TIME_LIMIT
    assert tasks.deliver_sms.time_limit == settings.NOTIFY_SMS_TIME_LIMIT
    assert settings.NOTIFY_LEASE_SECONDS > settings.NOTIFY_EMAIL_TIME_LIMIT
    hardest = max(settings.CELERY_TASK_TIME_LIMIT, settings.NOTIFY_EMAIL_TIME_LIMIT)
    assert 2 * hardest <= settings.CELERY_VISIBILITY_TIMEOUT <= 5 * hardest


# --- one task per batch -----------------------------------------------------------------
@pytest.mark.django_db
def test_a_transaction_publishes_once_per_channel(
    published, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_TASK_BATCH = 4
    users = [make_user(f"u{i}", "specialist", phone="0912345678") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        created = []
        for event in range(5):
            created += _enqueue(users, channels=("email", "sms", "in_app"), key=f"e{event}")
        # a rolled-back savepoint drops its rows, not the others' publish
        try:
            with transaction.atomic():
                _enqueue(users, channels=("email",), key="rolled-back")
                raise RuntimeError
        except RuntimeError:
            pass
        _enqueue(users, channels=("email",), key="e0")  # again: nothing new
    assert len(callbacks) == 1
    assert len(created) == 5 * 3 * 3
    email = [ids for channel, ids in published if channel == "email"]
    sms = [ids for channel, ids in published if channel == "sms"]
    assert [len(ids) for ids in sms] == [4, 4, 4, 3]  # 15 ids in chunks of 4
    # the rolled-back rows' ids ride along (the task finds no such row); none is lost
    assert [len(ids) for ids in email] == [4, 4, 4, 4, 2]
    assert set(Notification.objects.filter(channel="email").values_list("pk", flat=True)) <= set(
        sum(email, [])
    )
    assert Notification.objects.filter(channel="email").count() == 15


@pytest.mark.django_db(transaction=True)
def test_a_sweep_batch_publishes_one_task_per_channel(published, version):
    division = Division.objects.create(code="cn", name="Phòng Công nghệ")
    owner = make_user("owner", "specialist", division=division)
    for i in range(12):
        deadline_open(
            case=division,
            kind="check",
            due_date=date(2024, 2, 19),
            title="Kiểm tra",
            procedure_version=version,
            dossier_code=f"HS-{i}",
            owner_user=owner,
        )
    assert deadlines_sweep(today=date(2024, 2, 15), batch_size=5) == 12  # 3 transactions
    assert [(channel, len(ids)) for channel, ids in published] == [
        ("email", 5),
        ("email", 5),
        ("email", 2),
    ]
    assert Notification.objects.filter(channel="in_app", status="sent").count() == 12


@pytest.mark.django_db
def test_enqueue_costs_one_query_whatever_the_number_of_recipients(
    published, django_assert_num_queries
):
    few = [make_user("u0", "specialist")]
    many = [make_user(f"m{i}", "specialist") for i in range(40)]
    _enqueue(few, key="warm-up")  # content types and templates cached
    with django_assert_num_queries(1):
        _enqueue(few, channels=("email", "in_app"), key="one")
    with django_assert_num_queries(1):
        assert len(_enqueue(many, channels=("email", "in_app", "sms"), key="many")) == 120


@pytest.mark.django_db
def test_a_failed_publish_leaves_rows_pending_for_the_beat(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "_broker_paused_until", 0.0)
    tried = []

    def down(args, **kwargs):
        tried.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.deliver_email, "apply_async", down)
    user = make_user("u1", "specialist")
    with django_capture_on_commit_callbacks(execute=True):
        (first,) = _enqueue([user], key="a")
    assert Notification.objects.get(pk=first).dispatched_at is None  # for deliver_pending
    with django_capture_on_commit_callbacks(execute=True):
        (second,) = _enqueue([user], key="b")
    assert len(tried) == 1  # the broker is known down: no second wait
    assert Notification.objects.get(pk=second).dispatched_at is None
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
