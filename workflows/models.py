"""The engine's tables: people, calendar, catalogue, legal clock, deadline ledger, audit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """A unit of the department (phòng, văn phòng, thanh tra, trung tâm)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("đơn vị (phòng)")
        verbose_name_plural = _("đơn vị (phòng)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    division = models.ForeignKey(
        Division,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    language = models.CharField(
        _("ngôn ngữ nhận thông báo"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="vi",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (last_name) before the given name."""
        return " ".join(p for p in (self.last_name.strip(), self.first_name.strip()) if p)


class DayUnit(models.TextChoices):
    WORKING = "working", _("ngày làm việc")
    CALENDAR = "calendar", _("ngày (theo lịch)")


class CalendarException(models.Model):
    """An admin's correction of the public-holiday calendar; it wins over the package."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("ngày nghỉ thêm")
        WORKING_DAY = "working_day", _("ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=255)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù điều chỉnh")
        verbose_name_plural = _("ngày nghỉ / làm bù điều chỉnh")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính); its rules live in versions."""

    code = models.SlugField(_("mã thủ tục"), max_length=60, unique=True)
    name_vi = models.CharField(_("tên thủ tục (tiếng Việt)"), max_length=300)
    name_en = models.CharField(_("tên thủ tục (tiếng Anh)"), max_length=300, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("thủ tục")
        verbose_name_plural = _("danh mục thủ tục")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"


class ProcedureVersion(models.Model):
    """The rules of a procedure from a given date. A case keeps the version it began under."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="versions"
    )
    label = models.CharField(_("phiên bản"), max_length=60)
    applies_from = models.DateField(_("áp dụng từ ngày"))
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    fees = models.JSONField(_("phí, lệ phí (đồng)"), default=dict, blank=True)
    documents = models.JSONField(_("thành phần hồ sơ"), default=list, blank=True)
    parameters = models.JSONField(
        _("tham số khác"),
        default=dict,
        blank=True,
        help_text=_(
            "Các tham số không phải thời hạn, mỗi tham số kèm căn cứ pháp lý: "
            '{"validity_years": {"value": 3, "legal_basis": "..."}}.'
        ),
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-applies_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "applies_from"], name="uniq_procedure_version_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} ({self.label}, {self.applies_from:%d/%m/%Y})"

    def param(self, key: str, default=None):
        """The value of a non-time parameter (`parameters[key]["value"]`)."""
        entry = (self.parameters or {}).get(key)
        if isinstance(entry, dict):
            return entry.get("value", default)
        return default if entry is None else entry

    def document(self, code: str) -> dict | None:
        return next((d for d in self.documents or [] if d.get("code") == code), None)

    def rule(self, stage: str) -> TimeLimitRule:
        return self.time_limits.get(stage=stage)


class TimeLimitRule(models.Model):
    """A statutory or internal time limit of one stage: amount, unit, basis."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản"),
        on_delete=models.CASCADE,
        related_name="time_limits",
    )
    stage = models.SlugField(_("bước"), max_length=60)
    name = models.CharField(_("tên thời hạn"), max_length=200)
    amount = models.PositiveIntegerField(_("số ngày"))
    unit = models.CharField(_("đơn vị tính"), max_length=10, choices=DayUnit.choices)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    max_extension = models.PositiveIntegerField(
        _("gia hạn tối đa"), default=0, help_text=_("Tính theo cùng đơn vị; 0 là không gia hạn.")
    )
    restarts_on_supplement = models.BooleanField(
        _("tính lại từ đầu khi bổ sung hồ sơ"), default=False
    )

    class Meta:
        verbose_name = _("quy định thời hạn")
        verbose_name_plural = _("quy định thời hạn")
        ordering = ["version", "stage"]
        constraints = [models.UniqueConstraint(fields=["version", "stage"], name="uniq_rule_stage")]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} {self.get_unit_display()}"


class Recipient(models.TextChoices):
    OWNER = "owner", _("người được giao")
    DIVISION_HEAD = "division_head", _("lãnh đạo phòng")
    DIRECTOR = "director", _("lãnh đạo Sở")
    APPLICANT = "applicant", _("người nộp hồ sơ")


class LadderStep(models.Model):
    """One rung of a procedure's reminder ladder or escalation chain.

    The step fires on the deadline's due date moved by `offset` days in
    `offset_unit` (negative: before, positive: after). Working days suit officers'
    steps; calendar days suit long periods such as a permit's expiry (T-90 days).
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("nhắc việc")
        ESCALATION = "escalation", _("báo cáo cấp trên")

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản"),
        on_delete=models.CASCADE,
        related_name="ladder",
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    deadline_kind = models.SlugField(
        _("áp dụng cho loại thời hạn"),
        max_length=60,
        blank=True,
        help_text=_("Để trống: áp dụng cho mọi loại thời hạn của thủ tục."),
    )
    offset = models.IntegerField(_("độ lệch (số ngày so với hạn)"))
    offset_unit = models.CharField(
        _("đơn vị độ lệch"), max_length=10, choices=DayUnit.choices, default=DayUnit.WORKING
    )
    recipient = models.CharField(_("gửi tới"), max_length=16, choices=Recipient.choices)
    template = models.SlugField(_("mẫu thông báo"), max_length=60)
    channels = models.JSONField(_("kênh"), default=list)

    class Meta:
        verbose_name = _("bậc nhắc việc / báo cáo")
        verbose_name_plural = _("thang nhắc việc và báo cáo")
        ordering = ["version", "offset", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.offset:+d} → {self.get_recipient_display()}"

    def clean(self) -> None:
        from notifications.channels import CHANNELS

        bad = [c for c in self.channels if c not in CHANNELS]
        if not self.channels or bad:
            raise ValidationError(
                {"channels": _("Chọn ít nhất một kênh trong: %(c)s.") % {"c": ", ".join(CHANNELS)}}
            )


class CaseLinkMixin(models.Model):
    """A generic link to the case (dossier, task, decision) a row belongs to."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    case = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True


class AuditEntry(CaseLinkMixin):
    """Append-only trail of every state change of a case. PostgreSQL refuses edits."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    action = models.CharField(_("thao tác"), max_length=80)
    from_state = models.CharField(_("từ trạng thái"), max_length=60, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=60, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    data = models.JSONField(_("dữ liệu kèm theo"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký xử lý")
        verbose_name_plural = _("nhật ký xử lý")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}: {self.from_state} → {self.to_state}"


class Deadline(CaseLinkMixin):
    """The deadline ledger: one row per dated obligation of any procedure."""

    class State(models.TextChoices):
        OPEN = "open", _("đang mở")
        MET = "met", _("đúng hạn")
        MISSED = "missed", _("trễ hạn")
        CANCELLED = "cancelled", _("đã hủy")

    kind = models.SlugField(_("loại thời hạn"), max_length=60)
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=60, db_index=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True)
    title = models.CharField(_("nội dung"), max_length=300)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    owner_group = models.ForeignKey(
        Group,
        verbose_name=_("vai trò được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_division = models.ForeignKey(
        Division,
        verbose_name=_("đơn vị được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    due_date = models.DateField(_("hạn"))
    # what within the case the row is about when a case has several rows of one kind
    # (a council member's review, an instalment): the procedure's own key, never shown
    ref = models.CharField(_("tham chiếu trong hồ sơ"), max_length=60, blank=True, default="")
    state = models.CharField(_("tình trạng"), max_length=10, choices=State, default=State.OPEN)
    paused = models.BooleanField(_("tạm dừng"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("bậc nhắc việc đã gửi"), default=0)
    next_action_on = models.DateField(_("ngày nhắc tiếp theo"), null=True, blank=True)
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)
    closed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("thời hạn")
        verbose_name_plural = _("sổ theo dõi thời hạn")
        ordering = ["due_date", "id"]
        indexes = [
            # (date, id): the managers' list in due order stops after LIMIT rows
            models.Index(
                fields=["due_date", "id"], name="deadline_open_due", condition=Q(state="open")
            ),
            # (date, id) matches the sweep's ORDER BY, so a batch stops after LIMIT rows.
            models.Index(
                fields=["next_action_on", "id"],
                name="deadline_open_next_action",
                condition=Q(state="open", next_action_on__isnull=False),
            ),
            models.Index(fields=["content_type", "object_id"], name="deadline_case"),
            # the managers' lists of one division or one officer: LIMIT 25 in due order
            models.Index(
                fields=["owner_division", "due_date", "id"],
                name="deadline_open_division_due",
                condition=Q(state="open"),
            ),
            models.Index(
                fields=["owner_user", "due_date", "id"],
                name="deadline_open_user_due",
                condition=Q(state="open"),
            ),
            # the on-time rate per quarter: closed rows by their closing day
            models.Index(
                fields=["closed_on"],
                name="deadline_closed_on",
                condition=Q(state__in=["met", "missed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_code or self.title} – {self.kind} – {self.due_date:%d/%m/%Y}"


class LegalClock(CaseLinkMixin):
    """A case's statutory time limit, which can be paused, resumed, restarted, extended."""

    class State(models.TextChoices):
        RUNNING = "running", _("đang tính")
        PAUSED = "paused", _("tạm dừng")
        STOPPED = "stopped", _("đã dừng")

    rule = models.ForeignKey(
        TimeLimitRule, verbose_name=_("thời hạn áp dụng"), on_delete=models.PROTECT
    )
    deadline = models.OneToOneField(
        Deadline, verbose_name=_("dòng sổ thời hạn"), on_delete=models.PROTECT, related_name="clock"
    )
    amount = models.PositiveIntegerField(_("số ngày"))
    unit = models.CharField(_("đơn vị tính"), max_length=10, choices=DayUnit.choices)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    started_on = models.DateField(_("bắt đầu tính từ sự kiện ngày"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=State, default=State.RUNNING)
    paused_on = models.DateField(_("tạm dừng từ ngày"), null=True, blank=True)
    paused_units = models.PositiveIntegerField(_("số ngày tạm dừng"), default=0)
    extended_units = models.PositiveIntegerField(_("số ngày gia hạn"), default=0)
    due_date = models.DateField(_("hạn giải quyết"))

    class Meta:
        verbose_name = _("thời hạn pháp định")
        verbose_name_plural = _("thời hạn pháp định")
        indexes = [models.Index(fields=["content_type", "object_id"], name="clock_case")]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_unit_display()} → {self.due_date:%d/%m/%Y}"


class ClockEvent(models.Model):
    """Every change of a legal clock, with its cause and actor."""

    class Kind(models.TextChoices):
        START = "start", _("bắt đầu tính")
        PAUSE = "pause", _("tạm dừng")
        RESUME = "resume", _("tiếp tục tính")
        RESTART = "restart", _("tính lại từ đầu")
        EXTEND = "extend", _("gia hạn")
        STOP = "stop", _("kết thúc")

    clock = models.ForeignKey(LegalClock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("ngày"))
    units = models.IntegerField(_("số ngày"), default=0)
    cause = models.TextField(_("lý do"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    due_before = models.DateField(_("hạn trước"), null=True, blank=True)
    due_after = models.DateField(_("hạn sau"), null=True, blank=True)

    class Meta:
        verbose_name = _("thay đổi thời hạn")
        verbose_name_plural = _("thay đổi thời hạn")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class FrozenRowError(Exception):
    """An approved snapshot was about to be changed."""


class StatisticsSnapshot(models.Model):
    """An approved quarter's statistics (chốt số liệu), frozen: never edited. Approving
    again writes the next version and keeps the earlier ones. PostgreSQL refuses UPDATE
    and DELETE on the table (migration 0007)."""

    period = models.CharField(_("kỳ báo cáo"), max_length=7, db_index=True)
    version = models.PositiveIntegerField(_("lần chốt"))
    data = models.JSONField(_("số liệu"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("số liệu thống kê đã chốt")
        verbose_name_plural = _("số liệu thống kê đã chốt")
        ordering = ["-period", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="uniq_snapshot_version")
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"

    # a guard, not business logic: whatever the door, a snapshot is written once
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenRowError(_("Số liệu đã chốt không được sửa; hãy chốt lại thành lần mới."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenRowError(_("Số liệu đã chốt không được xóa."))


class StatisticsExport(models.Model):
    """An Excel export of a quarter's statistics run by a Celery task, with its
    progress and, when done, the file (under MEDIA_ROOT)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("đang chờ")
        RUNNING = "running", _("đang tạo")
        DONE = "done", _("đã xong")
        FAILED = "failed", _("lỗi")

    period = models.CharField(_("kỳ báo cáo"), max_length=7)
    snapshot = models.ForeignKey(
        StatisticsSnapshot,
        verbose_name=_("số liệu đã chốt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the divisions the requester sees (a head of division: theirs); empty: all
    divisions = models.JSONField(_("đơn vị"), default=list, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(_("tệp"), upload_to="exports/statistics/", blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp xuất thống kê")
        verbose_name_plural = _("tệp xuất thống kê")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period} – {self.get_status_display()}"


class LedgerTally(models.Model):
    """Open ledger rows counted per owner, procedure, step and due-date bucket, refreshed
    in SQL by the beat every minute and on demand (`workflows.manager.tally_refresh`).
    The managers' counts and charts read this small table instead of the open rows."""

    division = models.ForeignKey(
        Division, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    group = models.ForeignKey(
        Group, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    procedure_code = models.CharField(max_length=60)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(max_length=60)
    # late_1_5, late_6_10, late_11_30, late_31, soon, later (see workflows.manager.BUCKETS)
    bucket = models.CharField(max_length=12)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("số liệu tổng hợp thời hạn đang mở")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.procedure_code} {self.kind} {self.bucket}: {self.n}"


class LedgerQuarterTally(models.Model):
    """Closed ledger rows (met / missed) per quarter of their closing day and the same
    dimensions as `LedgerTally`. Past quarters are written once; the current one with
    every refresh."""

    division = models.ForeignKey(
        Division, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    procedure_code = models.CharField(max_length=60)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(max_length=60)
    quarter = models.DateField()  # the quarter's first day
    met = models.PositiveIntegerField()
    missed = models.PositiveIntegerField()
    # rows closed on the stamp's day, recounted at every refresh; the others are final
    today = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("số liệu tổng hợp đúng hạn theo quý")
        default_permissions = ()
        indexes = [models.Index(fields=["quarter"], name="quarter_tally_quarter")]

    def __str__(self) -> str:
        return f"{self.procedure_code} {self.kind} {self.quarter}: {self.met}/{self.missed}"


class LedgerTallyStamp(models.Model):
    """One row: when the tallies were computed, for which day, and from which quarter on
    the quarter tally is final."""

    computed_at = models.DateTimeField()
    as_of = models.DateField()
    final_until = models.DateField(null=True)

    class Meta:
        verbose_name = _("thời điểm tổng hợp số liệu")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.as_of} {self.computed_at}"


class NamedSequence(models.Model):
    """The engine's numbered series (dossier codes, register and decision numbers):
    one row a series, its key namespaced by the app label of the app that numbers with
    it (`permits:dossier:GPBX:20240108`, `penalties:qd-2024`). Written only through
    `workflows.sql.sequence_next`."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.PositiveIntegerField(default=0)  # the last value taken

    class Meta:
        verbose_name = _("bộ đếm số")
        verbose_name_plural = _("bộ đếm số")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
