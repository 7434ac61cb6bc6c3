"""Staff pages of the engine, the in-app notification list and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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
