"""REST API of the assignments from the People's Committee (`/api/directives/…`).

Every endpoint that changes something is a thin call to one function of
`directives.services` (or the import), which checks the state and who may act; refusals
come back in the one error shape of `workflows.api_errors` (400 a rule, 403 not your
step, 404 not visible, 409 wrong state, nothing changed). Roles without a step in the
procedure see no assignment at all (403).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from workflows.api_errors import error_response
from workflows.http import client_ip

from . import access, imports, selectors, services
from .models import Assignment
from .serializers import (
    AssignmentAssignSerializer,
    AssignmentCancelSerializer,
    AssignmentCompleteSerializer,
    AssignmentCreateSerializer,
    AssignmentDetailSerializer,
    AssignmentExtendSerializer,
    AssignmentImportResultSerializer,
    AssignmentImportUploadSerializer,
    AssignmentListSerializer,
    AssignmentNoteInSerializer,
    ProgressNoteSerializer,
)

TAG = "directives"
E400 = error_response(_("Quy định không cho phép (lý do trong detail)."))
E403 = error_response(_("Người dùng không có bước xử lý này."))
E404 = error_response(_("Không có nhiệm vụ này, hoặc không thuộc quyền xem của người dùng."))
E409 = error_response(_("Nhiệm vụ không ở trạng thái cho phép thao tác này; không có gì thay đổi."))
ACTION_ERRORS = {400: E400, 403: E403, 404: E404, 409: E409}


class HoldsAStep(permissions.BasePermission):
    message = _(
        "Chỉ Văn phòng Sở, lãnh đạo Sở và cán bộ các phòng được xem nhiệm vụ UBND tỉnh giao."
    )

    def has_permission(self, request, view) -> bool:
        return access.sees_register(request.user)


def _act(summary: str, serializer, *, multipart: bool = False):
    return extend_schema(
        tags=[TAG],
        summary=summary,
        request={"multipart/form-data": serializer} if multipart else serializer,
        responses={200: AssignmentDetailSerializer, **ACTION_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("Sổ theo dõi nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao"),
        description=_("Lọc theo status."),
        responses={200: AssignmentListSerializer(many=True), 403: E403},
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("Chi tiết nhiệm vụ"),
        responses={200: AssignmentDetailSerializer, 403: E403, 404: E404},
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assignments from the provincial People's Committee and its Chairman."""

    permission_classes = [permissions.IsAuthenticated, HoldsAStep]
    filterset_fields = ["status"]
    queryset = Assignment.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.register(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related("notes__author", "extensions")
        return qs

    def get_serializer_class(self):
        return AssignmentListSerializer if self.action == "list" else AssignmentDetailSerializer

    def _answer(self, assignment, http_status=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentDetailSerializer(fresh).data, status=http_status)

    def _run(self, request, service, serializer_class):
        assignment = self.get_object()
        s = serializer_class(data=request.data)
        s.is_valid(raise_exception=True)
        service(
            assignment=assignment,
            actor=request.user,
            request_ip=client_ip(request),
            **s.validated_data,
        )
        return self._answer(assignment)

    @extend_schema(
        tags=[TAG],
        summary=_("Vào sổ nhiệm vụ"),
        request=AssignmentCreateSerializer,
        responses={201: AssignmentDetailSerializer, 400: E400, 403: E403},
    )
    def create(self, request):
        s = AssignmentCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        a = services.assignment_create(
            actor=request.user,
            supporting_divisions=d.pop("supporting_divisions", []),
            officer=d.pop("officer", None),
            request_ip=client_ip(request),
            **d,
        )
        return self._answer(a, status.HTTP_201_CREATED)

    @_act(_("Phân công, phân công lại cán bộ thực hiện"), AssignmentAssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(request, services.assignment_assign, AssignmentAssignSerializer)

    @extend_schema(
        tags=[TAG],
        summary=_("Ghi nhận tiến độ (có thể kèm tệp PDF, JPEG, PNG)"),
        request={
            "multipart/form-data": AssignmentNoteInSerializer,
            "application/json": AssignmentNoteInSerializer,
        },
        responses={201: ProgressNoteSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        assignment = self.get_object()
        s = AssignmentNoteInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        note = services.assignment_note_add(
            assignment=assignment,
            actor=request.user,
            text=s.validated_data["text"],
            file=s.validated_data.get("file"),
            request_ip=client_ip(request),
        )
        return Response(ProgressNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @_act(_("Gia hạn (hạn mới, lý do, văn bản đồng ý của UBND tỉnh)"), AssignmentExtendSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._run(request, services.assignment_extend, AssignmentExtendSerializer)

    @_act(_("Báo cáo hoàn thành với văn bản của Sở"), AssignmentCompleteSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._run(request, services.assignment_complete, AssignmentCompleteSerializer)

    @_act(_("Dừng thực hiện (UBND tỉnh thu hồi)"), AssignmentCancelSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._run(request, services.assignment_cancel, AssignmentCancelSerializer)


class ImportViewSet(viewsets.ViewSet):
    """The office imports its assignment book."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        summary=_("Nhập sổ theo dõi nhiệm vụ (.xlsx, .csv)"),
        description=_(
            "Dòng nào sai thì không nhiệm vụ nào được nhập; errors.lines liệt kê từng dòng, "
            "từng cột cần sửa."
        ),
        request={"multipart/form-data": AssignmentImportUploadSerializer},
        responses={201: AssignmentImportResultSerializer, 400: E400, 403: E403},
    )
    def create(self, request):
        s = AssignmentImportUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        upload = s.validated_data["file"]
        if upload.size > 5 * 1024 * 1024:
            return Response(
                {"detail": str(_("Tệp lớn hơn 5 MB.")), "code": "file_too_large"}, status=400
            )
        try:
            result = imports.assignments_import(
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
                request_ip=client_ip(request),
            )
        except imports.ImportRefused as exc:
            return Response(
                {"detail": str(exc), "code": exc.code, "errors": {"lines": exc.problems}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            AssignmentImportResultSerializer(result).data, status=status.HTTP_201_CREATED
        )


def register(router) -> None:
    router.register("directives/assignments", AssignmentViewSet, basename="directives-assignment")
    router.register("directives/imports", ImportViewSet, basename="directives-import")
