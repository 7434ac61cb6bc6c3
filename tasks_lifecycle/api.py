"""REST API of the councils, under /api/councils/ (registered on the project's router).

Every endpoint that changes something is a thin call to one service of
`tasks_lifecycle.services`, which decides who may act and checks the state. This module
decides only who may *see* a council: the council staff (secretaries of the managing
division, its head, the director) and the council's own members; for anyone else it
does not exist (404). Errors have the one shape of `workflows.api_errors` (400 a rule,
403 not your step, 404 not visible, 409 wrong state, nothing changed).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from workflows.api_serializers import Serializer
from workflows.errors import ActionForbidden

from . import access, documents, selectors, services
from .models import Ballot, Council, Expert, Membership, Paper, Tally

TAG = "councils"


# --- serializers ----------------------------------------------------------------------------
class CouncilExpertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["id", "full_name", "title", "organisation", "field", "email", "phone",
                  "relatives", "is_active"]  # fmt: skip
        read_only_fields = ["id"]


class CouncilSubjectSerializer(Serializer):
    title = serializers.CharField(max_length=400)
    pi_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    participants = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False
    )
    host_organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    task_type = serializers.ChoiceField(choices=["technology", "social", "project"], required=False)
    host_proposed = serializers.BooleanField(required=False)
    state_budget = serializers.IntegerField(min_value=0, required=False)
    past_excellent = serializers.BooleanField(required=False)
    contract_end = serializers.DateField(required=False, allow_null=True)
    dossier_submitted_on = serializers.DateField(required=False, allow_null=True)


class CouncilSubjectOutSerializer(CouncilSubjectSerializer):
    id = serializers.IntegerField(read_only=True)


class CouncilMemberOutSerializer(Serializer):
    id = serializers.IntegerField()
    expert = serializers.IntegerField(source="expert_id")
    name = serializers.CharField(source="expert.__str__")
    organisation = serializers.CharField(source="expert.organisation")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    reviews_subject = serializers.IntegerField(source="reviews_subject_id", allow_null=True)
    declared_at = serializers.DateTimeField(allow_null=True)
    on_board = serializers.BooleanField()
    board_chief = serializers.BooleanField()


class CouncilPaperOutSerializer(Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class CouncilTallyOutSerializer(Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    supersedes = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmations = serializers.JSONField()
    data = serializers.JSONField()


class CouncilListSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.code")
    status_label = serializers.CharField(source="get_status_display")
    next_due_on = serializers.DateField(read_only=True, default=None)
    next_due_title = serializers.CharField(read_only=True, default="")

    class Meta:
        model = Council
        fields = ["id", "code", "title", "kind", "status", "status_label", "meeting_on",
                  "decision_number", "decision_date", "next_due_on", "next_due_title"]  # fmt: skip


class CouncilDetailSerializer(CouncilListSerializer):
    subjects = CouncilSubjectOutSerializer(many=True, read_only=True)
    members = serializers.SerializerMethodField()
    papers = CouncilPaperOutSerializer(many=True, read_only=True)
    attendance = serializers.SerializerMethodField()
    tallies = serializers.SerializerMethodField()
    conclusion = serializers.CharField()

    class Meta(CouncilListSerializer.Meta):
        fields = [
            *CouncilListSerializer.Meta.fields,
            *("meeting_place", "subjects", "members", "papers", "attendance", "tallies"),
            *("conclusion", "vice_chair_authorised"),
        ]

    @extend_schema_field(CouncilMemberOutSerializer(many=True))
    def get_members(self, council):
        active = [m for m in council.memberships.all() if m.removed_at is None]
        return CouncilMemberOutSerializer(active, many=True).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_attendance(self, council):
        a = council.attendances.order_by("-id").first()
        if a is None:
            return None
        return {"rows": a.rows, "quorum_met": a.quorum_met, "problems": a.problems}

    @extend_schema_field(CouncilTallyOutSerializer(many=True))
    def get_tallies(self, council):
        """The tallies carry the ballots: only for who may read them (the secretary and
        the board before publication)."""
        request = self.context["request"]
        if not access.reads_ballots(request.user, council):
            return []
        return [tally_data(t) for t in council.tallies.order_by("-number")]


def tally_data(t: Tally) -> dict:
    return {
        "id": t.pk,
        "number": t.number,
        "supersedes": t.supersedes_id,
        "reason": t.reason,
        "outcome": t.outcome,
        "outcome_label": t.outcome_label,
        "confirmed_at": t.confirmed_at,
        "confirmations": t.confirmations,
        "data": t.data,
    }


class CouncilCreateSerializer(Serializer):
    kind = serializers.ChoiceField(
        choices=[
            "identification",
            "selection",
            "acceptance",
            "budget_appraisal",
            "inspection",
            "advisory",
        ]  # fmt: skip
    )
    title = serializers.CharField(max_length=300)
    meeting_on = serializers.DateField(required=False, allow_null=True)
    meeting_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    subjects = CouncilSubjectSerializer(many=True)


class CouncilMemberAddSerializer(Serializer):
    expert = serializers.IntegerField()
    role = serializers.ChoiceField(
        choices=["chair", "vice_chair", "reviewer", "secretary", "member"]
    )
    reviews_subject = serializers.IntegerField(required=False, allow_null=True)


class CouncilReasonSerializer(Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CouncilConstituteSerializer(Serializer):
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    meeting_on = serializers.DateField(required=False, allow_null=True)


class CouncilPaperUploadSerializer(Serializer):
    title = serializers.CharField(max_length=300)
    file = serializers.FileField()


class CouncilDeclareSerializer(Serializer):
    no_conflict = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CouncilReviewSerializer(Serializer):
    subject = serializers.IntegerField()
    text = serializers.CharField(max_length=20000)
    questions = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CouncilReviewRecordSerializer(CouncilReviewSerializer):
    membership = serializers.IntegerField()


class CouncilMembershipRefSerializer(Serializer):
    membership = serializers.IntegerField()


class CouncilAttendanceSerializer(Serializer):
    present = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    vice_chair_authorised = serializers.BooleanField(required=False, default=False)


class CouncilBoardSerializer(Serializer):
    members = serializers.ListField(child=serializers.IntegerField(), min_length=3, max_length=3)
    chief = serializers.IntegerField()


class CouncilBallotSerializer(Serializer):
    subject = serializers.IntegerField()
    values = serializers.JSONField(
        help_text=_(
            'Nghiệm thu, ý kiến: {"vote": "xuat_sac"|"dat"|"khong_dat"}; xác định: '
            '{"contents": {"cap_thiet": "dat", …}}; tuyển chọn: {"tong_quan": 10, …}.'
        )
    )


class CouncilBallotEnterSerializer(CouncilBallotSerializer):
    membership = serializers.IntegerField()
    invalid_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    values = serializers.JSONField(required=False, default=dict)


class CouncilBallotOutSerializer(Serializer):
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id")
    subject = serializers.IntegerField(source="subject_id")
    channel = serializers.CharField()
    values = serializers.JSONField()
    form = serializers.JSONField()
    cast_at = serializers.DateTimeField()


class CouncilTallySerializer(Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    conclusion = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=30)


class CouncilConfirmSerializer(Serializer):
    membership = serializers.IntegerField(
        required=False, help_text=_("Thư ký ghi nhận chữ ký của thành viên ban kiểm phiếu.")
    )


class CouncilCloseSerializer(Serializer):
    conclusion = serializers.CharField(required=False, allow_blank=True, max_length=20000)


# --- the viewsets --------------------------------------------------------------------------
class CouncilStaff(permissions.BasePermission):
    message = _("Chỉ thư ký hội đồng và lãnh đạo Phòng Quản lý khoa học được xem mục này.")

    def has_permission(self, request, view) -> bool:
        return access.is_council_staff(request.user)


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary=_("Cơ sở dữ liệu chuyên gia")),
    create=extend_schema(tags=[TAG], summary=_("Thêm chuyên gia vào cơ sở dữ liệu")),
    retrieve=extend_schema(tags=[TAG], summary=_("Một chuyên gia")),
)
class ExpertViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    serializer_class = CouncilExpertSerializer
    permission_classes = [permissions.IsAuthenticated, CouncilStaff]
    queryset = Expert.objects.order_by("full_name", "id")


def _detail(view, council: Council, status_code: int = 200) -> Response:
    """The council after the action, as the actor now sees it (a member who has just
    withdrawn sees only its code and status)."""
    found = view.get_queryset().filter(pk=council.pk).first()
    if found is None:
        fresh = Council.objects.select_related("kind").get(pk=council.pk)
        return Response(CouncilListSerializer(fresh).data, status=status_code)
    council = found
    return Response(
        CouncilDetailSerializer(council, context=view.get_serializer_context()).data,
        status=status_code,
    )


def _input(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _membership(council: Council, pk) -> Membership:
    return get_object_or_404(Membership, pk=pk, council=council, removed_at__isnull=True)


def _subject(council: Council, pk):
    return get_object_or_404(council.subjects, pk=pk)


ACTION = {"tags": [TAG], "responses": {200: CouncilDetailSerializer}}


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("Hội đồng của tôi"),
        description=_(
            "Thư ký: các hội đồng mình phụ trách, kèm việc đến hạn tiếp theo; thành viên: "
            "các hội đồng mình tham gia."
        ),
    ),
    retrieve=extend_schema(tags=[TAG], summary=_("Chi tiết hội đồng")),
)
class CouncilViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return CouncilDetailSerializer if self.action != "list" else CouncilListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Council.objects.none()
        user = self.request.user
        qs = selectors.councils_visible(user)
        if self.action == "list":
            return selectors.with_next_due(qs)
        return qs.prefetch_related(
            "subjects",
            "papers",
            Prefetch("memberships", queryset=Membership.objects.select_related("expert")),
        )

    @extend_schema(tags=[TAG], summary=_("Lập hội đồng"), request=CouncilCreateSerializer,
                   responses={201: CouncilDetailSerializer})  # fmt: skip
    def create(self, request):
        data = _input(CouncilCreateSerializer, request)
        council = services.council_create(
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            meeting_on=data.get("meeting_on"),
            meeting_place=data.get("meeting_place", ""),
            decision_number=data.get("decision_number", ""),
            decision_date=data.get("decision_date"),
            subjects=data["subjects"],
        )
        return _detail(self, council, 201)

    @extend_schema(summary=_("Thêm thành viên (kiểm tra xung đột lợi ích)"),
                   request=CouncilMemberAddSerializer, **ACTION)  # fmt: skip
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilMemberAddSerializer, request)
        expert = get_object_or_404(Expert, pk=data["expert"])
        subject = (
            _subject(council, data["reviews_subject"]) if data.get("reviews_subject") else None
        )
        services.council_member_add(
            council=council, actor=request.user, expert=expert, role=data["role"],
            reviews_subject=subject,
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(
        summary=_("Rút thành viên khỏi danh sách"), request=CouncilReasonSerializer, **ACTION
    )
    @action(detail=True, methods=["post"], url_path=r"members/(?P<member>\d+)/remove")
    def member_remove(self, request, pk=None, member=None):
        council = self.get_object()
        data = _input(CouncilReasonSerializer, request)
        services.council_member_remove(
            council=council, actor=request.user, membership=_membership(council, member),
            reason=data.get("reason", ""),
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(summary=_("Thành lập hội đồng (kiểm tra thành phần)"),
                   request=CouncilConstituteSerializer, **ACTION)  # fmt: skip
    @action(detail=True, methods=["post"])
    def constitute(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilConstituteSerializer, request)
        services.council_constitute(council=council, actor=request.user, **data)
        return _detail(self, council)

    @extend_schema(
        summary=_("Tải lên tài liệu họp"),
        request={"multipart/form-data": CouncilPaperUploadSerializer},
        **ACTION,
    )  # noqa: E501
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def papers(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilPaperUploadSerializer, request)
        services.council_paper_upload(
            council=council, actor=request.user, title=data["title"], upload=data["file"]
        )
        return _detail(self, council)

    @extend_schema(tags=[TAG], summary=_("Tải tài liệu họp (thành viên đã ký cam kết, cán bộ)"),
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})  # fmt: skip
    @action(detail=True, methods=["get"], url_path=r"papers/(?P<paper>\d+)/file")
    def paper_file(self, request, pk=None, paper=None):
        council = self.get_object()
        paper = get_object_or_404(Paper, pk=paper, council=council)
        services.council_paper_open(paper=paper, actor=request.user)
        return paper_response(paper)

    @extend_schema(summary=_("Gửi tài liệu cho thành viên"), request=None, **ACTION)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def send_papers(self, request, pk=None):
        council = self.get_object()
        services.council_papers_dispatch(council=council, actor=request.user)
        return _detail(self, council)

    @extend_schema(
        summary=_("Thành viên kê khai xung đột lợi ích"), request=CouncilDeclareSerializer, **ACTION
    )  # noqa: E501
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilDeclareSerializer, request)
        services.council_member_declare(
            council=council, actor=request.user, no_conflict=data["no_conflict"],
            reason=data.get("reason", ""),
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(
        summary=_("Thành viên gửi phiếu nhận xét"), request=CouncilReviewSerializer, **ACTION
    )
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilReviewSerializer, request)
        services.council_review_submit(
            council=council, actor=request.user, subject=_subject(council, data["subject"]),
            text=data["text"], questions=data.get("questions", ""),
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(summary=_("Thư ký ghi nhận phiếu nhận xét nhận bằng giấy hoặc thư điện tử"),
                   request=CouncilReviewRecordSerializer, **ACTION)  # fmt: skip
    @action(detail=True, methods=["post"], url_path="reviews/record")
    def review_record(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilReviewRecordSerializer, request)
        services.council_review_record(
            council=council, actor=request.user,
            membership=_membership(council, data["membership"]),
            subject=_subject(council, data["subject"]), text=data["text"],
            questions=data.get("questions", ""),
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(summary=_("Thư ký ghi nhận cam kết không xung đột lợi ích ký trên giấy"),
                   request=CouncilMembershipRefSerializer, **ACTION)  # fmt: skip
    @action(detail=True, methods=["post"], url_path="declarations/record")
    def declaration_record(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilMembershipRefSerializer, request)
        services.council_declaration_record(
            council=council, actor=request.user,
            membership=_membership(council, data["membership"]),
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(summary=_("Điểm danh và khai mạc (kiểm tra điều kiện họp)"),
                   request=CouncilAttendanceSerializer, **ACTION)  # fmt: skip
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilAttendanceSerializer, request)
        services.council_attendance_record(
            council=council, actor=request.user, present=dict.fromkeys(data["present"], True),
            vice_chair_authorised=data["vice_chair_authorised"],
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(summary=_("Bầu ban kiểm phiếu"), request=CouncilBoardSerializer, **ACTION)
    @action(detail=True, methods=["post"])
    def board(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilBoardSerializer, request)
        services.council_board_elect(
            council=council, actor=request.user,
            memberships=[_membership(council, m) for m in data["members"]],
            chief=_membership(council, data["chief"]),
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(
        tags=[TAG],
        summary=_("Phiếu đánh giá"),
        description=_(
            "GET: chỉ thư ký và ban kiểm phiếu đọc được trước khi công bố kết quả. "
            "POST: thành viên có mặt bỏ phiếu trực tuyến."
        ),
        methods=["GET"],
        responses={200: CouncilBallotOutSerializer(many=True)},
    )
    @extend_schema(methods=["POST"], summary=_("Thành viên bỏ phiếu trực tuyến"),
                   request=CouncilBallotSerializer, **ACTION)  # fmt: skip
    @action(detail=True, methods=["get", "post"])
    def ballots(self, request, pk=None):
        council = self.get_object()
        if request.method == "GET":
            if not access.reads_ballots(request.user, council):
                raise ActionForbidden(
                    _("Phiếu đánh giá chỉ thư ký và ban kiểm phiếu được xem trước khi công bố."),
                    code="ballots_sealed",
                )
            ballots = Ballot.objects.filter(council=council, void=False).order_by("id")
            return Response(CouncilBallotOutSerializer(ballots, many=True).data)
        data = _input(CouncilBallotSerializer, request)
        services.council_ballot_cast(
            council=council, actor=request.user, subject=_subject(council, data["subject"]),
            values=data["values"] or {},
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(
        summary=_("Thư ký nhập phiếu giấy"), request=CouncilBallotEnterSerializer, **ACTION
    )
    @action(detail=True, methods=["post"], url_path="ballots/enter")
    def ballot_enter(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilBallotEnterSerializer, request)
        services.council_ballot_enter(
            council=council, actor=request.user,
            membership=_membership(council, data["membership"]),
            subject=_subject(council, data["subject"]), values=data.get("values") or {},
            invalid_reason=data.get("invalid_reason", ""),
        )  # fmt: skip
        return _detail(self, council)

    @extend_schema(summary=_("Kiểm phiếu (hoặc kiểm phiếu lại, có lý do)"),
                   request=CouncilTallySerializer, **ACTION)  # fmt: skip
    @action(detail=True, methods=["post"])
    def tally(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilTallySerializer, request)
        services.council_tally_compute(council=council, actor=request.user, **data)
        return _detail(self, council)

    @extend_schema(
        summary=_("Ban kiểm phiếu xác nhận kết quả"), request=CouncilConfirmSerializer, **ACTION
    )  # noqa: E501
    @action(detail=True, methods=["post"], url_path="tally/confirm")
    def tally_confirm(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilConfirmSerializer, request)
        if data.get("membership"):
            services.council_tally_confirm_paper(
                council=council, actor=request.user,
                membership=_membership(council, data["membership"]),
            )  # fmt: skip
        else:
            services.council_tally_confirm(council=council, actor=request.user)
        return _detail(self, council)

    @extend_schema(summary=_("Công bố kết quả"), request=None, **ACTION)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        council = self.get_object()
        services.council_publish(council=council, actor=request.user)
        return _detail(self, council)

    @extend_schema(
        summary=_("Gửi kết luận, hoàn thành biên bản"), request=CouncilCloseSerializer, **ACTION
    )  # noqa: E501
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        council = self.get_object()
        data = _input(CouncilCloseSerializer, request)
        services.council_close(council=council, actor=request.user, **data)
        return _detail(self, council)

    @extend_schema(tags=[TAG], summary=_("Biên bản họp hội đồng (PDF)"),
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})  # fmt: skip
    @action(detail=True, methods=["get"], url_path="minutes")
    def minutes(self, request, pk=None):
        council = self.get_object()
        return pdf_response(documents.minutes_for(council, request.user), council, "bien-ban")

    @extend_schema(tags=[TAG], summary=_("Biên bản kiểm phiếu (PDF)"),
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})  # fmt: skip
    @action(detail=True, methods=["get"], url_path="vote-count")
    def vote_count(self, request, pk=None):
        council = self.get_object()
        return pdf_response(
            documents.vote_count_for(council, request.user), council, "bien-ban-kiem-phieu"
        )


def paper_response(paper: Paper) -> FileResponse:
    response = FileResponse(
        paper.file.open("rb"), content_type=paper.content_type, as_attachment=True,
        filename=paper.original_name,
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(content: bytes, council: Council, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{stem}-{council.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def register(router) -> None:
    """Add this app's viewsets to the project's DRF router (experts first: /api/councils/
    experts/ is not a council)."""
    router.register("councils/experts", ExpertViewSet, basename="councils-expert")
    router.register("councils", CouncilViewSet, basename="councils-council")
