"""Who sees the quarterly statistics, approving them (chốt số liệu) and the Excel
export job: the services and selectors behind the statistics pages.

Who may do what (decided here for every door):

- see the statistics: the director (and deputies), the staff of the department's
  office (Văn phòng Sở, which compiles the administrative-procedure reports), and the
  superuser see every division; a head of division sees the procedures of their own
  division; everyone else is refused;
- approve (freeze) a quarter's figures: the director only, once the quarter has ended
  (the director signs the department's report);
- export: whoever sees the statistics, restricted to what they see.
"""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import ActionForbidden, DomainError
from .models import StatisticsExport, StatisticsSnapshot
from .periods import Quarter
from .roles import Role, has_role, user_division
from .statistics import StatisticsTable, statistics_for_period, statistics_workbook

OFFICE_DIVISION = "van-phong"
# an export of at most this many procedure rows is served at once; more runs as a job
DIRECT_EXPORT_MAX_ROWS = 200


# --- access --------------------------------------------------------------------------


def statistics_scope(user) -> set[str] | None:
    """The division codes whose procedures `user` sees (None: all of them). Raises
    `ActionForbidden` for a user who may not see the statistics."""
    if not getattr(user, "is_authenticated", False):
        raise ActionForbidden(_("Bạn cần đăng nhập."), code="login_required")
    if user.is_superuser or has_role(user, Role.DIRECTOR):
        return None
    division = user_division(user)
    if division == OFFICE_DIVISION and has_role(
        user, Role.HEAD_OF_DIVISION, Role.SPECIALIST, Role.ACCOUNTANT, Role.ONE_STOP_OFFICER
    ):
        return None
    if has_role(user, Role.HEAD_OF_DIVISION) and division:
        return {division}
    raise ActionForbidden(
        _("Chỉ lãnh đạo Sở, Văn phòng Sở và lãnh đạo phòng được xem số liệu thống kê TTHC."),
        code="statistics_forbidden",
    )


def may_see_statistics(user) -> bool:
    try:
        statistics_scope(user)
    except ActionForbidden:
        return False
    return True


def may_approve(user) -> bool:
    return has_role(user, Role.DIRECTOR)


# --- selectors -----------------------------------------------------------------------


def snapshot_info(snapshot: StatisticsSnapshot) -> dict:
    approver = snapshot.approved_by
    at = timezone.localtime(snapshot.approved_at)
    return {
        "id": snapshot.pk,
        "version": snapshot.version,
        "approved_by": str(approver) if approver else "",
        "approved_at": at.strftime("%H:%M %d/%m/%Y"),
        "note": snapshot.note,
    }


def snapshot_table(snapshot: StatisticsSnapshot) -> StatisticsTable:
    return StatisticsTable.from_data(snapshot.data, snapshot=snapshot_info(snapshot))


def snapshots_of(quarter: Quarter) -> list[StatisticsSnapshot]:
    return list(
        StatisticsSnapshot.objects.filter(period=quarter.code)
        .select_related("approved_by")
        .order_by("-version")
    )


def quarter_is_closed(quarter: Quarter, today: date | None = None) -> bool:
    return (today or timezone.localdate()) > quarter.end


def statistics_view(
    quarter: Quarter, *, user, version: int | None = None, live: bool = False
) -> tuple[StatisticsTable, list[StatisticsSnapshot]]:
    """What the page shows: the latest approved snapshot of the quarter (or the
    `version` asked for), else — or with `live` — the live figures (as of today for an
    open quarter); restricted to the user's divisions. Returns the table and the
    quarter's snapshots (newest first)."""
    scope = statistics_scope(user)
    snapshots = snapshots_of(quarter)
    table = None
    if not live and (snapshots or version is not None):
        chosen = snapshots[0] if snapshots else None
        if version is not None:
            chosen = next((s for s in snapshots if s.version == version), None)
            if chosen is None:
                raise DomainError(
                    _("Không có lần chốt số %(v)s của %(q)s.") % {"v": version, "q": quarter.label},
                    code="not_found",
                )
        table = snapshot_table(chosen)
    if table is None:
        table = statistics_for_period(quarter, as_of=min(quarter.end, timezone.localdate()))
    if scope is not None:
        table = table.restricted(scope)
    return table, snapshots


# --- approve -------------------------------------------------------------------------


