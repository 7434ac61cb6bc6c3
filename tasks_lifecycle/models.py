"""Councils (hội đồng tư vấn) and the expert pool they are drawn from.

A `Council` is generic over what it decides: one or more `CouncilSubject` rows, each
with its parties (principal investigator, participants, host organisation) so conflicts
of interest are computed now, and an optional generic link to the record it decides
(the S&T task of issue 10). Its legal status is the protected `status` FSM field,
changed only through `tasks_lifecycle.services`.

Ballots, tallies and the attendance snapshot are append-only: a correction of a tally is
a new `Tally` that supersedes the old one, never an edit.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from workflows.models import ProcedureVersion
from workflows.roles import Role, has_role

from . import rules

PROCEDURE_CODE = "hd-tu-van-khcn"


class KindCode(models.TextChoices):
    IDENTIFICATION = "identification", _("Hội đồng tư vấn xác định nhiệm vụ")
    SELECTION = "selection", _("Hội đồng tư vấn tuyển chọn, giao trực tiếp")
    ACCEPTANCE = "acceptance", _("Hội đồng tư vấn đánh giá, nghiệm thu")
    BUDGET_APPRAISAL = "budget_appraisal", _("Tổ thẩm định kinh phí")
    INSPECTION = "inspection", _("Đoàn kiểm tra, đánh giá định kỳ")
    ADVISORY = "advisory", _("Hội đồng tư vấn khoa học và công nghệ")


class BallotForm(models.TextChoices):
    IDENTIFICATION = "identification", _("Đạt / Không đạt yêu cầu từng nội dung")
    SELECTION = "selection", _("Chấm điểm theo tiêu chí (100 điểm)")
    ACCEPTANCE = "acceptance", _("Xuất sắc / Đạt / Không đạt")
    OPINION = "opinion", _("Đồng ý / Không đồng ý")
    NONE = "none", _("Không bỏ phiếu (kết luận tập thể)")


class CouncilKind(models.Model):
    """A kind of council: catalogue data with its legal basis, editable by the province.
    The national defaults are `rules.KINDS`, installed after every migrate."""

    code = models.CharField(_("mã"), max_length=30, choices=KindCode.choices, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    size_min = models.PositiveSmallIntegerField(_("số thành viên tối thiểu"))
    size_max = models.PositiveSmallIntegerField(_("số thành viên tối đa"))
    size_basis = models.CharField(_("căn cứ số thành viên"), max_length=300)
    reviewers_per_subject = models.PositiveSmallIntegerField(_("số phản biện mỗi đối tượng"))
    vice_chairs_min = models.PositiveSmallIntegerField(_("số phó chủ tịch tối thiểu"), default=1)
    vice_chairs_max = models.PositiveSmallIntegerField(_("số phó chủ tịch tối đa"), default=1)
    secretaries_min = models.PositiveSmallIntegerField(_("số thư ký khoa học tối thiểu"), default=1)
    secretaries_max = models.PositiveSmallIntegerField(_("số thư ký khoa học tối đa"), default=1)
    quorum_numerator = models.PositiveSmallIntegerField(_("tỷ lệ có mặt (tử số)"))
    quorum_denominator = models.PositiveSmallIntegerField(_("tỷ lệ có mặt (mẫu số)"))
    quorum_chair_or_authorised_vice = models.BooleanField(
        _("cần Chủ tịch hoặc Phó Chủ tịch được ủy quyền"), default=True
    )
    quorum_all_reviewers = models.BooleanField(_("cần đủ phản biện"), default=True)
    quorum_secretary = models.BooleanField(_("cần thư ký khoa học"), default=True)
    quorum_any_of = models.JSONField(
        _("cần ít nhất một trong các vai trò"), default=list, blank=True
    )
    quorum_basis = models.CharField(_("căn cứ điều kiện họp"), max_length=300)
    ballot_form = models.CharField(_("mẫu phiếu"), max_length=20, choices=BallotForm.choices)
    papers_lead_working_days = models.PositiveSmallIntegerField(
        _("gửi tài liệu trước (ngày làm việc)")
    )
    papers_basis = models.CharField(_("căn cứ gửi tài liệu"), max_length=300)
    questions_lead_working_days = models.PositiveSmallIntegerField(
        _("gửi câu hỏi trước (ngày làm việc)"), default=0
    )
    reviews_lead_working_days = models.PositiveSmallIntegerField(
        _("nộp nhận xét trước (ngày làm việc)"), default=0
    )
    reviews_basis = models.CharField(_("căn cứ nộp nhận xét"), max_length=300, blank=True)
    conclusions_working_days = models.PositiveSmallIntegerField(
        _("gửi kết luận trong (ngày làm việc)")
    )
    conclusions_basis = models.CharField(_("căn cứ gửi kết luận"), max_length=300, blank=True)
    meeting_within_days = models.PositiveSmallIntegerField(
        _("họp trong (ngày) kể từ quyết định thành lập"), default=0
    )
    host_staff_member_only = models.BooleanField(
        _("cán bộ tổ chức chủ trì chỉ được làm ủy viên"), default=False
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("thang nhắc việc (phiên bản thủ tục)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("loại hội đồng")
        verbose_name_plural = _("danh mục loại hội đồng")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def rule(self) -> rules.KindRule:
        """The kind as the pure rules read it (the province's values)."""
        return rules.KindRule(
            code=self.code,
            name=self.name,
            size_min=self.size_min,
            size_max=self.size_max,
            size_basis=self.size_basis,
            quorum=rules.Quorum(
                self.quorum_numerator,
                self.quorum_denominator,
                chair_or_authorised_vice=self.quorum_chair_or_authorised_vice,
                all_reviewers=self.quorum_all_reviewers,
                secretary=self.quorum_secretary,
                any_of=tuple(self.quorum_any_of or ()),
                legal_basis=self.quorum_basis,
            ),
            reviewers_per_subject=self.reviewers_per_subject,
            vice_chairs=(self.vice_chairs_min, self.vice_chairs_max),
            secretaries=(self.secretaries_min, self.secretaries_max),
            ballot_form=self.ballot_form,
            papers_lead_working_days=self.papers_lead_working_days,
            papers_basis=self.papers_basis,
            questions_lead_working_days=self.questions_lead_working_days,
            reviews_lead_working_days=self.reviews_lead_working_days,
            reviews_basis=self.reviews_basis,
            conclusions_working_days=self.conclusions_working_days,
            conclusions_basis=self.conclusions_basis,
            meeting_within_days=self.meeting_within_days,
            host_staff_member_only=self.host_staff_member_only,
            legal_basis=self.legal_basis,
        )


class Expert(models.Model):
    """A person of the expert pool (cơ sở dữ liệu chuyên gia)."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    title = models.CharField(_("học hàm, học vị"), max_length=60, blank=True)
    organisation = models.CharField(_("cơ quan công tác"), max_length=200)
    field = models.CharField(_("lĩnh vực chuyên môn"), max_length=200)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    relatives = models.JSONField(
        _("người thân đã kê khai"),
        default=list,
        blank=True,
        help_text=_("Họ tên vợ/chồng, bố, mẹ, con, anh, chị, em ruột."),
    )
    is_active = models.BooleanField(_("đang tham gia"), default=True)

    class Meta:
        verbose_name = _("chuyên gia")
        verbose_name_plural = _("cơ sở dữ liệu chuyên gia")
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.full_name}".strip()

    def conflict_view(self) -> dict:
        return {
            "name": self.full_name,
            "organisation": self.organisation,
            "relatives": list(self.relatives or []),
        }


class Status(models.TextChoices):
    SETUP = "setup", _("Đang lập danh sách thành viên")
    CONSTITUTED = "constituted", _("Đã thành lập, chờ gửi tài liệu")
    PAPERS_SENT = "papers_sent", _("Đã gửi tài liệu, chờ họp")
    IN_SESSION = "in_session", _("Đang họp (đủ điều kiện)")
    TALLIED = "tallied", _("Đã kiểm phiếu, chờ ban kiểm phiếu xác nhận")
    PUBLISHED = "published", _("Đã công bố kết quả")
    CLOSED = "closed", _("Đã gửi kết luận")


OPEN_STATUSES = (
    Status.SETUP,
    Status.CONSTITUTED,
    Status.PAPERS_SENT,
    Status.IN_SESSION,
    Status.TALLIED,
    Status.PUBLISHED,
)


def _secretary(council: Council, user) -> bool:
    return has_role(user, Role.COUNCIL_SECRETARY, Role.HEAD_OF_DIVISION, Role.DIRECTOR)


def _member_or_secretary(council: Council, user) -> bool:
    """A member's withdrawal moves the council too; the service checks who they are."""
    return bool(getattr(user, "is_authenticated", False))


class Council(FSMModelMixin, models.Model):
    kind = models.ForeignKey(
        CouncilKind, verbose_name=_("loại hội đồng"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("mã hội đồng"), max_length=30, unique=True)
    title = models.CharField(_("tên hội đồng"), max_length=300)
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký quyết định"), max_length=120, blank=True)
    meeting_on = models.DateField(_("ngày họp"), null=True, blank=True)
    meeting_place = models.CharField(_("địa điểm họp"), max_length=200, blank=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thư ký hành chính"),
        on_delete=models.PROTECT,
        related_name="councils_run",
    )
    status = FSMField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.SETUP, protected=True
    )
    vice_chair_authorised = models.BooleanField(
        _("Phó Chủ tịch được ủy quyền bằng văn bản"), default=False
    )
    conclusion = models.TextField(_("kết luận của hội đồng"), blank=True)
    papers_sent_on = models.DateField(_("ngày gửi tài liệu"), null=True, blank=True)
    published_on = models.DateField(_("ngày công bố kết quả"), null=True, blank=True)
    conclusions_sent_on = models.DateField(_("ngày gửi kết luận"), null=True, blank=True)
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    # the record the council decides (an S&T task, issue 10); optional
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("hội đồng")
        verbose_name_plural = _("hội đồng")
        ordering = ["-meeting_on", "-id"]
        indexes = [models.Index(fields=["secretary", "status"], name="council_secretary_status")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def ballot_form(self) -> str:
        return self.kind.ballot_form

    # --- the legal steps: guard (source) and permission (the role); the work is in services
    @transition(
        field=status,
        source=Status.SETUP,
        target=Status.CONSTITUTED,
        permission=_secretary,
        custom={"label": _("Thành lập hội đồng")},
    )
    def constitute(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.CONSTITUTED, Status.PAPERS_SENT, Status.IN_SESSION],
        target=Status.SETUP,
        permission=_member_or_secretary,
        custom={"label": _("Bổ sung thành viên")},
    )
    def reopen(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.CONSTITUTED,
        target=Status.PAPERS_SENT,
        permission=_secretary,
        custom={"label": _("Gửi tài liệu")},
    )
    def dispatch_papers(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.PAPERS_SENT,
        target=Status.IN_SESSION,
        permission=_secretary,
        custom={"label": _("Điểm danh, khai mạc phiên họp")},
    )
    def open_meeting(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.IN_SESSION,
        target=Status.PAPERS_SENT,
        permission=_member_or_secretary,
        custom={"label": _("Dừng phiên họp (không đủ điều kiện)")},
    )
    def suspend_meeting(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.IN_SESSION, Status.TALLIED, Status.PUBLISHED],
        target=Status.TALLIED,
        permission=_secretary,
        custom={"label": _("Kiểm phiếu")},
    )
    def tally(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.TALLIED,
        target=Status.PUBLISHED,
        permission=_secretary,
        custom={"label": _("Công bố kết quả")},
    )
    def publish(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.PUBLISHED,
        target=Status.CLOSED,
        permission=_secretary,
        custom={"label": _("Gửi kết luận")},
    )
    def close(self) -> None:
        pass


