"""REST API of the one-stop desk (registered on the project's router): the radiation
procedures and every other registered one-stop kind (`workflows.onestop.kinds`), e.g.
the registration of an S&T task's results, through the same endpoints.

Every endpoint that changes something is a thin call to one function of
`permits.services`; the services check the state and who may act. This module only
decides who may *see* a dossier (an applicant sees only their own: someone else's is a
404, with no data) and turns the services' errors into HTTP answers:

- `DomainError` → 400, `ActionForbidden` → 403, `TransitionRefused` → 409 (nothing
  changed), always as `{"detail": message, "code": code}`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from workflows.http import client_ip
from workflows.roles import is_staff_member
from workflows.selectors import compiled_rows

from . import access, lookup, selectors, services
from .models import ApologySlip, Dossier, Permit
from .serializers import (
    DATE_FORMATS,
    ApologySlipSerializer,
    DossierApologyDraftSerializer,
    DossierAppraisalSerializer,
    DossierAssignSerializer,
    DossierCreateSerializer,
    DossierDetailSerializer,
    DossierDocumentSerializer,
    DossierDocumentUploadSerializer,
    DossierErrorSerializer,
    DossierFeeSerializer,
    DossierListSerializer,
    DossierLookupRequestSerializer,
    DossierLookupResultSerializer,
    DossierNoteSerializer,
    DossierReasonsSerializer,
    DossierRequiredNoteSerializer,
    DossierReviewSerializer,
    DossierSupplementRequestSerializer,
    PermitRegisterSerializer,
)

TAG = "permits"

# the staff's steps: an applicant never reaches the service with them
STAFF_ACTIONS = frozenset(
    {
        "accept",
        "reject",
        "request_supplement",
        "record_fee",
        "assign",
        "record_appraisal",
        "review",
        "sign",
        "refuse",
        "return_to_review",
        "apologies",
        "issue",
    }
)

_ERROR = DossierErrorSerializer
ERR_400 = OpenApiResponse(_ERROR, description=_("Quy định của thủ tục không cho phép."))
ERR_403 = OpenApiResponse(_ERROR, description=_("Người dùng không có quyền thực hiện bước này."))
ERR_404 = OpenApiResponse(
    _ERROR, description=_("Không có hồ sơ này, hoặc hồ sơ không thuộc tài khoản đang đăng nhập.")
)
ERR_409 = OpenApiResponse(
    _ERROR,
    description=_("Hồ sơ không ở trạng thái cho phép thao tác này; hồ sơ không thay đổi."),
)


def _errors(*codes: int) -> dict:
    table = {400: ERR_400, 403: ERR_403, 404: ERR_404, 409: ERR_409}
    return {code: table[code] for code in codes}


class StaffOnlyActions(permissions.BasePermission):
    """The department's steps are for staff; checked on the object, after the dossier
    was found among those the user may see (someone else's dossier stays a 404)."""

    message = _("Chỉ cán bộ của Sở được thực hiện thao tác này.")
    code = "forbidden"

    def has_object_permission(self, request, view, obj) -> bool:
        return view.action not in STAFF_ACTIONS or is_staff_member(request.user)


# --- dossiers -------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("Danh sách hồ sơ một cửa"),
        description=_(
            "Tổ chức, cá nhân chỉ thấy hồ sơ của mình; cán bộ của Sở thấy mọi hồ sơ. "
            "Lọc theo status và kind."
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("Chi tiết hồ sơ"),
        description=_(
            "Thông tin hồ sơ, thiết bị, danh mục tài liệu, yêu cầu bổ sung, phiếu xin lỗi, "
            "giấy phép đã cấp và nhật ký xử lý. Mã tra cứu chỉ hiển thị cho chủ hồ sơ. "
            "Thông tin cá nhân, tài liệu đã nộp và văn bản chỉ hiển thị cho chủ hồ sơ và cán "
            "bộ có bước xử lý trong thủ tục (personal_data_shown)."
        ),
        responses={200: DossierDetailSerializer, **_errors(404)},
    ),
)
class DossierViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """One-stop dossiers: radiation work permits and worker certificates (Decree
    142/2020/NĐ-CP) and the other registered kinds."""

    queryset = Dossier.objects.all()
    lookup_field = "code"
    permission_classes = [permissions.IsAuthenticated, StaffOnlyActions]
    filterset_fields = ["status", "kind"]

    def _visible(self):
        """The dossiers this user may see: staff all of them, an applicant their own."""
        qs = Dossier.objects.select_related("check_clock", "result_clock")
        if getattr(self, "swagger_fake_view", False):
            return qs
        if not is_staff_member(self.request.user):
            qs = qs.filter(applicant=self.request.user)
        return qs

    def get_queryset(self):
        # what this user may see; the detail (its joins and related lists) is read by
        # `selectors.dossier_for_detail` once the dossier is found
        return self._visible()

    def get_object(self):
        """The dossier named in the URL if this user may see it (404 otherwise), read
        with SQL compiled once per process: every action starts here."""
        if getattr(self, "swagger_fake_view", False):
            return super().get_object()
        code = str(self.kwargs[self.lookup_field])
        user = self.request.user
        if is_staff_member(user):
            rows = compiled_rows(
                "permits.api.dossier",
                lambda c: Dossier.objects.select_related("check_clock", "result_clock").filter(
                    code=c
                ),
                code,
            )
        else:
            rows = compiled_rows(
                "permits.api.own_dossier",
                lambda c, u: Dossier.objects.select_related("check_clock", "result_clock").filter(
                    code=c, applicant_id=u
                ),
                code,
                user.pk,
            )
        if not rows:
            raise Http404
        self.check_object_permissions(self.request, rows[0])
        return rows[0]

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def get_serializer_class(self):
        return DossierListSerializer if self.action == "list" else DossierDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["is_staff"] = is_staff_member(self.request.user)
        return context

    def _detail(self, dossier: Dossier, http_status: int = status.HTTP_200_OK) -> Response:
        """The dossier as it is now, read again after the service committed."""
        fresh = selectors.dossier_for_detail(dossier.pk)
        return Response(self.get_serializer(fresh).data, status=http_status)

    def _input(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _act(self, request, service, serializer_class) -> Response:
        """One staff action: validate the input, call the one service with it, answer
        with the dossier as it is now. The input's field names are the service's
        keyword arguments."""
        dossier = self.get_object()
        data = self._input(serializer_class, request)
        service(dossier=dossier, actor=request.user, request_ip=client_ip(request), **data)
        return self._detail(dossier)

    # --- the applicant's steps ----------------------------------------------------------
    @extend_schema(
        tags=[TAG],
        summary=_("Tạo hồ sơ (bản nháp)"),
        description=_(
            "Tổ chức, cá nhân lập hồ sơ trực tuyến: thủ tục, thông tin tổ chức, thiết bị, "
            "nhân viên bức xạ, hồ sơ chứng chỉ nộp kèm, số giấy phép đề nghị gia hạn/sửa đổi. "
            "Sau đó tải tài liệu lên và nộp hồ sơ."
        ),
        request=DossierCreateSerializer,
        responses={201: DossierDetailSerializer, **_errors(400, 403)},
    )
    def create(self, request, *args, **kwargs):
        serializer = DossierCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.dossier_create(
            actor=request.user,
            request_ip=client_ip(request),
            **serializer.service_kwargs(request.user),
        )
        return self._detail(dossier, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary=_("Tải lên một thành phần hồ sơ"),
        description=_(
            "Chỉ khi hồ sơ đang soạn. Tải lại cùng thành phần sẽ thay tệp cũ. Giấy tờ có "
            "thời hạn (ví dụ giấy khám sức khỏe) phải có ngày cấp."
        ),
        request={"multipart/form-data": DossierDocumentUploadSerializer},
        responses={201: DossierDocumentSerializer, **_errors(400, 403, 404)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="documents",
        parser_classes=[MultiPartParser, FormParser],
    )
    def documents(self, request, code=None):
        dossier = self.get_object()
        data = self._input(DossierDocumentUploadSerializer, request)
        document = services.document_upload(
            dossier=dossier,
            item=data["item"],
            upload=data["file"],
            issued_on=data["issued_on"],
            actor=request.user,
            request_ip=client_ip(request),
        )
        return Response(DossierDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary=_("Nộp hồ sơ"),
        description=_(
            "Hồ sơ phải đủ các thành phần bắt buộc. Thời hạn kiểm tra tính đầy đủ theo danh "
            "mục thủ tục (05 ngày làm việc với hồ sơ bức xạ) tính từ ngày hôm sau."
        ),
        request=None,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, code=None):
        dossier = services.dossier_submit(
            dossier=self.get_object(), actor=request.user, request_ip=client_ip(request)
        )
        return self._detail(dossier)

    @extend_schema(
        tags=[TAG],
        summary=_("Nộp hồ sơ bổ sung"),
        description=_(
            "Gửi đúng và đủ các thành phần trong phiếu yêu cầu bổ sung, cùng một lần: mỗi "
            "thành phần là một trường tệp mang mã thành phần (ví dụ kiem-xa); ngày cấp của "
            "giấy tờ có thời hạn gửi trong trường issued_on.<mã thành phần> (YYYY-MM-DD)."
        ),
        request={
            "multipart/form-data": {
                "type": "object",
                "additionalProperties": {
                    "type": "string",
                    "description": "Tệp (format binary) hoặc ngày cấp issued_on.<mã>.",
                },
            }
        },
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="answer-supplement",
        parser_classes=[MultiPartParser, FormParser],
    )
    def answer_supplement(self, request, code=None):
        dossier = self.get_object()
        files = {name: request.FILES[name] for name in request.FILES}
        issued_on, errors = {}, {}
        reader = serializers.DateField(input_formats=DATE_FORMATS)
        for key in request.data:
            if not key.startswith("issued_on.") or key in request.FILES:
                continue
            value = request.data.get(key)
            if not value:
                continue
            try:
                issued_on[key.removeprefix("issued_on.")] = reader.run_validation(value)
            except ValidationError as exc:
                errors[key] = exc.detail
        if errors:
            raise ValidationError(errors)
        dossier = services.dossier_answer_supplement(
            dossier=dossier,
            actor=request.user,
            files=files,
            issued_on=issued_on,
            request_ip=client_ip(request),
        )
        return self._detail(dossier)

    # --- the department's steps ---------------------------------------------------------
    @extend_schema(
        tags=[TAG],
        summary=_("Tiếp nhận hồ sơ (cán bộ một cửa)"),
        description=_(
            "Hồ sơ đầy đủ, hợp lệ: lập giấy tiếp nhận và thông báo phí. Thời hạn giải quyết "
            "chờ đến khi nộp phí."
        ),
        request=DossierNoteSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, code=None):
        return self._act(request, services.dossier_accept, DossierNoteSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Từ chối tiếp nhận (Mẫu 03)"),
        request=DossierReasonsSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, code=None):
        return self._act(request, services.dossier_reject, DossierReasonsSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Yêu cầu bổ sung hồ sơ (Mẫu 02)"),
        description=_(
            "Cán bộ một cửa khi kiểm tra, hoặc chuyên viên khi thẩm định; liệt kê một lần mọi "
            "thành phần cần bổ sung. Thời hạn giải quyết tạm dừng."
        ),
        request=DossierSupplementRequestSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="request-supplement")
    def request_supplement(self, request, code=None):
        return self._act(
            request, services.dossier_request_supplement, DossierSupplementRequestSerializer
        )

    @extend_schema(
        tags=[TAG],
        summary=_("Xác nhận đã nộp phí thẩm định"),
        description=_("Thời hạn giải quyết tính từ ngày nộp phí."),
        request=DossierFeeSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="record-fee")
    def record_fee(self, request, code=None):
        return self._act(request, services.dossier_record_fee, DossierFeeSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Giao chuyên viên thẩm định"),
        description=_("Lãnh đạo phòng giao, hoặc chuyên viên tự nhận hồ sơ."),
        request=DossierAssignSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, code=None):
        return self._act(request, services.dossier_assign, DossierAssignSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Lập biên bản thẩm định"),
        request=DossierAppraisalSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="record-appraisal")
    def record_appraisal(self, request, code=None):
        return self._act(request, services.dossier_record_appraisal, DossierAppraisalSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Lãnh đạo phòng xem xét"),
        description=_("Trình lãnh đạo Sở ký, hoặc trả lại chuyên viên với lý do."),
        request=DossierReviewSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, code=None):
        return self._act(request, services.dossier_review, DossierReviewSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Ký cấp giấy phép / chứng chỉ"),
        description=_("Lãnh đạo Sở ký; giấy phép được vào sổ đăng ký với số hiệu."),
        request=DossierNoteSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, code=None):
        return self._act(request, services.dossier_sign, DossierNoteSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Ký văn bản từ chối cấp"),
        request=DossierReasonsSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, code=None):
        return self._act(request, services.dossier_refuse, DossierReasonsSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Trả lại lãnh đạo phòng"),
        request=DossierRequiredNoteSerializer,
        responses={200: DossierDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="return-to-review")
    def return_to_review(self, request, code=None):
        return self._act(request, services.dossier_return_to_review, DossierRequiredNoteSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Lập phiếu xin lỗi và hẹn lại (Mẫu 04)"),
        description=_(
            "Dự thảo phiếu cho hồ sơ có nguy cơ trễ hạn; phải phát hành chậm nhất 01 ngày làm "
            "việc trước ngày hẹn trả kết quả."
        ),
        request=DossierApologyDraftSerializer,
        responses={201: ApologySlipSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def apologies(self, request, code=None):
        dossier = self.get_object()
        data = self._input(DossierApologyDraftSerializer, request)
        slip = services.apology_draft(
            dossier=dossier,
            actor=request.user,
            reason=data["reason"],
            new_date=data["new_date"],
            request_ip=client_ip(request),
        )
        return Response(ApologySlipSerializer(slip).data, status=status.HTTP_201_CREATED)


# --- apology slips --------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("Phiếu xin lỗi và hẹn lại"),
        description=_(
            "Cán bộ thấy mọi phiếu (kể cả dự thảo); tổ chức, cá nhân chỉ thấy phiếu đã phát "
            "hành cho hồ sơ của mình."
        ),
    ),
    retrieve=extend_schema(tags=[TAG], summary=_("Một phiếu xin lỗi và hẹn lại")),
)
class ApologyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ApologySlip.objects.all()
    serializer_class = ApologySlipSerializer
    permission_classes = [permissions.IsAuthenticated, StaffOnlyActions]
    filterset_fields = ["state"]

    def get_queryset(self):
        qs = ApologySlip.objects.select_related("dossier").order_by("-drafted_at", "-id")
        if getattr(self, "swagger_fake_view", False):
            return qs
        user = self.request.user
        if is_staff_member(user):
            return qs
        qs = qs.filter(dossier__applicant=user)
        if self.action != "issue":  # the owner is told "forbidden", not "not found"
            qs = qs.filter(state=ApologySlip.State.ISSUED)
        return qs

    @extend_schema(
        tags=[TAG],
        summary=_("Phát hành phiếu xin lỗi và hẹn lại"),
        description=_(
            "Lãnh đạo phòng hoặc lãnh đạo Sở phát hành: ngày hẹn trả kết quả chuyển sang ngày "
            "mới, tổ chức, cá nhân được thông báo."
        ),
        request=None,
        responses={200: ApologySlipSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        slip = services.apology_issue(
            apology=self.get_object(), actor=request.user, request_ip=client_ip(request)
        )
        return Response(self.get_serializer(slip).data)


# --- register of issued permits -------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("Sổ đăng ký giấy phép, chứng chỉ đã cấp"),
        description=_(
            "Cán bộ thấy toàn bộ sổ; tổ chức, cá nhân chỉ thấy giấy phép, chứng chỉ của mình."
        ),
    ),
    retrieve=extend_schema(tags=[TAG], summary=_("Một giấy phép, chứng chỉ đã cấp")),
)
class PermitRegisterViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Permit.objects.all()
    serializer_class = PermitRegisterSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["state", "kind"]

    def get_queryset(self):
        qs = Permit.objects.select_related("dossier", "previous")
        if getattr(self, "swagger_fake_view", False):
            return qs
        user = self.request.user
        return qs if is_staff_member(user) else qs.filter(applicant=user)

    def get_serializer_context(self):
        # an applicant sees only their own entries; staff without a step in the
        # procedure get certificates without the holder's personal data
        context = super().get_serializer_context()
        user = self.request.user
        context["personal"] = not is_staff_member(user) or access.sees_personal_data(user)
        return context


# --- public lookup --------------------------------------------------------------------
class DossierLookupViewSet(viewsets.ViewSet):
    """Public status lookup by dossier code and the key printed on the receipt (the
    same selector and per-address limit as the public page, `permits.lookup`)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=_("Tra cứu tình trạng hồ sơ"),
        description=_(
            "Không cần đăng nhập: nhập mã hồ sơ và mã tra cứu in trên giấy tiếp nhận. Sai mã "
            "hồ sơ hay sai mã tra cứu đều trả về 404 như nhau; số lần tra cứu từ một địa chỉ "
            "bị giới hạn."
        ),
        request=DossierLookupRequestSerializer,
        responses={
            200: DossierLookupResultSerializer,
            400: OpenApiResponse(description=_("Thiếu mã hồ sơ hoặc mã tra cứu.")),
            404: OpenApiResponse(_ERROR, description=_("Mã hồ sơ hoặc mã tra cứu không đúng.")),
            429: OpenApiResponse(_ERROR, description=_("Tra cứu quá nhiều lần; thử lại sau.")),
        },
        auth=[],
    )
    def create(self, request):
        if not lookup.lookup_attempt_allowed(client_ip(request)):
            response = Response(
                {"detail": str(lookup.RATE_LIMITED_MESSAGE), "code": "throttled"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(int(getattr(settings, "LOOKUP_RATE_WINDOW_SECONDS", 60)))
            return response
        serializer = DossierLookupRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = lookup.dossier_lookup(data["code"], data["key"])
        if result is None:
            return Response(
                {"detail": str(lookup.NOT_FOUND_MESSAGE), "code": "not_found"},
                status=status.HTTP_404_NOT_FOUND,
            )
        # The facts are plain values (text, whole numbers, dates) under exactly the
        # serializer's names, which renders them the same (a test compares the two); a
        # serializer instance is some ninety objects in reference cycles (each field
        # bound to its parent), and at this endpoint's rate their collection was a
        # tenth of its time.
        return Response(result)


def register(router) -> None:
    """Add this app's viewsets to the project's DRF router; the public lookup first, as a
    request is matched against the routes in order (the busiest anonymous endpoint
    walked fifty of them before)."""
    router.register("permits/lookup", DossierLookupViewSet, basename="permits-lookup")
    router.register("permits/dossiers", DossierViewSet, basename="permits-dossier")
    router.register("permits/apologies", ApologyViewSet, basename="permits-apology")
    router.register("permits/register", PermitRegisterViewSet, basename="permits-register")
