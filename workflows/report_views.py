"""The quarterly report's staff pages: the preview of a quarter's draft (every generated
figure links to the records behind it, placeholders highlighted), the records of one
figure, and the downloads (.docx; the statistics .xlsx when `workflows.statistics` is
installed).

Who may see them: the director (and deputies), the heads of division, the office (Văn
phòng Sở: its staff, as the statistics count them: head, specialist, accountant or
one-stop officer of the division `van-phong`; workflows.roles has no office role),
superusers. Others get 403; a visitor the login page.

The workbook follows the statistics' own rules when `workflows.statistics_services` is
installed: the quarter's latest approved snapshot (chốt số liệu), else the live figures,
restricted to the divisions the user may see.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from viewflow.urls import Application

from .errors import ActionForbidden
from .periods import PeriodError, Quarter
from .quarterly_report import quarterly_report, report_docx
from .roles import Role, has_role, user_division

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# the office's division (the same code as workflows.statistics_services.OFFICE_DIVISION)
OFFICE_DIVISION = "van-phong"
OFFICE_ROLES = (Role.HEAD_OF_DIVISION, Role.SPECIALIST, Role.ACCOUNTANT, Role.ONE_STOP_OFFICER)


def may_see_report(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or has_role(user, Role.DIRECTOR, Role.HEAD_OF_DIVISION):
        return True
    return user_division(user) == OFFICE_DIVISION and has_role(user, *OFFICE_ROLES)


def statistics_module():
    """`workflows.statistics` when it is installed (another part of the product builds
    it), else None."""
    try:
        from . import statistics  # type: ignore[attr-defined]
    except ImportError:
        return None
    if not all(hasattr(statistics, n) for n in ("statistics_for_period", "statistics_workbook")):
        return None
    return statistics


def statistics_table(quarter: Quarter, *, user=None, as_of=None):
    """The quarter's statistics table for the workbook, and a note ("số liệu đã chốt, lần
    2") or "". With `workflows.statistics_services`: the latest approved snapshot (unless
    `as_of` asks for live figures as of a date), else the live figures as of the
    quarter's end (today, for an open quarter); for a `user`, restricted to the divisions
    they may see (ActionForbidden if none)."""
    statistics = statistics_module()
    if statistics is None:
        return None, ""
    try:
        from . import statistics_services as svc  # type: ignore[attr-defined]
    except ImportError:
        svc = None
    if svc is not None and user is not None and as_of is None:
        table, _snapshots = svc.statistics_view(quarter, user=user)
        return table, _snapshot_note(table)
    if svc is not None and as_of is None:
        snapshots = svc.snapshots_of(quarter)
        if snapshots:
            table = svc.snapshot_table(snapshots[0])
            return table, _snapshot_note(table)
    day = as_of or min(quarter.end, timezone.localdate())
    try:
        table = statistics.statistics_for_period(quarter, as_of=day)
    except TypeError:  # a statistics_for_period(quarter) without the date
        table = statistics.statistics_for_period(quarter)
    if user is not None and svc is not None:
        scope = svc.statistics_scope(user)
        if scope is not None:
            table = table.restricted(scope)
    return table, ""


def _snapshot_note(table) -> str:
    snapshot = getattr(table, "snapshot", None) or {}
    if not snapshot:
        return ""
    return _("số liệu đã chốt, lần %(v)s") % {"v": snapshot.get("version", "")}


def default_quarter() -> Quarter:
    """The last quarter that has ended."""
    return Quarter.containing(timezone.localdate()).previous()


def recent_quarters(n: int = 12) -> list[Quarter]:
    q, out = default_quarter(), []
    for _i in range(n):
        out.append(q)
        q = q.previous()
    return out


class ReportAccessMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self) -> bool:
        return may_see_report(self.request.user)

    def quarter_or_error(self, code: str):
        """The quarter of the URL and the report date of `?den-ngay=YYYY-MM-DD` (none:
        the quarter's end), or the error to show."""
        try:
            quarter = Quarter.parse(code)
        except PeriodError as exc:
            return None, str(exc)
        self.as_of = None
        text = self.request.GET.get("den-ngay", "").strip()
        if text:
            try:
                self.as_of = date.fromisoformat(text)
            except ValueError:
                return None, _("Ngày “%(d)s” không hợp lệ: ghi theo dạng YYYY-MM-DD.") % {"d": text}
            if self.as_of < quarter.end:
                return None, _("Ngày tính số liệu phải từ ngày cuối quý (%(d)s) trở đi.") % {
                    "d": f"{quarter.end:%d/%m/%Y}"
                }
        return quarter, None

    def report(self, quarter: Quarter):
        return quarterly_report(quarter, as_of=self.as_of)

    def query(self) -> str:
        return f"?den-ngay={self.as_of.isoformat()}" if self.as_of else ""

    def bad_period(self, message: str):
        return render(
            self.request,
            "workflows/quarterly_report.html",
            {"error": message, "quarters": recent_quarters(), "report": None},
            status=400,
        )


class ReportIndexView(ReportAccessMixin, View):
    """`?ky=2024-Q1` (the quarter chooser) or the last quarter that has ended."""

    def get(self, request):
        code = request.GET.get("ky", "").strip()
        if not code:
            return redirect("quarterly-report:preview", code=default_quarter().code)
        try:
            quarter = Quarter.parse(code)
        except PeriodError as exc:
            return self.bad_period(str(exc))
        url = reverse("quarterly-report:preview", args=[quarter.code])
        as_of = request.GET.get("den-ngay", "").strip()
        return redirect(url + (f"?{urlencode({'den-ngay': as_of})}" if as_of else ""))


class ReportPreviewView(ReportAccessMixin, View):
    def get(self, request, code: str):
        quarter, error = self.quarter_or_error(code)
        if error:
            return self.bad_period(error)
        report = self.report(quarter)
        return render(
            request,
            "workflows/quarterly_report.html",
            {
                "report": report,
                "quarters": recent_quarters(),
                "statistics_available": statistics_module() is not None,
                "query": self.query(),
                "as_of_value": self.as_of.isoformat() if self.as_of else "",
            },
        )


class ReportFigureView(ReportAccessMixin, View):
    """The records behind figure `n` of the quarter's report."""

    def get(self, request, code: str, n: int):
        quarter, error = self.quarter_or_error(code)
        if error:
            return self.bad_period(error)
        report = self.report(quarter)
        figure = report.figure(n)
        if figure is None:
            raise Http404(_("Không có số liệu này trong báo cáo."))
        return render(
            request,
            "workflows/quarterly_report_figure.html",
            {"report": report, "figure": figure, "n": n, "query": self.query()},
        )


class ReportDocxView(ReportAccessMixin, View):
    def get(self, request, code: str):
        quarter, error = self.quarter_or_error(code)
        if error:
            return self.bad_period(error)
        data = report_docx(self.report(quarter))
        response = HttpResponse(data, content_type=DOCX_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="bao-cao-quy-{quarter.number}-{quarter.year}.docx"'
        )
        return response


class ReportXlsxView(ReportAccessMixin, View):
    def get(self, request, code: str):
        quarter, error = self.quarter_or_error(code)
        if error:
            return self.bad_period(error)
        statistics = statistics_module()
        if statistics is None:
            raise Http404(_("Bảng thống kê chưa được cài đặt."))
        try:
            table, _note = statistics_table(quarter, user=request.user, as_of=self.as_of)
        except ActionForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        data = statistics.statistics_workbook(table)
        response = HttpResponse(data, content_type=XLSX_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-quy-{quarter.number}-{quarter.year}.xlsx"'
        )
        return response


urlpatterns = [
    path("can-bo/bao-cao-quy/", ReportIndexView.as_view(), name="index"),
    path("can-bo/bao-cao-quy/<str:code>/", ReportPreviewView.as_view(), name="preview"),
    path(
        "can-bo/bao-cao-quy/<str:code>/so-lieu/<int:n>/",
        ReportFigureView.as_view(),
        name="figure",
    ),
    path("can-bo/bao-cao-quy/<str:code>/bao-cao.docx", ReportDocxView.as_view(), name="docx"),
    path("can-bo/bao-cao-quy/<str:code>/thong-ke.xlsx", ReportXlsxView.as_view(), name="xlsx"),
]
app_name = "quarterly-report"


class QuarterlyReportApp(Application):
    """The report's entry in the staff Site's menu."""

    title = gettext_lazy("Báo cáo quý")
    icon = "description"
    app_name = "bao-cao-quy"
    menu_template_name = None

    @staticmethod
    def permission(user) -> bool:
        return not user.is_authenticated or may_see_report(user)

    index_path = path("", ReportIndexView.as_view(), name="index")
