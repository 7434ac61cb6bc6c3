"""The one-stop desk's dossiers: radiation work permits (giấy phép tiến hành công việc
bức xạ) and radiation worker certificates (chứng chỉ nhân viên bức xạ), Decree
142/2020/NĐ-CP, and every other one-stop procedure registered as a kind
(`workflows.onestop.kinds`, e.g. the registration of an S&T task's results).

A `Dossier` is one application of any registered kind; the radiation-only columns
(devices, the worker, the previous permit) stay empty for the others, whose own
declarations live in their app's rows. Its legal status is the protected `status` FSM
field and changes only through `permits.services`; the transitions below carry the
guard (source state) and the permission (the role that owns the step), and do nothing
else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from workflows.models import LegalClock, ProcedureVersion
from workflows.onestop import kinds
from workflows.roles import Role, has_role


class DossierKind(models.TextChoices):
    """The radiation kinds (registered with the one-stop kinds by `permits.kinds`)."""

    PERMIT_NEW = "permit_new", _("Cấp giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế")
    PERMIT_RENEWAL = "permit_renewal", _("Gia hạn giấy phép sử dụng thiết bị X-quang chẩn đoán")
    PERMIT_AMENDMENT = (
        "permit_amendment",
        _("Sửa đổi, bổ sung giấy phép sử dụng thiết bị X-quang chẩn đoán"),
    )
    CERTIFICATE = "certificate", _("Cấp chứng chỉ nhân viên bức xạ (người phụ trách an toàn)")


PERMIT_KINDS = frozenset(
    {DossierKind.PERMIT_NEW, DossierKind.PERMIT_RENEWAL, DossierKind.PERMIT_AMENDMENT}
)

# The procedure catalogue code of each kind (workflows.Procedure.code).
PROCEDURE_CODES = {
    DossierKind.PERMIT_NEW: "bx-giay-phep-moi",
    DossierKind.PERMIT_RENEWAL: "bx-giay-phep-gia-han",
    DossierKind.PERMIT_AMENDMENT: "bx-giay-phep-sua-doi",
    DossierKind.CERTIFICATE: "bx-chung-chi",
}


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp, chờ kiểm tra")
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    AWAITING_FEE = "awaiting_fee", _("Đã tiếp nhận, chờ nộp phí")
    APPRAISAL = "appraisal", _("Đang thẩm định")
    REVIEW = "review", _("Lãnh đạo phòng xem xét")
    SIGNING = "signing", _("Chờ lãnh đạo ký")
    ISSUED = "issued", _("Đã cấp")
    REFUSED = "refused", _("Từ chối")
    NOT_ACCEPTED = "not_accepted", _("Không tiếp nhận")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.SUPPLEMENT,
        Status.AWAITING_FEE,
        Status.APPRAISAL,
        Status.REVIEW,
        Status.SIGNING,
    }
)
FINAL_STATUSES = frozenset({Status.ISSUED, Status.REFUSED, Status.NOT_ACCEPTED})


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")
    POST = "post", _("Qua dịch vụ bưu chính")


def _applicant(dossier: Dossier, user) -> bool:
    return user.is_authenticated and dossier.applicant_id == user.pk


def _one_stop(dossier: Dossier, user) -> bool:
    return has_role(user, Role.ONE_STOP_OFFICER)


def _fee_desk(dossier: Dossier, user) -> bool:
    return has_role(user, Role.ACCOUNTANT, Role.ONE_STOP_OFFICER)


def _specialist(dossier: Dossier, user) -> bool:
    return has_role(user, Role.SPECIALIST)


def _head(dossier: Dossier, user) -> bool:
    return has_role(user, Role.HEAD_OF_DIVISION)


def _director(dossier: Dossier, user) -> bool:
    return has_role(user, Role.DIRECTOR)


class Dossier(FSMModelMixin, models.Model):
    """One application (hồ sơ) for a permit or a certificate."""

    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    lookup_key = models.CharField(_("mã tra cứu"), max_length=12)
    # every registered one-stop kind (a callable: a new kind needs no migration)
    kind = models.CharField(_("thủ tục"), max_length=20, choices=kinds.kind_choices)
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = FSMField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    channel = models.CharField(
        _("hình thức nộp"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản nộp hồ sơ"),
        on_delete=models.PROTECT,
        related_name="radiation_dossiers",
    )
    # the organisation (tổ chức) or, for a certificate, the worker's employer
    organisation_name = models.CharField(_("tên tổ chức"), max_length=300)
    organisation_address = models.CharField(_("địa chỉ"), max_length=300)
    business_registration_no = models.CharField(
        _("số giấy chứng nhận đăng ký doanh nghiệp / giấy phép hoạt động"), max_length=60
    )
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=20)
    contact_email = models.EmailField(_("thư điện tử"), blank=True)
    facility_address = models.CharField(_("địa chỉ nơi đặt thiết bị"), max_length=300, blank=True)
    # the person of a certificate (kind == certificate): the safety officer
    worker_name = models.CharField(_("họ và tên nhân viên bức xạ"), max_length=120, blank=True)
    worker_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    worker_id_number = models.CharField(_("số CCCD"), max_length=20, blank=True)
    worker_qualification = models.CharField(_("trình độ chuyên môn"), max_length=200, blank=True)
    # links
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hồ sơ giấy phép đi kèm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_certificates",
    )
    previous_permit = models.ForeignKey(
        "Permit",
        verbose_name=_("giấy phép đề nghị gia hạn / sửa đổi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_dossiers",
    )
    # dates and people of each step
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    submitted_on = models.DateField(_("ngày nhận hồ sơ"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    fee_total = models.PositiveBigIntegerField(_("tổng phí thẩm định (đồng)"), default=0)
    fee_paid_on = models.DateField(_("ngày nộp phí"), null=True, blank=True)
    fee_receipt_no = models.CharField(_("số biên lai"), max_length=60, blank=True)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên thẩm định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appraisal_conclusion = models.CharField(
        _("kết luận thẩm định"),
        max_length=10,
        choices=[("pass", _("Đạt yêu cầu")), ("fail", _("Không đạt yêu cầu"))],
        blank=True,
    )
    appraisal_findings = models.TextField(_("nội dung biên bản thẩm định"), blank=True)
    appraised_on = models.DateField(_("ngày thẩm định"), null=True, blank=True)
    review_note = models.TextField(_("ý kiến lãnh đạo phòng"), blank=True)
    decided_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal_reasons = models.TextField(_("lý do từ chối"), blank=True)
    # the legal clocks: completeness check (5 working days) and the result
    check_clock = models.OneToOneField(
        LegalClock, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_clock = models.OneToOneField(
        LegalClock, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ bức xạ")
        verbose_name_plural = _("hồ sơ bức xạ")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status"], name="permits_dossier_status"),
            models.Index(fields=["applicant", "-created_at"], name="permits_dossier_applicant"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_permit(self) -> bool:
        return self.kind in PERMIT_KINDS

    @property
    def is_radiation(self) -> bool:
        return self.kind in DossierKind.values

    @property
    def spec(self) -> kinds.OneStopKind:
        """The one-stop kind: code prefix, fee, appraising division, result."""
        return kinds.require(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def appointment_date(self):
        clock = self.result_clock or self.check_clock
        return clock.due_date if clock else None

    # --- FSM transitions: guard + permission only; the work is in services ---------
    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SUBMITTED,
        permission=_applicant,
        custom={"label": _("Nộp hồ sơ")},
    )
    def submit(self):
        pass

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SUBMITTED,
        permission=_one_stop,
        custom={"label": _("Nhận hồ sơ tại quầy")},
    )
    def receive(self):
        pass

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=RETURN_VALUE(Status.AWAITING_FEE, Status.APPRAISAL),
        permission=_one_stop,
        custom={"label": _("Tiếp nhận hồ sơ")},
    )
    def accept(self, to: str = Status.AWAITING_FEE):
        """To the fee step, or straight to appraisal for a kind without a fee (the
        service says which, from the kind)."""
        return to

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.NOT_ACCEPTED,
        permission=_one_stop,
        custom={"label": _("Từ chối tiếp nhận")},
    )
    def reject(self):
        pass

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.SUPPLEMENT,
        permission=_one_stop,
        custom={"label": _("Yêu cầu bổ sung hồ sơ")},
    )
    def request_supplement(self):
        pass

    @transition(
        field=status,
        source=Status.APPRAISAL,
        target=Status.SUPPLEMENT,
        permission=_specialist,
        custom={"label": _("Yêu cầu bổ sung hồ sơ (khi thẩm định)")},
    )
    def request_supplement_in_appraisal(self):
        pass

    @transition(
        field=status,
        source=Status.SUPPLEMENT,
        target=RETURN_VALUE(Status.SUBMITTED, Status.APPRAISAL),
        permission=_applicant,
        custom={"label": _("Nộp hồ sơ bổ sung")},
    )
    def answer_supplement(self, back_to: str):
        return back_to

    @transition(
        field=status,
        source=Status.AWAITING_FEE,
        target=Status.APPRAISAL,
        permission=_fee_desk,
        custom={"label": _("Xác nhận đã nộp phí")},
    )
    def record_fee(self):
        pass

    @transition(
        field=status,
        source=Status.APPRAISAL,
        target=Status.REVIEW,
        permission=_specialist,
        custom={"label": _("Lập biên bản thẩm định")},
    )
    def record_appraisal(self):
        pass

    @transition(
        field=status,
        source=Status.REVIEW,
        target=Status.SIGNING,
        permission=_head,
        custom={"label": _("Trình lãnh đạo Sở ký")},
    )
    def approve_review(self):
        pass

    @transition(
        field=status,
        source=Status.REVIEW,
        target=Status.APPRAISAL,
        permission=_head,
        custom={"label": _("Trả lại chuyên viên thẩm định")},
    )
    def return_to_appraisal(self):
        pass

    @transition(
        field=status,
        source=Status.SIGNING,
        target=Status.ISSUED,
        permission=_director,
        custom={"label": _("Ký cấp")},
    )
    def sign(self):
        pass

    @transition(
        field=status,
        source=Status.SIGNING,
        target=Status.REFUSED,
        permission=_director,
        custom={"label": _("Ký văn bản từ chối cấp")},
    )
    def refuse(self):
        pass

    @transition(
        field=status,
        source=Status.SIGNING,
        target=Status.REVIEW,
        permission=_director,
        custom={"label": _("Trả lại lãnh đạo phòng")},
    )
    def return_to_review(self):
        pass


class DeviceCategory(models.TextChoices):
    """Fee classes of X-ray devices (the fee amounts are catalogue data)."""

    DENTAL = "dental", _("X-quang nha khoa")
    MAMMOGRAPHY = "mammography", _("X-quang chụp vú")
    MOBILE = "mobile", _("X-quang di động")
    CONVENTIONAL = "conventional", _("X-quang chụp thông thường")
    FLUOROSCOPY = "fluoroscopy", _("X-quang tăng sáng truyền hình (C-arm, chiếu)")
    CT = "ct", _("Chụp cắt lớp vi tính (CT)")
    PET_CT = "pet_ct", _("PET/CT")


class Device(models.Model):
    """A device declared in a permit dossier, with the appraisal fee it carries."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="devices"
    )
    category = models.CharField(_("loại thiết bị"), max_length=20, choices=DeviceCategory.choices)
    model_name = models.CharField(_("mã hiệu (model)"), max_length=120)
    serial_number = models.CharField(_("số sê-ri"), max_length=120)
    manufacturer = models.CharField(_("hãng, nước sản xuất"), max_length=200, blank=True)
    year_made = models.PositiveSmallIntegerField(_("năm sản xuất"), null=True, blank=True)
    fee = models.PositiveBigIntegerField(_("phí thẩm định (đồng)"))

    class Meta:
        verbose_name = _("thiết bị")
        verbose_name_plural = _("thiết bị")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.model_name} ({self.serial_number})"


