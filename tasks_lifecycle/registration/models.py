"""What a result registration adds to its one-stop dossier: the task it registers, what
the host declares about it, and the certificate once the director has signed.

The dossier itself (status, legal clocks, documents, supplement requests, apology slips)
is the one-stop desk's row; this row links to it the engine's way (`CaseLinkMixin`: its
content type and id), one per dossier. It is written only by the kind's hooks
(`kind.py`), inside the desk's services' transactions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tasks_lifecycle.rules import DAT, XUAT_SAC
from workflows.models import CaseLinkMixin

ACCEPTANCE_CLASSES = [(XUAT_SAC, _("Xuất sắc")), (DAT, _("Đạt"))]


class ResultRegistration(CaseLinkMixin):
    """The declarations and the certificate of one result-registration dossier."""

    task = models.ForeignKey(
        "tasks_lifecycle.Task",
        verbose_name=_("nhiệm vụ trong hệ thống"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="result_registrations",
    )
    task_title = models.CharField(_("tên nhiệm vụ"), max_length=500)
    task_code = models.CharField(_("mã số nhiệm vụ"), max_length=60, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=120, blank=True)
    pi_name = models.CharField(_("chủ nhiệm nhiệm vụ"), max_length=120)
    started_on = models.DateField(_("bắt đầu thực hiện"), null=True, blank=True)
    ended_on = models.DateField(_("kết thúc thực hiện"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày đánh giá, nghiệm thu"))
    acceptance_class = models.CharField(
        _("xếp loại nghiệm thu"), max_length=10, choices=ACCEPTANCE_CLASSES
    )
    recognition_no = models.CharField(
        _("số quyết định công nhận kết quả"), max_length=60, blank=True
    )
    recognition_on = models.DateField(_("ngày quyết định công nhận"), null=True, blank=True)
    state_budget = models.BigIntegerField(_("kinh phí từ ngân sách nhà nước (đồng)"), default=0)
    summary = models.TextField(_("tóm tắt kết quả"), blank=True)
    # the certificate (Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ KH&CN)
    number = models.CharField(
        _("số giấy chứng nhận"), max_length=40, unique=True, null=True, blank=True
    )
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký kết quả thực hiện nhiệm vụ")
        verbose_name_plural = _("sổ đăng ký kết quả thực hiện nhiệm vụ KH&CN")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="task_registration_one_per_dossier"
            )
        ]

    def __str__(self) -> str:
        return self.number or self.task_title[:60]
