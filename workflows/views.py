"""Staff pages of the engine, the in-app notification list and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied as django_permission_denied
from django.views.generic import ListView

from . import selectors
from .models import Division
from .roles import is_staff_member


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self) -> bool:
        return is_staff_member(self.request.user)


class DeadlineListView(StaffRequiredMixin, ListView):
    """The ledger for staff: overdue and due-soon obligations, filterable, paginated."""

    template_name = "workflows/deadline_list.html"
    paginate_by = 50
    context_object_name = "deadlines"
    views = {
        "overdue": _("Quá hạn"),
        "soon": _("Sắp đến hạn (2 ngày làm việc)"),
        "mine": _("Việc của tôi"),
        "all": _("Tất cả đang mở"),
    }

    def get_queryset(self):
        view = self.request.GET.get("view", "overdue")
        filters = {}
        division = self.request.GET.get("division")
        if division and division.isdigit():
            filters["division"] = int(division)
        procedure = self.request.GET.get("procedure")
        if procedure:
            filters["procedure_code"] = procedure
        if view == "mine":
            return selectors.deadlines_open(owner_user=self.request.user, **filters)
        if view == "soon":
            return selectors.deadlines_due_within(days=2, **filters)
        if view == "all":
            return selectors.deadlines_open(**filters)
        return selectors.deadlines_overdue(**filters)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            today=timezone.localdate(),
            current_view=self.request.GET.get("view", "overdue"),
            views=self.views,
            divisions=Division.objects.filter(is_active=True),
            by_division=selectors.deadline_counts(group_by="owner_division"),
            querystring=self.request.GET.copy(),
        )
        ctx["querystring"].pop("page", None)
        return ctx


def healthz(request):
    """Liveness and readiness: the database answers and the cache works."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, don't crash
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, "time": timezone.now()},
        status=200 if healthy else 503,
    )


def after_login(request):
    """Where a person lands after signing in: staff on the staff site, applicants on
    their own dossiers (settings.APPLICANT_HOME_URL)."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if is_staff_member(request.user) or request.user.is_superuser:
        return redirect("/")
    return redirect(settings.APPLICANT_HOME_URL)


def staff_home_url() -> str:
    """The staff site's landing page: the inbox of every procedure (the deadlines page
    when no procedure has registered a flow)."""
    for name in ("workflow:inbox", "deadlines:index"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return settings.LOGIN_URL


def home(request):
    """The front door `/`: an anonymous visitor to the login page, staff to their inbox,
    everyone else (applicants) to their dossiers."""
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    if is_staff_member(request.user):
        return redirect(staff_home_url())
    return redirect(settings.APPLICANT_HOME_URL)


def permission_denied(request, exception=None):
    """handler403: a visitor who is not signed in is sent to the login page (and back
    after it); a signed-in user who may not see the page gets the 403 page, in the
    user's language."""
    if not request.user.is_authenticated and request.method in ("GET", "HEAD"):
        return redirect_to_login(request.get_full_path())
    return django_permission_denied(request, exception)
