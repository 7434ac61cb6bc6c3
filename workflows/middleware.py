"""Request guards and security headers shared by every page and API endpoint.

`BadInputMiddleware` refuses, before any view runs, a request that carries a NUL byte or
another control character where no person can type one: the path, the query string, the
form fields and file names, a JSON body, the request headers, and the user name and
password of `Authorization: Basic`. PostgreSQL cannot store a NUL in text, so without
this guard such a value reached the database and answered a 500. The answer is a 400
with the reason in Vietnamese (JSON in the API's error shape under /api/).

`SecurityHeadersMiddleware` adds the headers Django's own SecurityMiddleware does not:
Content-Security-Policy on HTML answers (with a per-request nonce for the few inline
scripts), Permissions-Policy, and `Cache-Control: no-store` on the pages and API answers
that carry personal data.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import re
import secrets

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# C0 controls and DEL; tab, line feed and carriage return are allowed in field values
# (a textarea sends them) but never in a path, a header or a name.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ANYWHERE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_HEADER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # tab is legal in a header
_JSON_TYPES = ("application/json", "application/problem+json")
_MAX_JSON_DEPTH = 64

# Where a refused character was, named in the refusal; translated only when one is refused
# (evaluating them for every header of every request cost 20-odd gettext calls).
_IN_JSON = gettext_lazy("dữ liệu JSON")
_IN_JSON_KEY = gettext_lazy("tên trường JSON")
_IN_USERNAME = gettext_lazy("tên đăng nhập")
_IN_PASSWORD = gettext_lazy("mật khẩu")
_IN_PATH = gettext_lazy("đường dẫn")
_IN_HEADER = gettext_lazy("tiêu đề HTTP")
_IN_QUERY = gettext_lazy("tham số truy vấn")
_IN_FIELD_NAME = gettext_lazy("tên trường")
_IN_FIELD = gettext_lazy("trường dữ liệu")
_IN_FILE_NAME = gettext_lazy("tên tệp")


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class _Refused(Exception):
    def __init__(self, where: str, field: str | None = None):
        super().__init__(where)
        self.where = where
        self.field = field


def _refused_message(where: str) -> str:
    return _(
        "Yêu cầu bị từ chối: %(where)s chứa ký tự điều khiển (ví dụ ký tự NUL) không được "
        "phép. Vui lòng nhập lại bằng chữ, số và dấu câu thông thường."
    ) % {"where": where}


def bad_request(request, message: str, *, code: str, field: str | None = None):
    """A 400 with the reason: JSON in the API's error shape under /api/, a small page
    elsewhere."""
    if is_api_path(request.path_info or ""):
        body = {"detail": message, "code": code}
        if field:
            body["errors"] = {field: [message]}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    title = _("Yêu cầu không hợp lệ")
    html = (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body><h1>{escape(title)}</h1><p>{escape(message)}</p>"
        f'<p><a href="/">{escape(_("Về trang chủ"))}</a></p></body></html>'
    )
    return HttpResponse(html, status=400, content_type="text/html; charset=utf-8")


def _check_text(value, where: str, field: str | None = None, *, pattern=_CONTROL_IN_TEXT):
    if isinstance(value, str) and pattern.search(value):
        raise _Refused(where, field)


_CONTROL_IN_JSON = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # + lone surrogates
_CONTROL_JSON_KEY = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _check_json(value, depth: int = 0, path: str = "") -> None:
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(value, str):
        _check_text(value, _IN_JSON, path or None, pattern=_CONTROL_IN_JSON)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            _check_text(key, _IN_JSON_KEY, name, pattern=_CONTROL_JSON_KEY)
            _check_json(item, depth + 1, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, depth + 1, f"{path}.{i}" if path else str(i))


def _check_basic_auth(header: str) -> None:
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return
    try:
        decoded = base64.b64decode(token.strip(), validate=False)
    except (binascii.Error, ValueError):
        return  # malformed: the authentication class answers 401/403
    for encoding in ("utf-8", "latin-1"):
        try:
            text = decoded.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    user, _sep, password = text.partition(":")
    _check_text(user, _IN_USERNAME, "username", pattern=_CONTROL_ANYWHERE)
    _check_text(password, _IN_PASSWORD, "password", pattern=_CONTROL_ANYWHERE)


def _inspect(request) -> None:
    _check_text(request.path_info, _IN_PATH, pattern=_CONTROL_ANYWHERE)
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and _CONTROL_IN_HEADER.search(value):
            raise _Refused(_IN_HEADER, key[5:].lower())
    if "HTTP_AUTHORIZATION" in request.META:
        _check_basic_auth(request.META["HTTP_AUTHORIZATION"])
    for key, values in request.GET.lists():
        _check_text(key, _IN_QUERY, key, pattern=_CONTROL_ANYWHERE)
        for value in values:
            _check_text(value, _IN_QUERY, key)
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    content_type = (request.content_type or "").lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, values in request.POST.lists():
            _check_text(key, _IN_FIELD_NAME, key, pattern=_CONTROL_ANYWHERE)
            for value in values:
                _check_text(value, _IN_FIELD, key)
        for key, files in request.FILES.lists():
            _check_text(key, _IN_FIELD_NAME, key, pattern=_CONTROL_ANYWHERE)
            for upload in files:
                _check_text(upload.name or "", _IN_FILE_NAME, key, pattern=_CONTROL_ANYWHERE)
    elif content_type in _JSON_TYPES or content_type.endswith("+json"):
        body = request.body
        if not body:
            return
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return  # not JSON: the parser of the view answers 400
        _check_json(data)


class BadInputMiddleware:
    """Refuse control characters at every entry point with a 400 and the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            _inspect(request)
        except _Refused as refused:
            return bad_request(
                request, _refused_message(refused.where), code="bad_input", field=refused.field
            )
        except RequestDataTooBig:
            return bad_request(
                request,
                _("Dữ liệu gửi lên quá lớn (tối đa %(n)s byte).")
                % {"n": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}".replace(",", ".")},
                code="too_large",
            )
        except MultiPartParserError as error:
            if "header size" in str(error):  # Django's 1,024-byte limit per part header
                return bad_request(
                    request,
                    _(
                        "Tên tệp tải lên quá dài (phần tiêu đề của mỗi tệp tối đa 1.024 byte, "
                        "khoảng 900 chữ cái không dấu). Vui lòng đổi tên tệp cho ngắn hơn rồi "
                        "tải lên lại."
                    ),
                    code="file_name_too_long",
                )
            return bad_request(
                request,
                _("Dữ liệu gửi lên không đúng định dạng, không đọc được."),
                code="malformed",
            )
        except (SuspiciousOperation, UnicodeDecodeError):
            return bad_request(
                request,
                _("Dữ liệu gửi lên không đúng định dạng, không đọc được."),
                code="malformed",
            )
        return self.get_response(request)


