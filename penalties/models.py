"""Administrative penalties: from the inspection conclusion to the money collected.

A `PenaltyCase` is one violator's case: the violation record (biên bản vi phạm hành
chính), the penalty decision (quyết định xử phạt), its delivery, the payments at the
State Treasury, instalments, postponement, reminders and enforcement, up to payment in
full or the time bar. Its legal status is the protected `status` FSM field and changes
only through `penalties.services` (`workflows.transitions.transition_perform`); the
transitions below carry the guard and the role, and do nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from workflows.models import ProcedureVersion
from workflows.roles import Role, has_role

PROCEDURE_CODE = "xu-phat-vphc"


class Inspection(models.Model):
    """An inspection conclusion (kết luận thanh tra), a surprise-check decision or a
    planned inspection: where penalty cases come from."""

    class Kind(models.TextChoices):
        CONCLUSION = "conclusion", _("Kết luận thanh tra")
        SURPRISE = "surprise", _("Quyết định kiểm tra đột xuất")
        PLAN = "plan", _("Kế hoạch thanh tra")
        PROPOSAL = "proposal", _("Hồ sơ đề nghị xử phạt")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("nội dung"), max_length=400)
    subjects = models.TextField(_("đối tượng, địa bàn"), blank=True)
    amended_by = models.CharField(_("sửa đổi bởi"), max_length=200, blank=True)
    planned_for = models.CharField(_("thời gian dự kiến"), max_length=60, blank=True)
    is_example = models.BooleanField(_("dữ liệu minh họa"), default=False)

    class Meta:
        verbose_name = _("kết luận / quyết định thanh tra")
        verbose_name_plural = _("kết luận / quyết định thanh tra")
        ordering = ["-issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.number or self.get_kind_display()} – {self.title[:60]}"


class Status(models.TextChoices):
    RECORDED = "recorded", _("Đã lập biên bản, chờ ra quyết định")
    EXPLANATION = "explanation", _("Chờ giải trình")
    PROPOSED = "proposed", _("Chờ người có thẩm quyền ký quyết định")
    DECIDED = "decided", _("Đã ra quyết định, chờ giao")
    AWAITING_PAYMENT = "awaiting_payment", _("Đã giao quyết định, chờ nộp phạt")
    INSTALMENTS = "instalments", _("Đang nộp phạt nhiều lần")
    POSTPONED = "postponed", _("Đang hoãn thi hành")
    OVERDUE = "overdue", _("Quá hạn nộp phạt")
    ENFORCEMENT = "enforcement", _("Đang cưỡng chế")
    PAID = "paid", _("Đã nộp đủ")
    TIME_BARRED = "time_barred", _("Hết thời hiệu thi hành")


UNPAID_STATES = (
    Status.AWAITING_PAYMENT,
    Status.INSTALMENTS,
    Status.POSTPONED,
    Status.OVERDUE,
    Status.ENFORCEMENT,
)
OPEN_STATES = (Status.RECORDED, Status.EXPLANATION, Status.PROPOSED, Status.DECIDED, *UNPAID_STATES)


class DecisionCase(models.TextChoices):
    STANDARD = "standard", _("Thông thường (07 ngày làm việc)")
    TRANSFERRED = "transferred", _("Chuyển người có thẩm quyền (10 ngày làm việc)")
    EXPLANATION = "explanation", _("Có giải trình, xác minh (01 tháng)")
    COMPLEX = "complex", _("Đặc biệt phức tạp (thêm 01 tháng)")


class Signer(models.TextChoices):
    CHIEF_INSPECTOR = "chief_inspector", _("Chánh Thanh tra Sở")
    DIRECTOR = "director", _("Giám đốc Sở")
    CHAIRMAN = "chairman", _("Chủ tịch Ủy ban nhân dân tỉnh")


def _inspector(instance, user) -> bool:
    return has_role(user, Role.INSPECTOR, Role.HEAD_OF_DIVISION)


def _signer(instance, user) -> bool:
    return has_role(user, Role.HEAD_OF_DIVISION, Role.DIRECTOR)


def _collector(instance, user) -> bool:
    return has_role(user, Role.ACCOUNTANT, Role.INSPECTOR, Role.HEAD_OF_DIVISION)


class PenaltyCase(FSMModelMixin, models.Model):
    """One violator's case, from the violation record to payment or the time bar."""

    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("kết luận thanh tra"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thanh tra viên phụ trách"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = FSMField(
        _("trạng thái"),
        max_length=20,
        choices=Status.choices,
        default=Status.RECORDED,
        protected=True,
        db_index=True,
    )
    # the violator (personal data: only roles with a step see the address and ID)
    violator_name = models.CharField(_("tổ chức, cá nhân vi phạm"), max_length=300)
    violator_is_organisation = models.BooleanField(_("là tổ chức"), default=True)
    violator_address = models.CharField(_("địa chỉ"), max_length=400, blank=True)
    violator_id_number = models.CharField(
        _("số CCCD / mã số doanh nghiệp"), max_length=40, blank=True
    )
    # the violation record
    record_number = models.CharField(_("số biên bản"), max_length=60)
    record_on = models.DateField(_("ngày lập biên bản"))
    violation = models.TextField(_("hành vi vi phạm"))
    legal_article = models.CharField(_("quy định tại"), max_length=300, blank=True)
    explanation_due = models.DateField(_("hạn giải trình"), null=True, blank=True)
    explanation_note = models.TextField(_("nội dung giải trình"), blank=True)
    decision_case = models.CharField(
        _("trường hợp ra quyết định"),
        max_length=12,
        choices=DecisionCase.choices,
        default=DecisionCase.STANDARD,
    )
    decision_due = models.DateField(_("hạn ra quyết định"))
    # the decision
    amount = models.PositiveBigIntegerField(_("số tiền phạt (đồng)"), default=0)
    signer = models.CharField(_("thẩm quyền ký"), max_length=20, choices=Signer.choices, blank=True)
    decision_number = models.CharField(
        _("số quyết định"), max_length=60, null=True, blank=True, unique=True
    )
    decided_on = models.DateField(_("ngày ra quyết định"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_days = models.PositiveSmallIntegerField(_("số ngày nộp phạt"), default=10)
    lookup_key = models.CharField(_("mã tra cứu"), max_length=12, blank=True)
    delivery_due = models.DateField(_("hạn giao quyết định"), null=True, blank=True)
    delivered_on = models.DateField(_("ngày nhận quyết định"), null=True, blank=True)
    deemed_delivered = models.BooleanField(_("coi như đã giao"), default=False)
    payment_due = models.DateField(_("hạn nộp phạt"), null=True, blank=True)
    limitation_on = models.DateField(_("hết thời hiệu thi hành"), null=True, blank=True)
    paid_total = models.PositiveBigIntegerField(_("đã nộp (đồng)"), default=0)
    paid_on = models.DateField(_("ngày nộp đủ"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("ngày gửi văn bản đôn đốc"), null=True, blank=True)
    enforcement_prepared_on = models.DateField(
        _("ngày hoàn thành chuẩn bị cưỡng chế"), null=True, blank=True
    )
    enforcement_measure = models.CharField(_("biện pháp cưỡng chế"), max_length=40, blank=True)
    enforcement_number = models.CharField(_("số quyết định cưỡng chế"), max_length=60, blank=True)
    enforcement_on = models.DateField(_("ngày quyết định cưỡng chế"), null=True, blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    is_example = models.BooleanField(_("dữ liệu minh họa"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ xử phạt")
        verbose_name_plural = _("hồ sơ xử phạt")
        ordering = ["-record_on", "-id"]
        indexes = [models.Index(fields=["status", "payment_due"], name="penalty_status_due")]

    def __str__(self) -> str:
        return f"{self.decision_number or self.record_number} – {self.violator_name}"

    @property
    def code(self) -> str:
        return self.decision_number or self.record_number

    # --- transitions (guards and roles only; the services do the work) -----------------
    @transition(
        status,
        source=Status.RECORDED,
        target=Status.EXPLANATION,
        permission=_inspector,
        custom={"label": _("Yêu cầu giải trình")},
    )
    def request_explanation(self):
        pass

    @transition(
        status,
        source=Status.EXPLANATION,
        target=Status.RECORDED,
        permission=_inspector,
        custom={"label": _("Ghi nhận giải trình")},
    )
    def record_explanation(self):
        pass

    @transition(
        status,
        source=[Status.RECORDED, Status.EXPLANATION],
        target=RETURN_VALUE(Status.RECORDED, Status.EXPLANATION),
        permission=_signer,
        custom={"label": _("Gia hạn ra quyết định xử phạt")},
    )
    def extend_decision(self):
        return self.status

    @transition(
        status,
        source=Status.RECORDED,
        target=Status.PROPOSED,
        permission=_inspector,
        custom={"label": _("Trình ký quyết định xử phạt")},
    )
    def propose(self):
        pass

    @transition(
        status,
        source=Status.PROPOSED,
        target=Status.DECIDED,
        permission=_signer,
        custom={"label": _("Ký quyết định xử phạt")},
    )
    def decide(self):
        pass

    @transition(
        status,
        source=Status.PROPOSED,
        target=Status.RECORDED,
        permission=_signer,
        custom={"label": _("Trả lại dự thảo quyết định")},
    )
    def return_draft(self):
        pass

    @transition(
        status,
        source=Status.DECIDED,
        target=RETURN_VALUE(Status.DECIDED, Status.AWAITING_PAYMENT),
        permission=_inspector,
        custom={"label": _("Ghi nhận giao quyết định")},
    )
    def record_delivery(self, delivered: bool = True):
        return Status.AWAITING_PAYMENT if delivered else Status.DECIDED

    @transition(
        status,
        source=list(UNPAID_STATES),
        target=RETURN_VALUE(*UNPAID_STATES, Status.PAID),
        permission=_collector,
        custom={"label": _("Ghi nhận nộp tiền phạt")},
    )
    def record_payment(self, settled: bool = False):
        return Status.PAID if settled else self.status

    @transition(
        status,
        source=Status.AWAITING_PAYMENT,
        target=Status.OVERDUE,
        custom={"label": _("Quá hạn nộp phạt")},
    )
    def become_overdue(self):
        pass

    @transition(
        status,
        source=[Status.AWAITING_PAYMENT, Status.OVERDUE],
        target=RETURN_VALUE(Status.AWAITING_PAYMENT, Status.OVERDUE, Status.INSTALMENTS),
        permission=_signer,
        custom={"label": _("Quyết định về đề nghị nộp phạt nhiều lần")},
    )
    def decide_instalments(self, approved: bool = False):
        return Status.INSTALMENTS if approved else self.status

    @transition(
        status,
        source=[Status.AWAITING_PAYMENT, Status.OVERDUE],
        target=RETURN_VALUE(Status.AWAITING_PAYMENT, Status.OVERDUE, Status.POSTPONED),
        permission=_signer,
        custom={"label": _("Quyết định về đề nghị hoãn thi hành")},
    )
    def decide_postponement(self, approved: bool = False):
        return Status.POSTPONED if approved else self.status

    @transition(
        status,
        source=[Status.POSTPONED, Status.INSTALMENTS],
        target=RETURN_VALUE(Status.AWAITING_PAYMENT, Status.OVERDUE),
        custom={"label": _("Hết thời gian hoãn / nộp nhiều lần")},
    )
    def end_pause(self, overdue: bool = True):
        return Status.OVERDUE if overdue else Status.AWAITING_PAYMENT

    @transition(
        status,
        source=[Status.OVERDUE, Status.ENFORCEMENT],
        target=RETURN_VALUE(Status.OVERDUE, Status.ENFORCEMENT),
        permission=_inspector,
        custom={"label": _("Gửi văn bản đôn đốc")},
    )
    def send_reminder(self):
        return self.status

    @transition(
        status,
        source=Status.OVERDUE,
        target=Status.OVERDUE,
        permission=_inspector,
        custom={"label": _("Hoàn thành chuẩn bị cưỡng chế")},
    )
    def prepare_enforcement(self):
        pass

    @transition(
        status,
        source=Status.OVERDUE,
        target=Status.ENFORCEMENT,
        permission=_signer,
        custom={"label": _("Ra quyết định cưỡng chế")},
    )
    def enforce(self):
        pass

    @transition(
        status,
        source=list(UNPAID_STATES),
        target=Status.TIME_BARRED,
        custom={"label": _("Hết thời hiệu thi hành")},
    )
    def time_bar(self):
        pass


class DeliveryAttempt(models.Model):
    """One attempt to deliver the decision: handed over, posted, refused, returned."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Đã nhận")
        REFUSED = "refused", _("Từ chối nhận (có biên bản)")
        RETURNED = "returned", _("Bưu chính trả lại")

    case = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="deliveries")
    on = models.DateField(_("ngày"))
    by_post = models.BooleanField(_("qua bưu chính"), default=False)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lần giao quyết định")
        verbose_name_plural = _("các lần giao quyết định")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} {self.get_outcome_display()}"


class StatementImport(models.Model):
    """One treasury statement file the accountant imported, with its report."""

    file_name = models.CharField(_("tệp"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    matched = models.PositiveIntegerField(_("dòng khớp"), default=0)
    duplicates = models.PositiveIntegerField(_("dòng trùng"), default=0)
    unmatched = models.PositiveIntegerField(_("dòng không khớp"), default=0)
    report = models.JSONField(_("báo cáo"), default=list)

    class Meta:
        verbose_name = _("lần nhập sao kê Kho bạc")
        verbose_name_plural = _("các lần nhập sao kê Kho bạc")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.file_name


class TreasuryReceipt(models.Model):
    """A payment at the State Treasury (chứng từ nộp tiền phạt), typed in or imported.
    The receipt number is unique: the same line imported twice is refused."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="receipts")
    number = models.CharField(_("số chứng từ"), max_length=60, unique=True)
    value_date = models.DateField(_("ngày nộp (ngày hiệu lực)"))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    statement = models.ForeignKey(
        StatementImport, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng từ nộp tiền phạt")
        verbose_name_plural = _("chứng từ nộp tiền phạt")
        ordering = ["value_date", "id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.amount:,} đ)"


class Relief(models.Model):
    """A request to pay in instalments (nộp phạt nhiều lần) or to postpone (hoãn thi
    hành), and its decision. An approved one is a pause of the surcharge."""

    class Kind(models.TextChoices):
        INSTALMENTS = "instalments", _("Nộp tiền phạt nhiều lần")
        POSTPONEMENT = "postponement", _("Hoãn thi hành quyết định")

    class State(models.TextChoices):
        APPROVED = "approved", _("Chấp thuận")
        REFUSED = "refused", _("Từ chối")

    case = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="reliefs")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("kết quả"), max_length=10, choices=State.choices)
    requested_on = models.DateField(_("ngày đề nghị"))
    decided_on = models.DateField(_("ngày quyết định"))
    hardship_certified = models.BooleanField(_("có xác nhận khó khăn"), default=False)
    starts_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    schedule = models.JSONField(_("các lần nộp"), default=list, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("đề nghị nộp nhiều lần / hoãn")
        verbose_name_plural = _("đề nghị nộp nhiều lần / hoãn")
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_state_display()}"
