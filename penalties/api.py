"""REST API of the penalty procedure (registered on the project's router, under
`/api/penalties/…`).

Every endpoint that changes something is a thin call to one function of
`penalties.services`, which checks the state and who may act; refusals come back in
the one error shape of `workflows.api_errors` (400 business rule, 403 no step, 404 not
visible, 409 wrong state with nothing changed). Only roles with a step in the
procedure see cases at all.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from workflows.api_errors import error_response
from workflows.http import client_ip
from workflows.lookup_limit import RATE_LIMITED_MESSAGE, lookup_attempt_allowed

from . import access, lookup, services
from .models import Inspection, PenaltyCase
from .selectors import cases_with_money
from .serializers import (
    CaseDetailSerializer,
    CaseListSerializer,
    CaseOpenSerializer,
    DeliverySerializerIn,
    EnforcementSerializer,
    InspectionSerializer,
    InstalmentsSerializer,
    LookupRequestSerializer,
    LookupResultSerializer,
    NoteSerializer,
    PaymentSerializer,
    PostponementSerializer,
    ProposeSerializer,
    ReasonSerializer,
    RequiredNoteSerializer,
    SignSerializer,
    StatementResultSerializer,
    StatementUploadSerializer,
)

TAG = "penalties"
E400 = error_response(_("Quy định của thủ tục không cho phép."))
E403 = error_response(_("Người dùng không có bước xử lý này."))
E404 = error_response(_("Không có hồ sơ xử phạt này."))
E409 = error_response(_("Hồ sơ không ở trạng thái cho phép thao tác này; không có gì thay đổi."))
ACTION_ERRORS = {400: E400, 403: E403, 404: E404, 409: E409}


class HoldsAStep(permissions.BasePermission):
    """Only roles with a step in the procedure see penalty cases."""

    message = _("Chỉ Thanh tra Sở, lãnh đạo Sở và kế toán được xem hồ sơ xử phạt.")

    def has_permission(self, request, view) -> bool:
        return access.sees_cases(request.user)


def _act(summary: str, serializer, description: str = ""):
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description,
        request=serializer,
        responses={200: CaseDetailSerializer, **ACTION_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("Sổ theo dõi quyết định xử phạt"),
        description=_(
            "Số tiền phạt, đã nộp, tiền chậm nộp đến hôm nay, giai "
            "đoạn, ngày tiếp theo. Lọc theo status."
        ),
        responses={200: CaseListSerializer(many=True), 403: E403},
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("Chi tiết hồ sơ xử phạt"),
        responses={200: CaseDetailSerializer, 403: E403, 404: E404},
    ),
)
class PenaltyCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Penalty cases, from the violation record to payment or the time bar."""

    permission_classes = [permissions.IsAuthenticated, HoldsAStep]
    filterset_fields = ["status"]
    queryset = PenaltyCase.objects.none()

    def get_queryset(self):
        return cases_with_money().order_by("-id")

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def _answer(self, case, http_status=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("deliveries").get(pk=case.pk)
        return Response(
            CaseDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=http_status,
        )

    def _run(self, request, service, serializer_class=None, **extra):
        case = self.get_object()
        data = {}
        if serializer_class is not None:
            s = serializer_class(data=request.data)
            s.is_valid(raise_exception=True)
            data = dict(s.validated_data)
        case = service(
            case=case, actor=request.user, request_ip=client_ip(request), **data, **extra
        )
        return self._answer(case)

    @extend_schema(
        tags=[TAG],
        summary=_("Lập biên bản vi phạm hành chính (mở hồ sơ)"),
        request=CaseOpenSerializer,
        responses={201: CaseDetailSerializer, 400: E400, 403: E403},
    )
    def create(self, request):
        s = CaseOpenSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        case = services.case_open(
            actor=request.user,
            violator=services.Violator(
                d["violator_name"],
                d["violator_is_organisation"],
                d["violator_address"],
                d["violator_id_number"],
            ),
            record_number=d["record_number"],
            record_on=d["record_on"],
            violation=d["violation"],
            legal_article=d["legal_article"],
            transferred=d["transferred"],
            inspection=d["inspection"],
            request_ip=client_ip(request),
        )
        return self._answer(case, status.HTTP_201_CREATED)

    @_act(_("Yêu cầu giải trình"), NoteSerializer)
    @action(detail=True, methods=["post"], url_path="request-explanation")
    def request_explanation(self, request, pk=None):
        return self._run(request, services.explanation_request, NoteSerializer)

    @_act(_("Ghi nhận giải trình"), RequiredNoteSerializer)
    @action(detail=True, methods=["post"], url_path="record-explanation")
    def record_explanation(self, request, pk=None):
        return self._run(request, services.explanation_record, RequiredNoteSerializer)

    @_act(_("Gia hạn ra quyết định (vụ việc đặc biệt phức tạp)"), ReasonSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._run(request, services.decision_extend, ReasonSerializer)

    @_act(_("Trình ký quyết định xử phạt"), ProposeSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._run(request, services.decision_propose, ProposeSerializer)

    @_act(_("Trả lại dự thảo quyết định"), ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_draft(self, request, pk=None):
        return self._run(request, services.decision_return, ReasonSerializer)

    @_act(
        _("Ký quyết định xử phạt"),
        SignSerializer,
        _("Quyết định vượt thẩm quyền của người ký (theo số tiền) bị từ chối kèm lý do."),
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self._run(request, services.decision_sign, SignSerializer)

    @_act(
        _("Ghi nhận giao quyết định"),
        DeliverySerializerIn,
        _("Từ chối nhận (có biên bản) hoặc lần thứ ba bưu chính trả lại được coi là đã giao."),
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self._run(request, services.delivery_record, DeliverySerializerIn)

    @_act(_("Ghi nhận chứng từ nộp tiền phạt (Kho bạc)"), PaymentSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._run(request, services.payment_record, PaymentSerializer)

    @_act(_("Quyết định về đề nghị nộp phạt nhiều lần"), InstalmentsSerializer)
    @action(detail=True, methods=["post"])
    def instalments(self, request, pk=None):
        case = self.get_object()
        s = InstalmentsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        d["schedule"] = [(i["due"], i["amount"]) for i in d["schedule"]]
        case = services.instalments_decide(
            case=case, actor=request.user, request_ip=client_ip(request), **d
        )
        return self._answer(case)

    @_act(_("Quyết định về đề nghị hoãn thi hành"), PostponementSerializer)
    @action(detail=True, methods=["post"])
    def postponement(self, request, pk=None):
        return self._run(request, services.postponement_decide, PostponementSerializer)

    @_act(_("Gửi văn bản đôn đốc"), None)
    @action(detail=True, methods=["post"])
    def reminder(self, request, pk=None):
        return self._run(request, services.reminder_send)

    @_act(_("Hoàn thành chuẩn bị cưỡng chế"), RequiredNoteSerializer)
    @action(detail=True, methods=["post"], url_path="prepare-enforcement")
    def prepare_enforcement(self, request, pk=None):
        return self._run(request, services.enforcement_prepare, RequiredNoteSerializer)

    @_act(_("Ra quyết định cưỡng chế"), EnforcementSerializer)
    @action(detail=True, methods=["post"])
    def enforce(self, request, pk=None):
        return self._run(request, services.enforcement_decide, EnforcementSerializer)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("Kết luận, quyết định, kế hoạch thanh tra"),
        responses={200: InspectionSerializer(many=True), 403: E403},
    ),
    create=extend_schema(
        tags=[TAG],
        summary=_("Ghi kết luận / quyết định thanh tra"),
        request=InspectionSerializer,
        responses={201: InspectionSerializer, 400: E400, 403: E403},
    ),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Inspection conclusions, surprise-check decisions, plans and penalty proposals."""

    permission_classes = [permissions.IsAuthenticated, HoldsAStep]
    serializer_class = InspectionSerializer
    queryset = Inspection.objects.all()

    def create(self, request):
        s = InspectionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        inspection = services.inspection_create(actor=request.user, **s.validated_data)
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class StatementViewSet(viewsets.ViewSet):
    """The accountant imports the State Treasury's statement."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        summary=_("Nhập sao kê Kho bạc (CSV hoặc Excel)"),
        description=_(
            "Mỗi dòng khớp với quyết định theo số quyết định; dòng trùng "
            "chứng từ bị từ chối, dòng không khớp được báo lại."
        ),
        request={"multipart/form-data": StatementUploadSerializer},
        responses={201: StatementResultSerializer, 400: E400, 403: E403},
    )
    def create(self, request):
        s = StatementUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        upload = s.validated_data["file"]
        if upload.size > services.MAX_STATEMENT_BYTES:
            return Response(
                {"detail": str(_("Tệp sao kê quá lớn (tối đa 2 MB).")), "code": "file_too_large"},
                status=400,
            )
        result = services.statement_import(
            actor=request.user,
            file_name=upload.name,
            content=upload.read(),
            request_ip=client_ip(request),
        )
        return Response(StatementResultSerializer(result).data, status=status.HTTP_201_CREATED)


class PenaltyLookupViewSet(viewsets.ViewSet):
    """Public lookup of the amount due by decision number and key (no personal data)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=_("Tra cứu số tiền phạt phải nộp"),
        description=_(
            "Không cần đăng nhập: số quyết định và mã tra cứu in trên quyết "
            "định. Sai số hay sai mã đều trả về 404; số lần tra cứu từ một "
            "địa chỉ bị giới hạn."
        ),
        request=LookupRequestSerializer,
        responses={
            200: LookupResultSerializer,
            400: E400,
            404: error_response(lookup.NOT_FOUND_MESSAGE),
            429: error_response(RATE_LIMITED_MESSAGE),
        },
        auth=[],
    )
    def create(self, request):
        if not lookup_attempt_allowed(client_ip(request)):
            response = Response(
                {"detail": str(RATE_LIMITED_MESSAGE), "code": "throttled"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(int(getattr(settings, "LOOKUP_RATE_WINDOW_SECONDS", 60)))
            return response
        s = LookupRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        result = lookup.penalty_lookup(s.validated_data["decision_number"], s.validated_data["key"])
        if result is None:
            return Response(
                {"detail": str(lookup.NOT_FOUND_MESSAGE), "code": "not_found"},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(LookupResultSerializer(result).data)


def register(router) -> None:
    router.register("penalties/cases", PenaltyCaseViewSet, basename="penalties-case")
    router.register("penalties/inspections", InspectionViewSet, basename="penalties-inspection")
    router.register("penalties/statements", StatementViewSet, basename="penalties-statement")
    router.register("penalties/lookup", PenaltyLookupViewSet, basename="penalties-lookup")
