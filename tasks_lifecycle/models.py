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


def _paper_upload_to(instance, filename: str) -> str:
    return f"councils/{instance.council_id}/{secrets.token_hex(16)}.{filename.rsplit('.', 1)[-1]}"


class Paper(models.Model):
    """A file of the meeting's papers, served only to the council's members and staff."""

    council = models.ForeignKey(
        Council, verbose_name=_("hội đồng"), on_delete=models.CASCADE, related_name="papers"
    )
    title = models.CharField(_("tên tài liệu"), max_length=300)
    file = models.FileField(_("tệp"), upload_to=_paper_upload_to, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("định dạng"), max_length=40)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

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


class Counter(models.Model):
    """Named sequences (council codes)."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