def statistics_approve(*, quarter: Quarter, actor, note: str = "") -> StatisticsSnapshot:
    """Freeze the quarter's figures as computed now (as of its last day): the next
    version; the earlier ones stay as they were."""
    if not may_approve(actor):
        raise ActionForbidden(
            _("Chỉ Giám đốc (Phó Giám đốc) Sở được phê duyệt, chốt số liệu thống kê."),
            code="approve_forbidden",
        )
    if not quarter_is_closed(quarter):
        raise DomainError(
            _("%(q)s chưa kết thúc (đến hết ngày %(d)s); chỉ chốt số liệu của quý đã qua.")
            % {"q": quarter.label, "d": quarter.end.strftime("%d/%m/%Y")},
            code="quarter_open",
        )
    table = statistics_for_period(quarter)
    try:
        with transaction.atomic():
            # the period's snapshots locked: two approvals at once number in turn
            list(
                StatisticsSnapshot.objects.select_for_update()
                .filter(period=quarter.code)
                .values_list("pk", flat=True)
            )
            last = StatisticsSnapshot.objects.filter(period=quarter.code).aggregate(
                v=Max("version")
            )["v"]
            snapshot = StatisticsSnapshot.objects.create(
                period=quarter.code,
                version=(last or 0) + 1,
                data=table.to_data(),
                approved_by=actor,
                approved_at=timezone.now(),
                note=(note or "").strip(),
            )
            audit_record(
                case=snapshot,
                actor=actor,
                action="statistics_approve",
                to_state="approved",
                note=snapshot.note,
                data={"period": quarter.code, "version": snapshot.version},
            )
    except IntegrityError:
        # the first version of a period approved twice at the same moment
        raise DomainError(
            _("Số liệu %(q)s vừa được chốt cùng lúc; hãy tải lại trang.") % {"q": quarter.label},
            code="approve_conflict",
        ) from None
    return snapshot


# --- export --------------------------------------------------------------------------


def statistics_export_start(
    *, quarter: Quarter, actor, version: int | None = None, live: bool = False
) -> StatisticsExport:
    """Ask for the Excel file of what the user sees; the work runs in a Celery task
    after commit. Asking again while the same export is waiting or running returns
    that job (no second task)."""
    scope = statistics_scope(actor)
    divisions = sorted(scope) if scope is not None else []
    snapshot = None
    if not live:
        snapshots = snapshots_of(quarter)
        if version is not None:
            snapshot = next((s for s in snapshots if s.version == version), None)
            if snapshot is None:
                raise DomainError(_("Không có lần chốt số %(v)s.") % {"v": version})
        elif snapshots:
            snapshot = snapshots[0]
    with transaction.atomic():
        existing = (
            StatisticsExport.objects.select_for_update()
            .filter(
                period=quarter.code,
                snapshot=snapshot,
                divisions=divisions,
                requested_by=actor,
                status__in=[StatisticsExport.Status.PENDING, StatisticsExport.Status.RUNNING],
            )
            .first()
        )
        if existing is not None:
            return existing
        job = StatisticsExport.objects.create(
            period=quarter.code, snapshot=snapshot, divisions=divisions, requested_by=actor
        )
        transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import statistics_export

    statistics_export.delay(job_id)


def statistics_export_run(job_id: int) -> StatisticsExport | None:
    """The task's body: build the workbook and keep it with the job. Safe to run twice
    (a finished job is left alone); a failure is recorded on the job in Vietnamese."""
    with transaction.atomic():
        job = (
            StatisticsExport.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status=StatisticsExport.Status.PENDING)
            .first()
        )
        if job is None:
            return None  # done, failed, or another worker has it
        job.status = StatisticsExport.Status.RUNNING
        job.progress = 5
        job.save(update_fields=["status", "progress"])
    last = [5]

    def progress(percent: int) -> None:
        percent = max(5, min(95, percent))
        if percent >= last[0] + 10:
            last[0] = percent
            StatisticsExport.objects.filter(pk=job.pk).update(progress=percent)

    try:
        quarter = Quarter.parse(job.period)
        if job.snapshot_id:
            table = snapshot_table(
                StatisticsSnapshot.objects.select_related("approved_by").get(pk=job.snapshot_id)
            )
        else:
            table = statistics_for_period(quarter, as_of=min(quarter.end, timezone.localdate()))
        if job.divisions:
            table = table.restricted(job.divisions)
        content = statistics_workbook(table, progress=progress)
        name = f"thong-ke-tthc-{quarter.code}" + (
            f"-lan-{table.snapshot['version']}" if table.snapshot else ""
        )
        job.file.save(f"{name}.xlsx", ContentFile(content), save=False)
        job.status = StatisticsExport.Status.DONE
        job.progress = 100
        job.message = ""
    except Exception as exc:  # recorded for the user; the task does not retry
        job.status = StatisticsExport.Status.FAILED
        job.message = _("Không tạo được tệp Excel: %(e)s") % {"e": exc}
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "message", "finished_at"])
    return job


def export_of(job_id: int, *, user) -> StatisticsExport:
    """A job of the user's own (another's is not found)."""
    statistics_scope(user)
    job = StatisticsExport.objects.filter(pk=job_id, requested_by=user).first()
    if job is None:
        raise DomainError(_("Không tìm thấy yêu cầu xuất tệp."), code="not_found")
    return job
