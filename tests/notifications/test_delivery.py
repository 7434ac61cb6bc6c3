"""Delivery: retries with exponential backoff, then failed for good; nothing is lost."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from notifications.services import (
    backoff_delay,
    notification_deliver,
    notification_retry,
    notifications_deliver_pending,
    notifications_enqueue,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _enqueue(user, channels=("email",), key="event-1"):
    return notifications_enqueue(
        recipients=[user],
        template="deadline_reminder",
        context={
            "dossier_code": "HS-9",
            "title": "Thẩm định",
            "due_date": "19/02/2024",
            "procedure_code": "TEST-01",
        },
        channels=channels,
        key=key,
    )


def test_enqueue_is_idempotent_and_renders_vietnamese(django_capture_on_commit_callbacks):
    user = make_user("u1", "specialist")
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue(user, channels=("email", "in_app"))
    with django_capture_on_commit_callbacks(execute=True):
        second = _enqueue(user, channels=("email", "in_app"))
    assert len(first) == 2 and second == []
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nhắc việc: hồ sơ HS-9 đến hạn ngày 19/02/2024"
    assert "Kính gửi" in mail.outbox[0].body


def test_redelivered_task_sends_once():
    user = make_user("u1", "specialist")
    (pk,) = _enqueue(user)
    assert notification_deliver(notification_id=pk) == "sent"
    assert notification_deliver(notification_id=pk) is None
    assert len(mail.outbox) == 1


def test_failing_channel_retries_with_backoff_then_fails(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.NOTIFY_MAX_ATTEMPTS, settings.NOTIFY_BACKOFF_SECONDS = 4, 60
    user = make_user("u1", "specialist")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        (pk,) = _enqueue(user)
        assert notification_deliver(notification_id=pk) == "pending"
        n = Notification.objects.get(pk=pk)
        assert n.attempts == 1 and n.next_attempt_at == start + timedelta(seconds=60)
        assert "Connection refused" in n.last_error
        assert notifications_deliver_pending() == 0  # not yet due: nothing tried
        waits = []
        for expected_wait in (60, 120, 240):
            clock.shift(timedelta(seconds=expected_wait))
            waits.append(expected_wait)
            assert notifications_deliver_pending() == 1
        n.refresh_from_db()
        assert (n.status, n.attempts, n.next_attempt_at) == ("failed", 4, None)
        assert notifications_deliver_pending() == 0
        # an admin sends it again once the server is back
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        notification_retry(notification=n)
        assert notifications_deliver_pending() == 1
    n.refresh_from_db()
    assert n.status == "sent" and len(mail.outbox) == 1


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFY_BACKOFF_SECONDS, settings.NOTIFY_BACKOFF_MAX_SECONDS = 60, 600
    assert [backoff_delay(a).total_seconds() for a in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_missing_address_fails_at_once_with_a_reason():
    user = make_user("u1", "specialist", email="")
    (pk,) = _enqueue(user, channels=("email",))
    assert notification_deliver(notification_id=pk) == "failed"
    n = Notification.objects.get(pk=pk)
    assert n.attempts == 1 and "địa chỉ thư điện tử" in n.last_error


def test_sms_goes_through_the_logging_backend(caplog):
    user = make_user("u1", "specialist", phone="0912345678")
    (pk,) = _enqueue(user, channels=("sms",))
    with caplog.at_level("INFO"):
        assert notification_deliver(notification_id=pk) == "sent"
    assert "0912345678" in caplog.text


def test_messages_follow_the_recipient_language():
    user = make_user("u1", "specialist", language="en")
    (pk,) = _enqueue(user, channels=("in_app",))
    n = Notification.objects.get(pk=pk)
    assert n.subject == "Reminder: dossier HS-9 is due on 19/02/2024"
