"""One shape for every error of the REST API, and its place in the OpenAPI schema.

Every refused API request is answered with JSON::

    {"detail": "Lý do, bằng tiếng Việt.", "code": "invalid", "errors": {"field": ["…"]}}

`detail` is always there and says what to do; `code` is a stable machine code
(`invalid`, `not_authenticated`, `authentication_failed`, `permission_denied` /
`forbidden`, `not_found`, `transition_refused`, `throttled`, `bad_input`, …); `errors`
is there when particular fields were refused, keyed by the field's path
(`devices.0.serial_number`). The same shape answers a 404, 403 or 500 on any path under
/api/, outside DRF's views too.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from drf_spectacular.authentication import BasicScheme, SessionScheme
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workflows.api_serializers import Serializer
from workflows.errors import ActionForbidden, DomainError, TransitionRefused
from workflows.middleware import is_api_path

logger = logging.getLogger(__name__)

ERROR_COMPONENT = "Error"
DOCUMENTED_ERRORS = {
    400: gettext_lazy("Dữ liệu gửi lên không hợp lệ, hoặc quy định của thủ tục không cho phép."),
    401: gettext_lazy("Chưa đăng nhập, hoặc tên đăng nhập/mật khẩu không đúng."),
    403: gettext_lazy("Người dùng không có quyền thực hiện thao tác này."),
    404: gettext_lazy("Không tìm thấy, hoặc không thuộc quyền xem của người dùng."),
    409: gettext_lazy("Trạng thái hiện tại không cho phép thao tác này; không có gì thay đổi."),
}


class ApiErrorSerializer(Serializer):
    """The body of every refused API request."""

    detail = serializers.CharField(help_text=gettext_lazy("Lý do, bằng tiếng Việt."))
    code = serializers.CharField(
        help_text=gettext_lazy(
            "Mã lỗi ổn định cho máy đọc, ví dụ: invalid, not_found, forbidden, "
            "transition_refused, throttled, bad_input."
        )
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("Lỗi theo từng trường (đường dẫn trường → các lý do)."),
    )


def error_response(description) -> OpenApiResponse:
    return OpenApiResponse(ApiErrorSerializer, description=description)


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"a.0.b": ["…"]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix and name != "non_field_errors" else name
            if prefix and name == "non_field_errors":
                path = prefix
            for k, v in _flatten(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(str(i) for i in detail)
        else:
            for i, item in enumerate(detail):
                if item in ({}, []):
                    continue
                for k, v in _flatten(item, f"{prefix}.{i}" if prefix else str(i)).items():
                    out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _first_code(detail) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            code = _first_code(value)
            if code:
                return code
    elif isinstance(detail, list):
        for value in detail:
            code = _first_code(value)
            if code:
                return code
    else:
        return getattr(detail, "code", None)
    return None


def exception_handler(exc, context):
    """DRF's handler, plus the domain's refusals, answering in the one error shape."""
    if isinstance(exc, DomainError):
        if isinstance(exc, ActionForbidden):
            http_status = status.HTTP_403_FORBIDDEN
        elif isinstance(exc, TransitionRefused):
            http_status = status.HTTP_409_CONFLICT
        else:
            http_status = status.HTTP_400_BAD_REQUEST
        return Response({"detail": str(exc), "code": exc.code}, status=http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Không tìm thấy."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.items()), None)
        if first is None:
            message = _("Dữ liệu gửi lên không hợp lệ.")
        elif first[0] == "non_field_errors":
            message = first[1][0]
        else:
            message = _("Dữ liệu gửi lên không hợp lệ (trường “%(field)s”: %(reason)s).") % {
                "field": first[0],
                "reason": first[1][0],
            }
        response.data = {"detail": message, "code": "invalid", "errors": errors}
        return response
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict | list):
        errors = _flatten(detail)
        message = next(iter(errors.values()), [str(exc)])[0]
        response.data = {"detail": message, "code": _first_code(detail) or "error"}
    else:
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail if detail is not None else exc), "code": code}
    return response


class ApiSessionScheme(SessionScheme):
    target_class = "workflows.api_auth.ApiSessionAuthentication"


class ThrottledBasicScheme(BasicScheme):
    target_class = "workflows.api_auth.ThrottledBasicAuthentication"


# --- JSON answers for /api/ paths outside DRF's views ---------------------------------
def _json(code: str, message: str, http_status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": message, "code": code},
        status=http_status,
        json_dumps_params={"ensure_ascii": False},
    )


def handler400(request, exception=None):
    if is_api_path(request.path_info or ""):
        return _json("bad_request", _("Yêu cầu không hợp lệ."), 400)
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if is_api_path(request.path_info or ""):
        return _json("permission_denied", _("Người dùng không có quyền truy cập."), 403)
    from workflows.views import permission_denied  # the pages' own 403 (login redirect)

    return permission_denied(request, exception)


def handler404(request, exception=None):
    if is_api_path(request.path_info or ""):
        return _json("not_found", _("Không tìm thấy địa chỉ này trong API."), 404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api_path(request.path_info or ""):
        return _json("server_error", _("Lỗi máy chủ; sự cố đã được ghi lại."), 500)
    return defaults.server_error(request)


# --- the schema ---------------------------------------------------------------------
def _error_schema() -> dict:
    return {
        "type": "object",
        "description": "Mọi yêu cầu API bị từ chối đều trả lời bằng thân JSON này.",
        "properties": {
            "detail": {"type": "string", "description": "Lý do, bằng tiếng Việt."},
            "code": {
                "type": "string",
                "description": "Mã lỗi ổn định cho máy đọc (invalid, not_found, forbidden, "
                "transition_refused, throttled, bad_input, …).",
            },
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Lỗi theo từng trường: đường dẫn trường → các lý do.",
            },
        },
        "required": ["detail", "code"],
    }


def schema_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents 400, 401, 403,
    404 and 409 (and any other 4xx it declares) with the one error body."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = _error_schema()
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "put", "post", "patch", "delete", "head", "options"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in DOCUMENTED_ERRORS.items():
                responses.setdefault(str(code), {"description": str(description)})
            for code, response in responses.items():
                if str(code).startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": ref}}
    return result
