"""The outbox: every message is a row first, then delivered (and retried) from it."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("thư điện tử")
        IN_APP = "in_app", _("trong hệ thống")
        SMS = "sms", _("tin nhắn SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("chờ gửi")
        SENDING = "sending", _("đang gửi")
        SENT = "sent", _("đã gửi")
        FAILED = "failed", _("gửi không thành công")
        CANCELLED = "cancelled", _("đã hủy")

    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    template = models.SlugField(_("mẫu"), max_length=60)
    context = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"))
    idempotency_key = models.CharField(_("khóa chống gửi trùng"), max_length=200, unique=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"), null=True, blank=True)
    # A delivery claims the row (status `sending`) until `lease_expires_at`; past it, the
    # beat puts the row back to pending with the attempt counted (the worker died).
    lease_expires_at = models.DateTimeField(_("hết hạn giữ lượt gửi"), null=True, blank=True)
    claimed_by = models.CharField(_("tiến trình gửi"), max_length=120, blank=True)
    # When the row's ids were last handed to the broker; the beat hands a pending row
    # again only if it never was, or long ago (a lost message).
    dispatched_at = models.DateTimeField(_("chuyển hàng đợi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    deadline = models.ForeignKey(
        "workflows.Deadline",
        verbose_name=_("thời hạn liên quan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="notification_sending_lease",
                condition=Q(status="sending"),
            ),
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"[{self.get_channel_display()}] {self.subject}"