# --- security headers ---------------------------------------------------------------
# Inline event handlers of viewflow's own templates (the "Back" buttons); allowed by
# their hash only, so no other inline script can run.
VIEWFLOW_INLINE_HANDLERS = (
    "window.history.back(-1)",
    "window.history.back(-1);setTimeout(()=>Turbo.visit('.'), 100)",
)


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


@functools.cache
def _policy_around_nonce() -> tuple[str, str]:
    """The policy before and after its nonce, built once (the handlers' hashes and the
    joins were some thirty calls on every HTML answer)."""
    handlers = " ".join(_sha256(s) for s in VIEWFLOW_INLINE_HANDLERS)
    policy = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-@NONCE@' 'unsafe-hashes' {handlers}",
            # viewflow's Material components and our pages set style attributes
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    before, after = policy.split("@NONCE@")
    return before, after


def content_security_policy(nonce: str) -> str:
    before, after = _policy_around_nonce()
    return before + nonce + after


def _carries_personal_data(path: str) -> bool:
    prefixes = getattr(settings, "NO_STORE_PATH_PREFIXES", ())
    return any(path.startswith(p) for p in prefixes)


class SecurityHeadersMiddleware:
    """CSP on HTML, Permissions-Policy, `Cache-Control: no-store` on personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if (
            getattr(settings, "CSP_ENABLED", True)
            and content_type.startswith("text/html")
            and "Content-Security-Policy" not in response
        ):
            response["Content-Security-Policy"] = content_security_policy(request.csp_nonce)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        user = getattr(request, "user", None)
        if (
            getattr(settings, "NO_STORE_PERSONAL_DATA", True)
            and (
                _carries_personal_data(request.path_info or "")
                or (user is not None and user.is_authenticated)
            )
            and not _never_cached(response)  # a view's `never_cache` did it already
        ):
            add_never_cache_headers(response)  # no-store, no-cache, private, max-age=0
        return response


_NEVER_CACHE = ("max-age=0", "no-cache", "no-store", "must-revalidate", "private")


def _never_cached(response) -> bool:
    value = response.get("Cache-Control", "")
    return "Expires" in response and all(token in value for token in _NEVER_CACHE)


# --- login throttling (django-axes) ---------------------------------------------------
def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Đăng nhập sai quá %(limit)s lần nên tài khoản hoặc địa chỉ này tạm bị khóa đăng "
        "nhập. Vui lòng thử lại sau %(minutes)s phút, hoặc liên hệ bộ phận một cửa của Sở."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


def login_lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a 429 with the Vietnamese reason (JSON under /api/)."""
    message = lockout_message()
    if is_api_path(request.path_info or ""):
        response = JsonResponse(
            {"detail": message, "code": "locked_out"},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        title = _("Tạm khóa đăng nhập")
        response = HttpResponse(
            f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>'
            f"{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
            f"<p>{escape(message)}</p></body></html>",
            status=429,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
