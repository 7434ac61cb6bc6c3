"""Fault tests with real Celery workers on PostgreSQL and Redis: a killed worker child,
a frozen broker, a hung SMTP server. What they count is printed when they run with -s."""

from __future__ import annotations

import os
import signal
import time
from datetime import date

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from notifications import services
from notifications.channels import message_id
from notifications.models import Notification
from notifications.tasks import sweep_deadlines
from permits import services as permits
from tests.conftest import make_user
from tests.notifications.workers import (
    ALL_QUEUES,
    HungSmtp,
    RedisServer,
    Worker,
    message_ids,
    wait_until,
)
from tests.permits.conftest import file_dossier
from workflows.ledger import deadline_open
from workflows.models import Division, LadderStep, Procedure, ProcedureVersion

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _purge() -> None:
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in ALL_QUEUES.split(","):
            channel.queue_purge(queue)


@pytest.fixture
def live_broker(monkeypatch):
    """Publish for real (not eager), to the suite's broker unless `use` names another."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "_broker_paused_until", 0.0)
    # Celery has no public call to swap the pools of broker connections a publish uses:
    # set the suite's aside while another broker is used, and put them back after.
    saved = (celery_app._pool, celery_app.amqp._producer_pool)

    class Broker:
        url = celery_app.conf.broker_url
        swapped = False

        def use(self, url: str) -> None:
            celery_app._pool = celery_app.amqp._producer_pool = None
            monkeypatch.setitem(celery_app.conf, "broker_write_url", url)  # publishes go here
            self.url, self.swapped = url, True

    broker = Broker()
    _purge()
    yield broker
    if broker.swapped:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool, celery_app.amqp._producer_pool = saved


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def workers():
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def _email_only_version() -> ProcedureVersion:
    procedure = Procedure.objects.create(code="FAULT-01", name_vi="Thủ tục thử lỗi")
    version = ProcedureVersion.objects.create(
        procedure=procedure, label="2024", applies_from=date(2024, 1, 1), legal_basis="thử"
    )
    LadderStep.objects.create(
        version=version,
        kind="reminder",
        offset=0,
        recipient="owner",
        template="deadline_reminder",
        channels=["email"],
    )
    return version


def test_a_killed_worker_child_loses_no_reminder_and_sends_none_twice(
    tmp_path, live_broker, workers
):
    """200 e-mail reminders; the pool child is SIGKILLed in the middle of a send (the
    backend hangs before its 61st message); the pool starts a new child. Every reminder
    ends sent, exactly once by Message-ID."""
    version = _email_only_version()
    division = Division.objects.create(code="cn", name="Phòng Công nghệ")
    owner = make_user("owner", "specialist", division=division)
    due = timezone.localdate()
    for i in range(200):
        deadline_open(
            case=division,
            kind="check",
            due_date=due,
            title="Kiểm tra",
            procedure_version=version,
            dossier_code=f"HS-K{i:03d}",
            owner_user=owner,
        )
    marker = tmp_path / "hung"
    worker = Worker(
        tmp_path=tmp_path,
        broker_url=live_broker.url,
        name="killed",
        pool="prefork",
        env={
            "EMAIL_BACKEND": "tests.notifications.hang_backend.EmailBackend",
            "MOTCUA_TEST_HANG_AFTER": "60",
            "MOTCUA_TEST_HANG_MARKER": str(marker),
            "NOTIFY_EMAIL_SOFT_TIME_LIMIT": "6",
            "NOTIFY_EMAIL_TIME_LIMIT": "8",
            "NOTIFY_SMS_TIME_LIMIT": "8",
            "NOTIFY_LEASE_SECONDS": "10",
            "CELERY_VISIBILITY_TIMEOUT": "30",
        },
    )
    workers.append(worker)
    worker.wait_ready()
    assert services.deadlines_sweep(today=due) == 200  # publishes after each batch commits
    assert wait_until(marker.exists, 60, step=0.05), worker.output()
    child = int(marker.read_text())
    assert child in worker.children()
    os.kill(child, signal.SIGKILL)
    assert wait_until(lambda: worker.children() and child not in worker.children(), 20)

    # the redelivered task and the rest go through the new child; the rows the dead
    # child had claimed come back when their lease expires (the beat's deliver_pending)
    def sent() -> int:
        return Notification.objects.filter(status="sent").count()

    last_beat = [0.0]

    def beat() -> None:
        if time.monotonic() - last_beat[0] > 2:
            services.notifications_deliver_pending()
            last_beat[0] = time.monotonic()

    assert wait_until(lambda: sent() == 200, 120, tick=beat), (sent(), worker.output())
    ids = message_ids(worker.mail_dir)
    retried = Notification.objects.filter(attempts=2).count()
    print(f"killed child {child}: {len(ids)} e-mails, {len(set(ids))} distinct; {retried} retried")
    assert "SIGKILL" in worker.output()
    assert len(ids) == 200 and len(set(ids)) == 200  # none lost, none twice
    assert Notification.objects.count() == 200
    assert 1 <= retried <= 25  # the dead child's claim, counted once
    assert not Notification.objects.filter(attempts__gt=2).exists()


def test_transitions_do_not_wait_on_a_frozen_broker(
    tmp_path, live_broker, redis_server, workers, applicant, staff
):
    """20 submissions while the broker is frozen (SIGSTOP): each returns within 2 s and
    commits; in-app rows are there at once; every e-mail goes out once it is back."""
    live_broker.use(redis_server.url)
    dossiers = [file_dossier(applicant) for _ in range(20)]
    worker = Worker(tmp_path=tmp_path, broker_url=redis_server.url, name="frozen")
    workers.append(worker)
    worker.wait_ready()
    # a first submission while the broker is up: this process's cold start is not timed
    permits.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # its e-mail is delivered before the freeze: a task the worker had fetched when the
    # broker froze comes back only after the visibility timeout (the redispatch delay
    # here), which is not what this test measures
    assert wait_until(
        lambda: Notification.objects.filter(channel="email", status="sent").count() == 1, 30
    ), worker.output()
    redis_server.freeze()
    durations = []
    for dossier in dossiers:
        start = time.monotonic()
        permits.dossier_submit(dossier=dossier, actor=applicant)
        durations.append(time.monotonic() - start)
    new = Notification.objects.filter(pk__gt=first)
    print(f"frozen broker: slowest submission {max(durations):.3f} s, total {sum(durations):.2f} s")
    assert max(durations) < 2
    assert all(d.status == "submitted" for d in type(dossiers[0]).objects.filter(pk__in=[
        d.pk for d in dossiers
    ]))  # fmt: skip
    assert new.filter(channel="in_app", status="sent").count() == 20
    emails = new.filter(channel="email")
    assert emails.count() == 20
    assert set(emails.values_list("status", "dispatched_at")) == {("pending", None)}

    redis_server.thaw()
    last_beat = [0.0]

    def beat() -> None:
        if time.monotonic() - last_beat[0] > 2:
            services.notifications_deliver_pending()
            last_beat[0] = time.monotonic()

    # every e-mail sent, the warm-up's included
    all_emails = Notification.objects.filter(channel="email")
    assert wait_until(lambda: all_emails.filter(status="sent").count() == 21, 90, tick=beat), (
        worker.output()
    )
    ids = message_ids(worker.mail_dir)
    expected = {message_id(key) for key in emails.values_list("idempotency_key", flat=True)}
    assert len(ids) == len(set(ids)) == 21  # the warm-up's e-mail and the 20, once each
    assert expected <= set(ids)


def test_a_hung_smtp_server_delays_nothing_but_email(
    tmp_path, live_broker, workers, applicant, staff, version
):
    """The SMTP server accepts and never answers. In-app rows are there when the
    transition returns; the sweep on its own queue runs at once; the e-mail task stops at
    its soft time limit and its row is pending again with no failed attempt."""
    smtp = HungSmtp()
    try:
        mailer = Worker(
            tmp_path=tmp_path,
            broker_url=live_broker.url,
            name="mailer",
            queues="notifications.email,notifications.sms",
            pool="prefork",
            env={
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp.port),
                "EMAIL_TIMEOUT": "600",
                "NOTIFY_EMAIL_SOFT_TIME_LIMIT": "3",
                "NOTIFY_EMAIL_TIME_LIMIT": "6",
                "NOTIFY_SMS_TIME_LIMIT": "6",
                "NOTIFY_LEASE_SECONDS": "12",
            },
        )
        workers.append(mailer)
        main = Worker(
            tmp_path=tmp_path,
            broker_url=live_broker.url,
            name="main",
            queues="default,notifications",
        )
        workers.append(main)
        mailer.wait_ready()
        main.wait_ready()
        dossiers = [file_dossier(applicant) for _ in range(3)]
        first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for dossier in dossiers:
            permits.dossier_submit(dossier=dossier, actor=applicant)
            mine = Notification.objects.filter(pk__gt=first, object_id=str(dossier.pk))
            assert mine.filter(channel="in_app", status="sent").count() == 1  # at once
        assert wait_until(lambda: smtp.accepted, 30), mailer.output()  # e-mail is stuck

        # the sweep's queue is not behind the e-mail: a reminder due today goes out now
        division = Division.objects.create(code="cn", name="Phòng Công nghệ")
        owner = make_user("owner", "specialist", division=division)
        deadline = deadline_open(
            case=division,
            kind="check",
            due_date=date(2024, 2, 19),
            title="Kiểm tra",
            procedure_version=version,
            dossier_code="HS-HUNG",
            owner_user=owner,
        )
        sweep_deadlines.delay(as_of="2024-02-15")
        started = time.monotonic()
        reminder = Notification.objects.filter(deadline=deadline, channel="in_app", status="sent")
        assert wait_until(reminder.exists, 30), main.output()
        print(f"hung SMTP: sweep's in-app reminder after {time.monotonic() - started:.2f} s")

        # the soft time limit gives the row back: pending, no attempt, no error
        submitted = Notification.objects.filter(
            pk__gt=first, channel="email", object_id__in=[str(d.pk) for d in dossiers]
        )
        given_back = submitted.filter(status="pending").exclude(claimed_by="")
        assert wait_until(given_back.exists, 30), mailer.output()
        assert "soft time limit" in mailer.output()
        assert not submitted.filter(attempts__gt=0).exists()  # no failed attempt recorded
        assert set(submitted.values_list("last_error", flat=True)) == {""}
        assert not submitted.filter(status__in=["failed", "sent"]).exists()
    finally:
        smtp.close()
