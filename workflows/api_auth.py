"""Authentication of the REST API: the session of the pages, and HTTP Basic for
integrations behind django-axes' login throttle.

Kept apart from `workflows.api_errors`: DRF imports these classes while it loads its own
views, so this module imports nothing of DRF's views or of drf-spectacular.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.authentication import BasicAuthentication, SessionAuthentication


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check of every login through a web door (login page, admin, API
    Basic): they all pass the request. A call without one (a management command, the
    test client's `login()`) is not a login attempt from the network, and is left to
    the next backend."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ApiSessionAuthentication(SessionAuthentication):
    """Session authentication that lets a failed `Authorization: Basic` answer 401 with
    `WWW-Authenticate`, while a visitor with no credentials keeps the 403 of the
    browsable pages (DRF asks the first authentication class for that header)."""

    def authenticate_header(self, request):
        if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("basic "):
            return 'Basic realm="api"'
        return None


class ThrottledBasicAuthentication(BasicAuthentication):
    """HTTP Basic for API clients, behind django-axes' login throttle: a locked-out
    account or address is refused at once (429, no password hashed), and every answer
    is in Vietnamese."""

    def authenticate_credentials(self, userid, password, request=None):
        from axes.handlers.proxy import AxesProxyHandler
        from django.conf import settings

        from workflows.middleware import lockout_message

        if request is not None and settings.AXES_ENABLED:
            http_request = getattr(request, "_request", request)
            AxesProxyHandler.update_request(http_request)
            if not AxesProxyHandler.is_allowed(http_request, {"username": userid}):
                raise LockedOut(lockout_message())
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed as exc:
            if request is not None and getattr(request, "axes_locked_out", False):
                raise LockedOut(lockout_message()) from exc
            raise exceptions.AuthenticationFailed(
                _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
            ) from exc


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = gettext_lazy("Tạm khóa đăng nhập.")

    def __init__(self, detail=None, code=None):
        from django.conf import settings

        super().__init__(detail, code)
        self.wait = int(settings.AXES_COOLOFF_TIME.total_seconds())  # → Retry-After
