"""Delivery channels. Each raises `TransientDeliveryError` for a failure worth retrying
and `PermanentDeliveryError` for one that retrying cannot fix."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHANNELS = ("email", "in_app", "sms")


class TransientDeliveryError(Exception):
    pass


class PermanentDeliveryError(Exception):
    pass


class SmsBackend:
    """Interface of an SMS gateway."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """The default: writes the message to the log instead of a gateway."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def _sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def message_id(idempotency_key: str) -> str:
    """The e-mail's `Message-ID`, derived from the row's idempotency key: every attempt
    at the same notification carries the same id, so a receiving system can drop a copy."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{settings.NOTIFY_MESSAGE_ID_DOMAIN}>"


def send_email(notification, connection=None) -> None:
    address = notification.recipient.email
    if not address:
        raise PermanentDeliveryError(_("Người nhận chưa có địa chỉ thư điện tử."))
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        to=[address],
        headers={
            "Message-ID": message_id(notification.idempotency_key),
            "X-Motcua-Notification": str(notification.pk),
        },
        connection=connection,
    )
    try:
        if connection is not None:
            connection.open()  # no-op while it is open
        message.send(fail_silently=False)
    except OSError as exc:  # SMTP and socket errors
        raise TransientDeliveryError(str(exc)) from exc


def send_in_app(notification) -> None:
    """An in-app notification is delivered once it is stored; the user's list shows it."""


def send_sms(notification) -> None:
    phone = notification.recipient.phone
    if not phone:
        raise PermanentDeliveryError(_("Người nhận chưa có số điện thoại."))
    text = f"{notification.subject}. {notification.body}"[:600]
    try:
        _sms_backend().send(phone=phone, text=text)
    except OSError as exc:
        raise TransientDeliveryError(str(exc)) from exc


SENDERS = {"email": send_email, "in_app": send_in_app, "sms": send_sms}


class Sender:
    """Sends the rows of one delivery, keeping one e-mail connection open across them.

    After a failed e-mail the connection is dropped, so the next one reconnects.
    """

    def __init__(self) -> None:
        self._mail = None

    def send(self, notification) -> None:
        send = SENDERS[notification.channel]
        if send is not send_email:  # other channels (and test doubles) need no connection
            send(notification)
            return
        if self._mail is None:
            self._mail = get_connection(fail_silently=False)
        try:
            send_email(notification, connection=self._mail)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        mail, self._mail = self._mail, None
        if mail is not None:
            try:
                mail.close()
            except Exception:  # a broken connection cannot be closed cleanly
                logger.debug("closing the e-mail connection failed", exc_info=True)
