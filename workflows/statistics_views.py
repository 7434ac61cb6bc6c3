"""The statistics pages of the staff site (`/thong-ke/`): a quarter's figures by
procedure, field or division, approving them, the snapshot versions, the export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from viewflow.urls import Application

from . import statistics_services as svc
from .errors import ActionForbidden, DomainError
from .models import StatisticsExport
from .periods import PeriodError, Quarter
from .statistics import GROUPINGS, N_COLUMNS, statistics_workbook

GROUPING_LABELS = {
    "procedure": gettext_lazy("Theo thủ tục"),
    "field": gettext_lazy("Theo lĩnh vực"),
    "division": gettext_lazy("Theo đơn vị"),
}
FIRST_QUARTER = Quarter(2024, 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quarters() -> list[Quarter]:
    """From the current quarter back to the first one with records (newest first)."""
    q, out = Quarter.containing(timezone.localdate()), []
    while q >= FIRST_QUARTER and len(out) < 40:
        out.append(q)
        q = q.previous()
    return out


def _quarter(request) -> Quarter:
    text = request.GET.get("period") or request.POST.get("period")
    if not text:
        current = Quarter.containing(timezone.localdate())
        return current.previous() if current.previous() >= FIRST_QUARTER else current
    return Quarter.parse(text)


def _version(request) -> int | None:
    text = request.GET.get("version") or request.POST.get("version") or ""
    if not text:
        return None
    if not text.isdigit():
        raise PeriodError(_("Lần chốt “%(v)s” không hợp lệ.") % {"v": text})
    return int(text)


def _index_url(quarter: Quarter, **params) -> str:
    query = {"period": quarter.code, **{k: v for k, v in params.items() if v not in (None, "")}}
    return reverse("thong-ke:index") + "?" + urlencode(query)


class _StaffView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not svc.may_see_statistics(request.user):
            raise PermissionDenied(
                _("Chỉ lãnh đạo Sở, Văn phòng Sở và lãnh đạo phòng được xem số liệu thống kê TTHC.")
            )
        try:
            return super().dispatch(request, *args, **kwargs)
        except PeriodError as exc:
            return HttpResponseBadRequest(str(exc))
        except ActionForbidden as exc:
            raise PermissionDenied(str(exc)) from exc


def _page(request, quarter: Quarter, *, status: int = 200, error: str = ""):
    by = request.GET.get("by", "procedure")
    if by not in GROUPINGS:
        by = "procedure"
    live = request.GET.get("live") == "1"
    table, snapshots = svc.statistics_view(
        quarter, user=request.user, version=_version(request), live=live
    )
    job = None
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        job = StatisticsExport.objects.filter(pk=int(job_id), requested_by=request.user).first()
    groups = table.grouped(by)
    context = {
        "quarter": quarter,
        "quarters": _quarters(),
        "table": table,
        "groups": groups,
        "total": table.total,
        "by": by,
        "groupings": [
            (key, label, _index_url(quarter, by=key, live="1" if live else ""))
            for key, label in GROUPING_LABELS.items()
        ],
        "snapshots": snapshots,
        "snapshot": table.snapshot,
        "closed": svc.quarter_is_closed(quarter),
        "may_approve": svc.may_approve(request.user),
        "numbers": [f"({n})" for n in range(1, N_COLUMNS + 1)],
        "live_url": _index_url(quarter, by=by, live="1"),
        "snapshot_url": _index_url(quarter, by=by),
        "xlsx_url": reverse("thong-ke:xlsx")
        + "?"
        + urlencode(
            {
                "period": quarter.code,
                **({"live": "1"} if live else {}),
                **({"version": table.snapshot["version"]} if table.snapshot else {}),
            }
        ),
        "direct_export": len(table.rows) <= svc.DIRECT_EXPORT_MAX_ROWS,
        "live": live or not table.snapshot,
        "job": job,
        "error": error,
    }
    return render(request, "workflows/statistics.html", context, status=status)


class StatisticsView(_StaffView):
    def get(self, request):
        try:
            return _page(request, _quarter(request))
        except DomainError as exc:
            if isinstance(exc, ActionForbidden):
                raise
            return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")


class ApproveView(_StaffView):
    def post(self, request):
        quarter = _quarter(request)
        try:
            snapshot = svc.statistics_approve(
                quarter=quarter, actor=request.user, note=request.POST.get("note", "")
            )
        except ActionForbidden:
            raise
        except DomainError as exc:
            return _page(request, quarter, status=409, error=str(exc))
        messages.success(
            request,
            _("Đã chốt số liệu %(q)s, lần %(v)s.") % {"q": quarter.label, "v": snapshot.version},
        )
        return redirect(_index_url(quarter))


class XlsxView(_StaffView):
    """The workbook at once (small tables); larger ones go through the export job."""

    def get(self, request):
        quarter = _quarter(request)
        try:
            table, _snapshots = svc.statistics_view(
                quarter,
                user=request.user,
                version=_version(request),
                live=request.GET.get("live") == "1",
            )
        except ActionForbidden:
            raise
        except DomainError as exc:
            return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
        if len(table.rows) > svc.DIRECT_EXPORT_MAX_ROWS:
            return HttpResponse(
                _("Bảng lớn: hãy dùng “Tạo tệp Excel” để xuất dưới nền."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        name = f"thong-ke-tthc-{quarter.code}"
        if table.snapshot:
            name += f"-lan-{table.snapshot['version']}"
        response = HttpResponse(statistics_workbook(table), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


class ExportStartView(_StaffView):
    def post(self, request):
        quarter = _quarter(request)
        try:
            job = svc.statistics_export_start(
                quarter=quarter,
                actor=request.user,
                version=_version(request),
                live=request.POST.get("live") == "1",
            )
        except ActionForbidden:
            raise
        except DomainError as exc:
            return _page(request, quarter, status=409, error=str(exc))
        return redirect(_index_url(quarter, job=job.pk, live=request.POST.get("live", "")))


def _job_json(job: StatisticsExport) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "message": job.message,
        "url": reverse("thong-ke:export-file", args=[job.pk])
        if job.status == StatisticsExport.Status.DONE
        else "",
    }


class ExportStatusView(_StaffView):
    def get(self, request, pk: int):
        try:
            job = svc.export_of(pk, user=request.user)
        except ActionForbidden:
            raise
        except DomainError as exc:
            return JsonResponse({"detail": str(exc), "code": "not_found"}, status=404)
        return JsonResponse(_job_json(job))


class ExportFileView(_StaffView):
    def get(self, request, pk: int):
        try:
            job = svc.export_of(pk, user=request.user)
        except ActionForbidden:
            raise
        except DomainError as exc:
            return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
        if job.status != StatisticsExport.Status.DONE or not job.file:
            return HttpResponse(
                _("Tệp chưa sẵn sàng."), status=409, content_type="text/plain; charset=utf-8"
            )
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.file.name.rsplit("/", 1)[-1],
            content_type=XLSX,
        )


class StatisticsApp(Application):
    title = gettext_lazy("Thống kê TTHC")
    icon = "insights"
    app_name = "thong-ke"
    menu_template_name = None

    @staticmethod
    def permission(user) -> bool:
        return not user.is_authenticated or svc.may_see_statistics(user)

    index_path = path("", StatisticsView.as_view(), name="index")
    approve_path = path("chot/", ApproveView.as_view(), name="approve")
    xlsx_path = path("excel/", XlsxView.as_view(), name="xlsx")
    export_path = path("xuat/", ExportStartView.as_view(), name="export")
    export_status_path = path("xuat/<int:pk>/", ExportStatusView.as_view(), name="export-status")
    export_file_path = path("xuat/<int:pk>/tai-ve/", ExportFileView.as_view(), name="export-file")