def _upload_to(instance, filename: str) -> str:
    # the service passes a random name; the applicant's file name is kept only as data
    return f"permits/{filename}"


class Document(models.Model):
    """An uploaded item of the dossier's checklist, stored under a random name in
    private storage (never under the web root) and served only through a view that
    checks who asks."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="documents"
    )
    item = models.SlugField(_("thành phần hồ sơ"), max_length=40)
    file = models.FileField(_("tệp"), upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("định dạng"), max_length=40)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField(_("ngày cấp giấy tờ"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    supplement = models.ForeignKey(
        "SupplementRequest",
        verbose_name=_("theo yêu cầu bổ sung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    is_current = models.BooleanField(_("bản đang dùng"), default=True)

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["dossier", "item", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.dossier.code}: {self.item}"


class SupplementRequest(models.Model):
    """Mẫu 02: every missing or wrong item, listed at once."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="supplements"
    )
    number = models.PositiveSmallIntegerField(_("lần"))
    items = models.JSONField(_("thành phần cần bổ sung"))
    reasons = models.TextField(_("nội dung yêu cầu"))
    back_to = models.CharField(max_length=20, choices=Status.choices)
    requested_on = models.DateField(_("ngày yêu cầu"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("ngày nộp bổ sung"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="permits_supplement_number")
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} #{self.number}"


class ApologySlip(models.Model):
    """Mẫu 04: the apology with a new appointment date, issued no later than one
    working day before the due date."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã phát hành")
        VOID = "void", _("Hủy (hồ sơ đã có kết quả)")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="apologies"
    )
    state = models.CharField(_("tình trạng"), max_length=10, choices=State, default=State.DRAFT)
    reason = models.TextField(_("lý do chậm"))
    old_date = models.DateField(_("ngày hẹn cũ"))
    new_date = models.DateField(_("ngày hẹn mới"))
    issue_by = models.DateField(_("phải phát hành trước ngày"))
    drafted_at = models.DateTimeField(_("dự thảo lúc"), auto_now_add=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("ngày phát hành"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("phiếu xin lỗi và hẹn lại")
        verbose_name_plural = _("phiếu xin lỗi và hẹn lại")
        ordering = ["dossier", "drafted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "old_date"], name="permits_apology_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code}: {self.old_date} → {self.new_date}"


class Permit(models.Model):
    """The register of issued permits and certificates."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("Giấy phép tiến hành công việc bức xạ")
        CERTIFICATE = "certificate", _("Chứng chỉ nhân viên bức xạ")

    class State(models.TextChoices):
        VALID = "valid", _("Còn hiệu lực")
        SUPERSEDED = "superseded", _("Đã được gia hạn / sửa đổi")
        EXPIRED = "expired", _("Hết hạn")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("số"), max_length=40, unique=True)
    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="permit"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.PROTECT,
        related_name="radiation_permits",
    )
    holder_name = models.CharField(_("tổ chức / cá nhân được cấp"), max_length=300)
    holder_address = models.CharField(_("địa chỉ"), max_length=300)
    scope = models.TextField(_("nội dung được phép"))
    issued_on = models.DateField(_("ngày cấp"))
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    state = models.CharField(_("tình trạng"), max_length=12, choices=State, default=State.VALID)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("giấy phép trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("giấy phép, chứng chỉ đã cấp")
        verbose_name_plural = _("sổ đăng ký giấy phép, chứng chỉ")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number
