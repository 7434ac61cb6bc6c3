"""Assignments of the provincial People's Committee and its Chairman (nhiệm vụ UBND
tỉnh, Chủ tịch UBND tỉnh giao), their progress notes and extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from workflows.models import Division, ProcedureVersion

PROCEDURE_CODE = "nhiem-vu-ubnd-giao"
MODEL_LABEL = "directives.assignment"
LEDGER_KIND = "assignment_due"


class Source(models.TextChoices):
    PROVINCE = "ubnd", _("UBND tỉnh")
    CHAIRMAN = "chu_tich", _("Chủ tịch UBND tỉnh")


class SourceKind(models.TextChoices):
    OFFICIAL_LETTER = "cong_van", _("Công văn")
    DECISION = "quyet_dinh", _("Quyết định")
    PLAN = "ke_hoach", _("Kế hoạch")
    NOTICE = "thong_bao", _("Thông báo")
    DIRECTIVE = "chi_thi", _("Chỉ thị")
    OTHER = "khac", _("Văn bản khác")


class OutgoingKind(models.TextChoices):
    SUBMISSION = "to_trinh", _("Tờ trình")
    OFFICIAL_LETTER = "cong_van", _("Công văn")
    REPORT = "bao_cao", _("Báo cáo")
    PLAN = "ke_hoach", _("Kế hoạch")
    DECISION = "quyet_dinh", _("Quyết định")
    OTHER = "khac", _("Văn bản khác")


class Status(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ phân công")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    COMPLETED = "completed", _("Đã hoàn thành")
    CANCELLED = "cancelled", _("UBND tỉnh thu hồi, dừng thực hiện")


OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)


class Result(models.TextChoices):
    EARLY = "early", _("Hoàn thành trước hạn")
    ON_TIME = "on_time", _("Hoàn thành đúng hạn")
    LATE = "late", _("Hoàn thành quá hạn")


def _may(step: str):
    def check(instance, user) -> bool:
        from . import access

        return access.decide(step, instance, user).allowed

    return check


class ImportBatch(models.Model):
    """One import of the office's assignment book (sổ theo dõi nhiệm vụ)."""

    file_name = models.CharField(_("tên tệp"), max_length=200)
    rows = models.PositiveIntegerField(_("số dòng"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần nhập sổ nhiệm vụ")
        verbose_name_plural = _("các lần nhập sổ nhiệm vụ")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


class Assignment(FSMModelMixin, models.Model):
    """A task the People's Committee (or its Chairman) gave the department."""

    code = models.CharField(_("mã nhiệm vụ"), max_length=30, unique=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("cơ quan giao"), max_length=10, choices=Source.choices)
    source_kind = models.CharField(
        _("loại văn bản giao"), max_length=12, choices=SourceKind.choices
    )
    source_number = models.CharField(_("số văn bản giao"), max_length=60, db_index=True)
    source_date = models.DateField(_("ngày văn bản giao"))
    content = models.TextField(_("nội dung nhiệm vụ"))
    received_on = models.DateField(_("ngày nhận"), db_index=True)
    due_on = models.DateField(_("hạn hoàn thành"), db_index=True)
    original_due_on = models.DateField(_("hạn ban đầu"))
    # the due date, or the next working day when it is a day off (rules.effective_due):
    # what the warnings and the ledger count to
    last_day = models.DateField(_("ngày cuối phải hoàn thành"))
    lead_division = models.ForeignKey(
        Division,
        verbose_name=_("phòng chủ trì"),
        on_delete=models.PROTECT,
        related_name="led_assignments",
    )
    supporting_divisions = models.ManyToManyField(
        Division,
        verbose_name=_("phòng phối hợp"),
        blank=True,
        related_name="supported_assignments",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directive_assignments",
    )
    status = FSMField(
        _("trạng thái"),
        max_length=12,
        choices=Status.choices,
        default=Status.RECEIVED,
        protected=True,
        db_index=True,
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    outgoing_kind = models.CharField(
        _("loại văn bản hoàn thành"), max_length=12, choices=OutgoingKind.choices, blank=True
    )
    outgoing_number = models.CharField(_("số văn bản hoàn thành"), max_length=60, blank=True)
    outgoing_date = models.DateField(_("ngày văn bản hoàn thành"), null=True, blank=True)
    result = models.CharField(
        _("kết quả"), max_length=10, choices=Result.choices, blank=True, db_index=True
    )
    cancelled_on = models.DateField(_("ngày dừng thực hiện"), null=True, blank=True)
    cancel_reason = models.TextField(_("lý do dừng thực hiện"), blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("lần nhập"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhiệm vụ UBND tỉnh giao")
        verbose_name_plural = _("nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(
                fields=["last_day"],
                name="assignment_open_last_day",
                condition=Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.source_label}"

    @property
    def source_label(self) -> str:
        """ "Công văn số 84/UBND-KGVX ngày 08/01/2024"."""
        return _("%(kind)s số %(number)s ngày %(date)s") % {
            "kind": self.get_source_kind_display(),
            "number": self.source_number,
            "date": f"{self.source_date:%d/%m/%Y}",
        }

    @property
    def outgoing_label(self) -> str:
        """ "Tờ trình số 331/TTr-SKHCN ngày 26/02/2024"."""
        if not self.outgoing_number:
            return ""
        return _("%(kind)s số %(number)s ngày %(date)s") % {
            "kind": self.get_outgoing_kind_display(),
            "number": self.outgoing_number,
            "date": f"{self.outgoing_date:%d/%m/%Y}" if self.outgoing_date else "—",
        }

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # --- transitions (only through directives.services) ------------------------------
    @transition(
        status,
        source=[Status.RECEIVED, Status.IN_PROGRESS],
        target=Status.IN_PROGRESS,
        permission=_may("assign"),
        custom={"label": _("Phân công cán bộ thực hiện")},
    )
    def assign(self):
        pass

    @transition(
        status,
        source=[Status.RECEIVED, Status.IN_PROGRESS],
        target=None,
        permission=_may("extend"),
        custom={"label": _("Gia hạn")},
    )
    def extend(self):
        pass

    @transition(
        status,
        source=Status.IN_PROGRESS,
        target=Status.COMPLETED,
        permission=_may("complete"),
        custom={"label": _("Hoàn thành nhiệm vụ")},
    )
    def complete(self):
        pass

    @transition(
        status,
        source=[Status.RECEIVED, Status.IN_PROGRESS],
        target=Status.CANCELLED,
        permission=_may("cancel"),
        custom={"label": _("Dừng thực hiện (UBND tỉnh thu hồi)")},
    )
    def cancel(self):
        pass


class ProgressNote(models.Model):
    """What was done on an assignment, by whom and when (with a file if any)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    text = models.TextField(_("nội dung"))
    file = models.FileField(_("tệp đính kèm"), upload_to="directives/notes/%Y/", blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=60, blank=True)
    size = models.PositiveIntegerField(_("dung lượng"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("ghi nhận tiến độ")
        verbose_name_plural = _("ghi nhận tiến độ")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y} {self.text[:40]}"


class Extension(models.Model):
    """A due date moved: from, to, why, on whose document."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="extensions"
    )
    old_due_on = models.DateField(_("hạn trước"))
    new_due_on = models.DateField(_("hạn mới"))
    reason = models.TextField(_("lý do"))
    approval = models.CharField(_("văn bản UBND tỉnh đồng ý gia hạn"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("gia hạn nhiệm vụ")
        verbose_name_plural = _("gia hạn nhiệm vụ")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.old_due_on:%d/%m/%Y} → {self.new_due_on:%d/%m/%Y}"