class CouncilSubject(models.Model):
    """What the council decides — a proposal, an application, a task — with its parties."""

    class TaskType(models.TextChoices):
        TECHNOLOGY = "technology", _("Đề tài nghiên cứu ứng dụng và phát triển công nghệ")
        SOCIAL = "social", _("Đề tài khoa học xã hội và nhân văn, đề án khoa học")
        PROJECT = "project", _("Dự án")

    council = models.ForeignKey(
        Council, verbose_name=_("hội đồng"), on_delete=models.CASCADE, related_name="subjects"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tên đối tượng đánh giá"), max_length=400)
    pi_name = models.CharField(_("chủ nhiệm"), max_length=120, blank=True)
    participants = models.JSONField(_("thành viên tham gia thực hiện"), default=list, blank=True)
    host_organisation = models.CharField(_("tổ chức chủ trì"), max_length=200, blank=True)
    task_type = models.CharField(
        _("loại nhiệm vụ"), max_length=20, choices=TaskType.choices, default=TaskType.TECHNOLOGY
    )
    host_proposed = models.BooleanField(_("tổ chức chủ trì là tổ chức đề xuất"), default=False)
    state_budget = models.BigIntegerField(_("kinh phí đề nghị từ ngân sách (đồng)"), default=0)
    past_excellent = models.BooleanField(_("đã có nhiệm vụ xếp loại Xuất sắc"), default=False)
    contract_end = models.DateField(_("ngày kết thúc hợp đồng"), null=True, blank=True)
    dossier_submitted_on = models.DateField(_("ngày nộp hồ sơ nghiệm thu"), null=True, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("đối tượng đánh giá")
        verbose_name_plural = _("đối tượng đánh giá")
        ordering = ["council", "position", "id"]

    def __str__(self) -> str:
        return self.title

    def conflict_view(self) -> dict:
        return {
            "title": self.title,
            "pi": self.pi_name,
            "participants": list(self.participants or []),
            "host_organisation": self.host_organisation,
        }


class Membership(models.Model):
    class MemberRole(models.TextChoices):
        CHAIR = rules.CHAIR, _("Chủ tịch")
        VICE_CHAIR = rules.VICE_CHAIR, _("Phó Chủ tịch")
        REVIEWER = rules.REVIEWER, _("Ủy viên phản biện")
        SECRETARY = rules.SECRETARY, _("Ủy viên thư ký khoa học")
        MEMBER = rules.MEMBER, _("Ủy viên")

    council = models.ForeignKey(
        Council, verbose_name=_("hội đồng"), on_delete=models.CASCADE, related_name="memberships"
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("chuyên gia"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices)
    reviews_subject = models.ForeignKey(
        CouncilSubject,
        verbose_name=_("phản biện đối tượng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewers",
    )
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)
    declared_at = models.DateTimeField(
        _("cam kết không xung đột lợi ích lúc"), null=True, blank=True
    )
    on_board = models.BooleanField(_("thành viên ban kiểm phiếu"), default=False)
    board_chief = models.BooleanField(_("trưởng ban kiểm phiếu"), default=False)
    removed_at = models.DateTimeField(_("rút khỏi hội đồng lúc"), null=True, blank=True)
    removed_reason = models.TextField(_("lý do rút"), blank=True)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["council", "id"]
        constraints = [
            # one person holds one role per council
            models.UniqueConstraint(
                fields=["council", "expert"],
                condition=Q(removed_at__isnull=True),
                name="uniq_council_expert_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} ({self.get_role_display()})"

    @property
    def active(self) -> bool:
        return self.removed_at is None


class StoredFile(models.Model):
    """What every content-checked upload keeps besides its file (`workflows.uploads`)."""

    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("định dạng"), max_length=40)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        abstract = True

    def attach(self, checked) -> None:
        """Take a checked upload (`workflows.uploads.CheckedUpload`): its metadata, and its
        file stored under a random name of its real type; the row is saved by the caller."""
        checked.keep(self)


def _paper_upload_to(instance, filename: str) -> str:
    return f"councils/{instance.council_id}/{secrets.token_hex(16)}.{filename.rsplit('.', 1)[-1]}"


class Paper(StoredFile):
    """A file of the meeting's papers, served only to the council's members and staff."""

    council = models.ForeignKey(
        Council, verbose_name=_("hội đồng"), on_delete=models.CASCADE, related_name="papers"
    )
    title = models.CharField(_("tên tài liệu"), max_length=300)
    file = models.FileField(_("tệp"), upload_to=_paper_upload_to, max_length=200)

    class Meta:
        verbose_name = _("tài liệu họp")
        verbose_name_plural = _("tài liệu họp")
        ordering = ["council", "id"]

    def __str__(self) -> str:
        return self.title


class PaperRead(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="reads")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(_("đọc lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lượt đọc tài liệu")
        verbose_name_plural = _("lượt đọc tài liệu")
        constraints = [
            models.UniqueConstraint(fields=["paper", "membership"], name="uniq_paper_read")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.paper_id}"


class Review(models.Model):
    """A member's written review (phiếu nhận xét) of one subject."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("thành viên"), on_delete=models.PROTECT, related_name="reviews"
    )
    subject = models.ForeignKey(
        CouncilSubject, verbose_name=_("đối tượng"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("nội dung nhận xét"))
    questions = models.TextField(_("câu hỏi"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu nhận xét")
        verbose_name_plural = _("phiếu nhận xét")
        constraints = [
            models.UniqueConstraint(fields=["membership", "subject"], name="uniq_review")
        ]

    def __str__(self) -> str:
        return f"{self.membership} – {self.subject}"


class Attendance(models.Model):
    """The meeting's attendance snapshot: who was entitled, present, voting; the quorum
    evaluated on it. A later change (a member removed) is a new snapshot."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="attendances")
    rows = models.JSONField(_("danh sách"), default=list)
    vice_chair_authorised = models.BooleanField(default=False)
    quorum_met = models.BooleanField(_("đủ điều kiện họp"))
    problems = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["council", "-id"]

    def __str__(self) -> str:
        return f"{self.council_id} {self.recorded_at:%d/%m/%Y %H:%M}"


class Ballot(models.Model):
    """A member's ballot (phiếu đánh giá) on one subject, with the form it was cast on."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Bỏ phiếu trực tuyến")
        PAPER = "paper", _("Thư ký nhập từ phiếu giấy")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="ballots")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="ballots")
    subject = models.ForeignKey(CouncilSubject, on_delete=models.PROTECT, related_name="ballots")
    form = models.JSONField(_("mẫu phiếu (cố định khi bỏ phiếu)"))
    values = models.JSONField(_("nội dung phiếu"))
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)
    void = models.BooleanField(_("bị hủy (thành viên rút)"), default=False)

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        ordering = ["council", "subject", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "subject"],
                condition=Q(void=False),
                name="uniq_ballot_member_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership} – {self.subject}"


class Tally(models.Model):
    """The vote count: every ballot and every intermediate value, frozen. A correction is
    a new tally that supersedes this one."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="tallies")
    number = models.PositiveSmallIntegerField(_("lần kiểm phiếu"))
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField(_("lý do kiểm phiếu lại"), blank=True)
    data = models.JSONField(_("số liệu kiểm phiếu"))
    outcome = models.CharField(_("kết quả"), max_length=60)
    outcome_label = models.CharField(_("kết quả (diễn giải)"), max_length=300)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    confirmations = models.JSONField(_("ban kiểm phiếu xác nhận"), default=list, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả kiểm phiếu")
        verbose_name_plural = _("kết quả kiểm phiếu")
        ordering = ["council", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="uniq_tally_number")
        ]

    def __str__(self) -> str:
        return f"{self.council_id} #{self.number}: {self.outcome_label}"


# =========================================================================================
# Provincial S&T tasks (nhiệm vụ KH&CN cấp tỉnh), from ordering to acceptance (issue 10).
#
# A `Task` carries its lifecycle stage as a protected FSM field, changed only through the
# services (`workflows.transitions.transition_perform`). Every council decision of the
# lifecycle is a `Council` above whose subject links back here (`target`) and takes its
# parties — PI, participants, host — from the task (`Task.subject_spec`), so conflicts
# of interest are computed from the task. The time limits are `task_rules.LIMITS`.
# =========================================================================================
TASK_PROCEDURE_CODE = "nhiem-vu-khcn"


def _optional_fk(to, verbose_name, related_name: str, on_delete=models.PROTECT):
    """A link that may be empty until its stage is reached."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
    )


class HostOrganisation(models.Model):
    """A host organisation (tổ chức chủ trì) or proposer; its users file online."""

    name = models.CharField(_("tên tổ chức"), max_length=200, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản của tổ chức"),
        blank=True,
        related_name="host_organisations",
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("tổ chức chủ trì")
        verbose_name_plural = _("tổ chức chủ trì")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Investigator(models.Model):
    """A person who leads (chủ nhiệm) or takes part in a task."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    academic_title = models.CharField(_("học hàm, học vị"), max_length=60, blank=True)
    organisation = _optional_fk(
        HostOrganisation, _("tổ chức"), "investigators", on_delete=models.SET_NULL
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investigator",
    )
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        verbose_name = _("nhà khoa học")
        verbose_name_plural = _("nhà khoa học")
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return f"{self.academic_title} {self.full_name}".strip()


class Decision(models.Model):
    """A decision record of the People's Committee or the Department: number, date, signer."""

    class Kind(models.TextChoices):
        ORDERED_LIST = "ordered_list", _("Phê duyệt danh mục nhiệm vụ đặt hàng")
        HOST_APPROVAL = (
            "host_approval",
            _("Phê duyệt tổ chức chủ trì, chủ nhiệm, kinh phí, phương thức khoán chi, thời gian"),
        )
        EXTENSION = "extension", _("Gia hạn thời gian thực hiện")
        TERMINATION = "termination", _("Chấm dứt hợp đồng")
        RECOGNITION = "recognition", _("Công nhận kết quả thực hiện nhiệm vụ")

    kind = models.CharField(_("loại quyết định"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=120)
    title = models.CharField(_("trích yếu"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "signed_on"], name="uniq_task_decision")
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class Programme(models.TextChoices):
    PROVINCIAL = "provincial", _("Nhiệm vụ KH&CN cấp tỉnh")
    IP = "ip", _("Chương trình phát triển tài sản trí tuệ")
    BRAND = "brand", _("Dự án xây dựng, quản lý và phát triển nhãn hiệu")
    NATIONAL_LOCAL = "national_local", _("Nhiệm vụ cấp quốc gia đề xuất đặt hàng của địa phương")
    CLIMATE = "climate", _("Chương trình ứng phó với biến đổi khí hậu")


class Method(models.TextChoices):
    SELECTION = "selection", _("Tuyển chọn")
    DIRECT = "direct", _("Giao trực tiếp")


class LumpSum(models.TextChoices):
    FULL = "full", _("Khoán chi đến sản phẩm cuối cùng")
    PARTIAL = "partial", _("Khoán chi từng phần")


class Stage(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất đặt hàng")
    SCREENED = "screened", _("Đã tổng hợp, rà soát trùng lặp")
    IDENTIFICATION = "identification", _("Hội đồng xác định nhiệm vụ")
    RECOMMENDED = "recommended", _("Đã có kiến nghị của Hội đồng, chờ phê duyệt")
    NOT_ORDERED = "not_ordered", _("Không đặt hàng")
    APPROVED = "approved", _("Đã phê duyệt danh mục, chờ công bố")
    PUBLISHED = "published", _("Đã công bố danh mục")
    CALL_OPEN = "call_open", _("Đang thông báo tuyển chọn")
    CALL_FAILED = "call_failed", _("Không có hồ sơ hợp lệ, chờ tuyển chọn lần 2")
    APPLICATIONS_OPENED = "applications_opened", _("Đã mở hồ sơ đăng ký")
    SELECTION = "selection", _("Hội đồng tuyển chọn, giao trực tiếp")
    REVISION = "revision", _("Hoàn thiện thuyết minh")
    BUDGET_APPRAISAL = "budget_appraisal", _("Thẩm định kinh phí")
    FINALISING = "finalising", _("Hoàn thiện hồ sơ sau thẩm định kinh phí")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ phê duyệt tổ chức chủ trì, kinh phí")
    HOST_APPROVED = "host_approved", _("Đã phê duyệt, chờ ký hợp đồng")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    TERMINATED = "terminated", _("Chấm dứt hợp đồng")
    DOSSIER_FILED = "dossier_filed", _("Đã nộp hồ sơ nghiệm thu")
    DOSSIER_SUPPLEMENT = "dossier_supplement", _("Bổ sung hồ sơ nghiệm thu")
    DOSSIER_VALID = "dossier_valid", _("Hồ sơ nghiệm thu hợp lệ")
    ACCEPTANCE = "acceptance", _("Hội đồng nghiệm thu")
    CORRECTIONS = "corrections", _("Hoàn thiện hồ sơ sau nghiệm thu")
    RECOGNISED = "recognised", _("Đã công nhận kết quả")
    FAILED = "failed", _("Không đạt, thu hồi kinh phí")


def _division(task: Task, user) -> bool:
    return has_role(user, Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.DIRECTOR)


def _leader(task: Task, user) -> bool:
    return has_role(user, Role.HEAD_OF_DIVISION, Role.DIRECTOR)


def _host(task: Task, user) -> bool:
    """A user of the task's host organisation (the service checks which task)."""
    return bool(getattr(user, "is_authenticated", False)) and task.host_id is not None


def _step(name: str, source, target: str, permission, label):
    def step(self) -> None:
        pass

    step.__name__ = step.__qualname__ = name
    return transition(
        field="stage",
        source=source,
        target=target,
        permission=permission,
        custom={"label": label},
    )(step)


S = Stage


class Task(FSMModelMixin, models.Model):
    """A provincial S&T task (nhiệm vụ KH&CN) from its proposal to its acceptance."""

    code = models.CharField(_("mã nhiệm vụ"), max_length=30, unique=True)
    title = models.CharField(_("tên nhiệm vụ"), max_length=500)
    programme = models.CharField(
        _("chương trình"), max_length=20, choices=Programme.choices, default=Programme.PROVINCIAL
    )
    field = models.CharField(_("lĩnh vực"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("năm đặt hàng"))
    task_type = models.CharField(
        _("loại nhiệm vụ"),
        max_length=20,
        choices=CouncilSubject.TaskType.choices,
        default=CouncilSubject.TaskType.TECHNOLOGY,
    )
    method = models.CharField(_("phương thức"), max_length=10, choices=Method.choices, blank=True)
    proposer = _optional_fk(HostOrganisation, _("tổ chức đề xuất"), "tasks_proposed")
    host = _optional_fk(HostOrganisation, _("tổ chức chủ trì"), "tasks_hosted")
    pi = _optional_fk(Investigator, _("chủ nhiệm nhiệm vụ"), "tasks_led")
    participants = models.ManyToManyField(
        Investigator,
        verbose_name=_("thành viên tham gia thực hiện"),
        blank=True,
        related_name="tasks_joined",
    )
    officer = _optional_fk(settings.AUTH_USER_MODEL, _("chuyên viên theo dõi"), "st_tasks_followed")
    division = _optional_fk("workflows.Division", _("phòng quản lý"), "+")
    procedure_version = _optional_fk(ProcedureVersion, _("phiên bản quy định"), "+")
    stage = FSMField(
        _("giai đoạn"), max_length=24, choices=Stage.choices, default=Stage.PROPOSED, protected=True
    )
    summary = models.TextField(_("mục tiêu, nội dung chính"), blank=True)
    similar_tasks = models.JSONField(
        _("nhiệm vụ có tên gần giống (rà soát trùng lặp)"), default=list, blank=True
    )
    proposed_on = models.DateField(_("ngày đề xuất"))
    recommended_on = models.DateField(_("ngày có kiến nghị"), null=True, blank=True)
    ordering_decision = _optional_fk(Decision, _("quyết định phê duyệt danh mục"), "tasks_ordered")
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    selection_council = _optional_fk(
        Council, _("hội đồng tư vấn tuyển chọn, giao trực tiếp"), "+", on_delete=models.SET_NULL
    )
    host_decision = _optional_fk(
        Decision, _("quyết định phê duyệt tổ chức chủ trì, kinh phí"), "tasks_approved"
    )
    duration_months = models.PositiveSmallIntegerField(
        _("thời gian thực hiện (tháng)"), null=True, blank=True
    )
    state_budget = models.BigIntegerField(_("kinh phí từ ngân sách (đồng)"), default=0)
    other_budget = models.BigIntegerField(_("kinh phí từ nguồn khác (đồng)"), default=0)
    lump_sum = models.CharField(
        _("phương thức khoán chi"), max_length=10, choices=LumpSum.choices, blank=True
    )
    acceptance_prep_months = models.PositiveSmallIntegerField(
        _("thời gian hoàn thiện hồ sơ đánh giá, nghiệm thu (tháng, trong thời gian thực hiện)"),
        null=True,
        blank=True,
    )
    acceptance_class = models.CharField(
        _("xếp loại nghiệm thu"), max_length=10, choices=rules.ACCEPTANCE_FORM, blank=True
    )
    concluded_on = models.DateField(_("ngày có kết luận nghiệm thu"), null=True, blank=True)
    refund_amount = models.BigIntegerField(
        _("số kinh phí phải hoàn trả (đồng)"), null=True, blank=True
    )
    termination_decision = _optional_fk(
        Decision, _("quyết định chấm dứt hợp đồng"), "tasks_terminated"
    )
    termination_reason = models.TextField(_("lý do chấm dứt hợp đồng"), blank=True)
    corrections_submitted_on = models.DateField(
        _("ngày nộp hồ sơ hoàn thiện sau nghiệm thu"), null=True, blank=True
    )
    recognition_decision = _optional_fk(
        Decision, _("quyết định công nhận kết quả"), "tasks_recognised"
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhiệm vụ KH&CN")
        verbose_name_plural = _("nhiệm vụ KH&CN")
        ordering = ["-year", "code"]
        indexes = [
            models.Index(fields=["stage", "year"], name="task_stage_year"),
            models.Index(fields=["host", "stage"], name="task_host_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    # --- the lifecycle; the work (dates, records, ledger) is in the services -----------
    screen = _step("screen", S.PROPOSED, S.SCREENED, _division, _("Tổng hợp, rà soát trùng lặp"))
    send_to_identification = _step(
        "send_to_identification",
        S.SCREENED,
        S.IDENTIFICATION,
        _division,
        _("Đưa ra Hội đồng xác định nhiệm vụ"),
    )
    recommend = _step(
        "recommend", S.IDENTIFICATION, S.RECOMMENDED, _division, _("Ghi nhận kiến nghị")
    )
    not_recommend = _step(
        "not_recommend",
        [S.IDENTIFICATION, S.RECOMMENDED],
        S.NOT_ORDERED,
        _division,
        _("Không đặt hàng"),
    )
    approve = _step(
        "approve", S.RECOMMENDED, S.APPROVED, _leader, _("Ghi nhận quyết định phê duyệt danh mục")
    )
    publish = _step("publish", S.APPROVED, S.PUBLISHED, _division, _("Công bố danh mục"))
    open_call = _step(
        "open_call",
        [S.PUBLISHED, S.CALL_FAILED],
        S.CALL_OPEN,
        _division,
        _("Thông báo tuyển chọn"),
    )
    open_applications = _step(
        "open_applications",
        S.CALL_OPEN,
        S.APPLICATIONS_OPENED,
        _division,
        _("Mở hồ sơ đăng ký (biên bản mở hồ sơ)"),
    )
    call_fails = _step(
        "call_fails",
        [S.CALL_OPEN, S.APPLICATIONS_OPENED, S.SELECTION],
        S.CALL_FAILED,
        _division,
        _("Ghi nhận không có hồ sơ hợp lệ"),
    )
    send_to_selection = _step(
        "send_to_selection",
        [S.APPLICATIONS_OPENED, S.PUBLISHED],
        S.SELECTION,
        _division,
        _("Đưa ra Hội đồng tuyển chọn, giao trực tiếp"),
    )
    select = _step("select", S.SELECTION, S.REVISION, _division, _("Ghi nhận kết quả tuyển chọn"))
    submit_revision = _step(
        "submit_revision", S.REVISION, S.BUDGET_APPRAISAL, _host, _("Nộp thuyết minh hoàn thiện")
    )
    appraise_budget = _step(
        "appraise_budget",
        S.BUDGET_APPRAISAL,
        S.FINALISING,
        _division,
        _("Ghi nhận kết luận Tổ thẩm định"),
    )
    finalise = _step(
        "finalise", S.FINALISING, S.AWAITING_APPROVAL, _host, _("Nộp hồ sơ hoàn thiện")
    )
    approve_host = _step(
        "approve_host",
        S.AWAITING_APPROVAL,
        S.HOST_APPROVED,
        _leader,
        _("Ghi nhận quyết định phê duyệt tổ chức chủ trì, kinh phí"),
    )
    sign_contract = _step(
        "sign_contract", S.HOST_APPROVED, S.IN_PROGRESS, _division, _("Ghi nhận hợp đồng")
    )
    terminate = _step("terminate", S.IN_PROGRESS, S.TERMINATED, _leader, _("Chấm dứt hợp đồng"))
    file_dossier = _step(
        "file_dossier",
        [S.IN_PROGRESS, S.DOSSIER_SUPPLEMENT],
        S.DOSSIER_FILED,
        _host,
        _("Nộp hồ sơ đánh giá, nghiệm thu"),
    )
    request_supplement = _step(
        "request_supplement",
        S.DOSSIER_FILED,
        S.DOSSIER_SUPPLEMENT,
        _division,
        _("Thông báo hồ sơ chưa hợp lệ, yêu cầu bổ sung"),
    )
    accept_dossier = _step(
        "accept_dossier", S.DOSSIER_FILED, S.DOSSIER_VALID, _division, _("Thông báo hồ sơ hợp lệ")
    )
    send_to_acceptance = _step(
        "send_to_acceptance",
        S.DOSSIER_VALID,
        S.ACCEPTANCE,
        _division,
        _("Đưa ra Hội đồng nghiệm thu"),
    )
    pass_acceptance = _step(
        "pass_acceptance", S.ACCEPTANCE, S.CORRECTIONS, _division, _("Ghi nhận kết quả Đạt")
    )
    fail_acceptance = _step(
        "fail_acceptance", S.ACCEPTANCE, S.FAILED, _division, _("Ghi nhận kết quả Không đạt")
    )
    recognise = _step(
        "recognise", S.CORRECTIONS, S.RECOGNISED, _leader, _("Ghi nhận quyết định công nhận")
    )

    # --- the council subject: parties from the task, so conflicts are computed from it
    def subject_spec(self) -> dict:
        """The `council_create` subject of this task: its parties and the link back."""
        contract = getattr(self, "contract", None)
        first = self.dossiers.order_by("submitted_on").values_list("submitted_on", flat=True)
        return {
            "title": self.title,
            "pi_name": self.pi.full_name if self.pi_id else "",
            "participants": [p.full_name for p in self.participants.all()],
            "host_organisation": self.host.name if self.host_id else "",
            "task_type": self.task_type,
            "state_budget": self.state_budget,
            "host_proposed": bool(self.host_id) and self.host_id == self.proposer_id,
            "contract_end": contract.ends_on if contract else None,
            # the acceptance tally applies the 6-month limit to the first filing
            "dossier_submitted_on": first.first(),
            "target": self,
        }


class Call(models.Model):
    """A public call for applications (thông báo tuyển chọn), round 1 or 2."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="calls"
    )
    round = models.PositiveSmallIntegerField(_("lần thông báo"), default=1)
    opens_on = models.DateField(_("ngày bắt đầu thông báo"))
    closes_on = models.DateField(_("hạn nộp hồ sơ"))
    notice_number = models.CharField(_("số thông báo"), max_length=60, blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện tham gia"), blank=True)
    opened_on = models.DateField(_("ngày mở hồ sơ"), null=True, blank=True)
    opening_record = models.TextField(_("biên bản mở hồ sơ"), blank=True)
    opening_attendees = models.JSONField(
        _("thành phần tham dự mở hồ sơ"),
        default=list,
        blank=True,
        help_text=_("Họ tên và chức vụ, đơn vị của từng người tham dự."),
    )
    failed_on = models.DateField(_("ngày xác định không có hồ sơ hợp lệ"), null=True, blank=True)
    failure_reason = models.TextField(_("lý do không có hồ sơ hợp lệ"), blank=True)

    class Meta:
        verbose_name = _("thông báo tuyển chọn")
        verbose_name_plural = _("thông báo tuyển chọn")
        ordering = ["task", "round"]
        constraints = [models.UniqueConstraint(fields=["task", "round"], name="uniq_call_round")]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.round}"


class Application(models.Model):
    """An application (hồ sơ đăng ký tuyển chọn) to a call, with its parties; for a direct
    assignment (giao trực tiếp) the designated host's dossier, with no call."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="applications"
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("thông báo tuyển chọn"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="applications",
    )
    host = models.ForeignKey(
        HostOrganisation,
        verbose_name=_("tổ chức đăng ký chủ trì"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    pi = models.ForeignKey(
        Investigator,
        verbose_name=_("chủ nhiệm"),
        on_delete=models.PROTECT,
        related_name="applications_led",
    )
    participants = models.ManyToManyField(
        Investigator,
        verbose_name=_("thành viên tham gia"),
        blank=True,
        related_name="applications_joined",
    )
    submitted_at = models.DateTimeField(_("nộp lúc"))
    submitted_by = _optional_fk(settings.AUTH_USER_MODEL, _("người nộp"), "+")
    state_budget = models.BigIntegerField(_("kinh phí đề nghị từ ngân sách (đồng)"), default=0)
    other_budget = models.BigIntegerField(_("kinh phí từ nguồn khác (đồng)"), default=0)
    valid = models.BooleanField(_("hợp lệ"), null=True)
    invalid_reason = models.TextField(_("lý do không hợp lệ"), blank=True)
    winner = models.BooleanField(_("trúng tuyển"), default=False)

    class Meta:
        verbose_name = _("hồ sơ đăng ký tuyển chọn")
        verbose_name_plural = _("hồ sơ đăng ký tuyển chọn")
        ordering = ["call", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "host"], name="uniq_application_call_host"),
            models.UniqueConstraint(
                fields=["task", "host"],
                condition=Q(call__isnull=True),
                name="uniq_direct_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call or self.task_id} – {self.host}"


def _task_file_to(instance, filename: str) -> str:
    return f"tasks/{instance.task_id}/{filename}"


class TaskDocument(StoredFile):
    """A file filed for a task (the proposal of an application, the revised proposal, the
    dossier finalised after the budget appraisal), checked on its content when uploaded
    (`workflows.uploads`); a new filing of the same kind supersedes the old one."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Thuyết minh nhiệm vụ (hồ sơ đăng ký)")
        REVISION = "revision", _("Thuyết minh hoàn thiện theo kết luận của Hội đồng tư vấn")
        FINALISED = "finalised", _("Hồ sơ hoàn thiện theo kết luận của Tổ thẩm định kinh phí")
        PROGRESS_REPORT = "progress_report", _("Báo cáo tiến độ thực hiện nhiệm vụ")
        SPENDING_REPORT = "spending_report", _("Báo cáo tình hình sử dụng kinh phí")
        INSPECTION_MINUTES = "inspection_minutes", _("Biên bản kiểm tra, đánh giá (đã ký)")
        CORRECTIONS_REPORT = (
            "corrections_report",
            _("Báo cáo hoàn thiện hồ sơ đánh giá, nghiệm thu"),
        )

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="documents"
    )
    application = _optional_fk(
        Application, _("hồ sơ đăng ký"), "documents", on_delete=models.CASCADE
    )
    inspection = _optional_fk(
        "Inspection", _("kiểm tra định kỳ"), "documents", on_delete=models.CASCADE
    )
    kind = models.CharField(_("loại tài liệu"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("tên tài liệu"), max_length=300)
    file = models.FileField(_("tệp"), upload_to=_task_file_to, max_length=200)
    is_current = models.BooleanField(_("bản hiện hành"), default=True)

    class Meta:
        verbose_name = _("tài liệu nhiệm vụ")
        verbose_name_plural = _("tài liệu nhiệm vụ")
        ordering = ["task", "kind", "-id"]
        indexes = [models.Index(fields=["task", "kind"], name="task_document_kind")]

    def __str__(self) -> str:
        return self.title


class Contract(models.Model):
    """The task's contract (model contract of TT 05/2014): number, dates, budget."""

    task = models.OneToOneField(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="contract"
    )
    number = models.CharField(_("số hợp đồng"), max_length=60, unique=True)
    signed_on = models.DateField(_("ngày ký"))
    effective_on = models.DateField(_("ngày có hiệu lực"))
    starts_on = models.DateField(_("thời gian thực hiện từ"))
    original_ends_on = models.DateField(_("ngày kết thúc theo hợp đồng ban đầu"))
    ends_on = models.DateField(_("ngày kết thúc (kể cả gia hạn)"))
    budget = models.BigIntegerField(_("kinh phí từ ngân sách (đồng)"))
    extended_months = models.PositiveSmallIntegerField(_("số tháng được gia hạn"), default=0)
    extension_decision = _optional_fk(Decision, _("quyết định gia hạn"), "+")

    class Meta:
        verbose_name = _("hợp đồng")
        verbose_name_plural = _("hợp đồng")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="contract_budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    """A budget instalment (đợt cấp kinh phí) of a contract."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("đợt"))
    due_on = models.DateField(_("dự kiến cấp"))
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    paid_on = models.DateField(_("ngày cấp"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt cấp kinh phí")
        verbose_name_plural = _("đợt cấp kinh phí")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="uniq_instalment"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} #{self.number}"


class Inspection(models.Model):
    """A periodic inspection (kiểm tra, đánh giá định kỳ, TT 04/2015) of a task."""

    class Outcome(models.TextChoices):
        ON_TRACK = "on_track", _("Đúng tiến độ, tiếp tục thực hiện")
        ADJUST = "adjust", _("Cần điều chỉnh")
        TERMINATE = "terminate", _("Đề nghị chấm dứt hợp đồng")

    class TeamRole(models.TextChoices):
        """Who sits on the inspection team (TT 04/2015 Art 5); the first four are its
        core members (`task_rules.CORE_TEAM_ROLES`), at least 3 present (Art 9(2))."""

        MANAGING_LEADER = "managing_leader", _("Lãnh đạo đơn vị quản lý nhiệm vụ")
        MANAGING_OFFICER = "managing_officer", _("Chuyên viên đơn vị quản lý nhiệm vụ")
        FINANCE_LEADER = "finance_leader", _("Lãnh đạo đơn vị quản lý kinh phí")
        FINANCE_OFFICER = "finance_officer", _("Chuyên viên đơn vị quản lý kinh phí")
        PROFESSIONAL = "professional", _("Đại diện đơn vị quản lý chuyên môn")
        PROPOSER = "proposer", _("Đại diện cơ quan đề xuất đặt hàng")
        OTHER = "other", _("Thành phần khác")

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="inspections"
    )
    number = models.PositiveSmallIntegerField(_("lần kiểm tra"))
    due_on = models.DateField(_("hạn kiểm tra định kỳ"))
    planned_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    notified_on = models.DateField(_("ngày thông báo cho tổ chức chủ trì"), null=True, blank=True)
    ended_on = models.DateField(_("ngày kết thúc kiểm tra"), null=True, blank=True)
    outcome = models.CharField(_("kết luận"), max_length=10, choices=Outcome.choices, blank=True)
    workload_confirmed_on = models.DateField(_("ngày xác nhận khối lượng"), null=True, blank=True)
    spending_confirmed_on = models.DateField(_("ngày xác nhận kinh phí"), null=True, blank=True)
    place = models.CharField(_("địa điểm kiểm tra"), max_length=200, blank=True)
    team = models.JSONField(
        _("đoàn kiểm tra (thành phần, có mặt)"),
        default=list,
        blank=True,
        help_text=_("Mỗi thành viên: họ tên, thành phần (TT 04/2015 Điều 5), có mặt hay vắng."),
    )
    host_leader = models.CharField(
        _("lãnh đạo tổ chức chủ trì tham dự"), max_length=120, blank=True
    )
    conclusion = models.TextField(_("kết luận của đoàn kiểm tra"), blank=True)
    workload_note = models.TextField(_("nội dung xác nhận khối lượng"), blank=True)
    spending_confirmed_amount = models.BigIntegerField(
        _("kinh phí được xác nhận (đồng)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("kiểm tra định kỳ")
        verbose_name_plural = _("kiểm tra định kỳ")
        ordering = ["task", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="uniq_inspection")]

    def __str__(self) -> str:
        return f"{self.task_id} – {self.number}"


class AcceptanceDossier(models.Model):
    """One filing of the acceptance dossier (hồ sơ đánh giá, nghiệm thu, TT 11/2014 Art 6–7)."""

    class Validity(models.TextChoices):
        PENDING = "pending", _("Chờ kiểm tra tính hợp lệ")
        SUPPLEMENT = "supplement", _("Chưa hợp lệ, yêu cầu bổ sung")
        VALID = "valid", _("Hợp lệ")

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="dossiers"
    )
    submitted_on = models.DateField(_("ngày nộp"))
    self_evaluation = models.TextField(_("tự đánh giá của tổ chức chủ trì"))
    validity = models.CharField(
        _("tính hợp lệ"), max_length=10, choices=Validity.choices, default=Validity.PENDING
    )
    notice_on = models.DateField(_("ngày thông báo tính hợp lệ"), null=True, blank=True)
    missing = models.JSONField(_("tài liệu cần bổ sung"), default=list, blank=True)

    class Meta:
        verbose_name = _("hồ sơ nghiệm thu")
        verbose_name_plural = _("hồ sơ nghiệm thu")
        ordering = ["task", "submitted_on", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} ({self.submitted_on:%d/%m/%Y})"


class RefundPayment(models.Model):
    """A payment refunding the state budget (nộp trả ngân sách) against the amount a
    termination or a "Không đạt" result set (TT 04/2015 Art 22(3)(c); TT 11/2014 Art 15(2))."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="refunds"
    )
    number = models.PositiveSmallIntegerField(_("lần nộp"))
    paid_on = models.DateField(_("ngày nộp"))
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    reference = models.CharField(_("số chứng từ nộp ngân sách"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("khoản hoàn trả kinh phí")
        verbose_name_plural = _("khoản hoàn trả kinh phí")
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="uniq_refund_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.number}: {self.amount:,}"
