"""Delivery channels. Each raises `TransientDeliveryError` for a failure worth retrying
and `PermanentDeliveryError` for one that retrying cannot fix."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
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


def send_email(notification) -> None:
    address = notification.recipient.email
    if not address:
        raise PermanentDeliveryError(_("Người nhận chưa có địa chỉ thư điện tử."))
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        to=[address],
        headers={"X-Motcua-Notification": str(notification.pk)},
    )
    try:
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
