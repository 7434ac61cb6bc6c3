"""Reads of the one-stop dossiers (radiation and every other registered kind) for the
staff pages. Each costs a fixed number of queries, whatever the number of rows it
returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.audit import audit_trail
from workflows.calendar import add_working_days
from workflows.ledger import deadlines_for_case
from workflows.manager import LATE_BUCKETS, SOON, tally_sums
from workflows.models import AuditEntry, ClockEvent, Deadline, LedgerTally
from workflows.roles import Role
from workflows.selectors import (
    compiled_get,
    compiled_prefetch,
    compiled_rows,
    deadlines_open,
)

from .models import (
    ApologySlip,
    Device,
    Document,
    Dossier,
    Permit,
    Status,
    SupplementRequest,
)

# Ledger kinds owned by officers (the applicant owns "supplement"; "permit_expiry"
# rows belong to the permit, not to the dossier).
STAFF_DEADLINE_KINDS = ("check", "result", "step", "apology")
DEADLINE_KIND_LABELS = {
    "check": _("Kiểm tra tính đầy đủ của hồ sơ"),
    "result": _("Thời hạn giải quyết"),
    "step": _("Thời hạn bước xử lý"),
    "apology": _("Phát hành phiếu xin lỗi"),
    "supplement": _("Bổ sung hồ sơ"),
    "permit_expiry": _("Giấy phép hết hạn"),
}
SOON_WORKING_DAYS = 2
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def deadline_kind_label(kind: str) -> str:
    return str(DEADLINE_KIND_LABELS.get(kind, kind))


def status_label(status: str | None) -> str:
    if not status:
        return ""
    try:
        return str(Status(status).label)
    except ValueError:
        return status


# --- the case page ------------------------------------------------------------------------
def dossier_for_staff(**lookup) -> Dossier:
    """One dossier with everything its staff page shows (raises Dossier.DoesNotExist)."""
    return (
        Dossier.objects.select_related(
            "procedure_version__procedure",
            "applicant",
            "specialist",
            "received_by",
            "decided_by",
            "check_clock",
            "result_clock",
            "previous_permit",
            "parent",
            "permit",
        )
        .prefetch_related(
            "devices",
            Prefetch(
                "documents",
                queryset=Document.objects.select_related("uploaded_by", "supplement").order_by(
                    "item", "-uploaded_at", "-id"
                ),
            ),
            Prefetch(
                "supplements",
                queryset=SupplementRequest.objects.select_related("requested_by").order_by(
                    "number"
                ),
            ),
            Prefetch(
                "apologies",
                queryset=ApologySlip.objects.select_related("drafted_by", "issued_by").order_by(
                    "drafted_at", "id"
                ),
            ),
            "linked_certificates",
        )
        .get(**lookup)
    )


# --- the API's detail, read with SQL compiled once per process ------------------------
DETAIL_RELATED = (
    "procedure_version",
    "parent",
    "previous_permit",
    "applicant",
    "received_by",
    "specialist",
    "check_clock",
    "result_clock",
)


def _detail_base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(*DETAIL_RELATED)


def dossier_for_detail(pk: int) -> Dossier:
    """One dossier with what its API detail shows: the joined rows, its devices,
    documents, supplements, apology slips and linked certificates, as the related
    managers' prefetched lists (raises Dossier.DoesNotExist). An action answers with
    this after every transition: its reads are compiled once per process, which costs
    a few milliseconds less per request than the ORM compiling eight queries."""
    dossier = compiled_get("permits.detail", _detail_base, pk)
    for name, model in (
        ("devices", Device),
        ("documents", Document),
        ("supplements", SupplementRequest),
        ("apologies", ApologySlip),
    ):
        compiled_prefetch(
            dossier,
            name,
            ("permits.detail", name),
            lambda p, model=model: model.objects.filter(dossier_id=p),
            pk,
        )
    compiled_prefetch(
        dossier,
        "linked_certificates",
        ("permits.detail", "linked_certificates"),
        lambda p: Dossier.objects.only("id", "code", "parent").filter(parent_id=p),
        pk,
    )
    return dossier


def dossier_permit(dossier: Dossier) -> Permit | None:
    """The permit or certificate issued on the dossier (None: none yet)."""
    rows = compiled_rows(
        "permits.detail.permit",
        lambda p: Permit.objects.filter(dossier_id=p).select_related("dossier", "previous")[:1],
        dossier.pk,
    )
    return rows[0] if rows else None


def dossier_timeline(dossier: Dossier) -> QuerySet[AuditEntry]:
    return audit_trail(dossier).order_by("at", "id")


AUDIT_ACTION_LABELS = {
    "create": _("Lập hồ sơ"),
    "document_upload": _("Tải lên tài liệu"),
    "assign": _("Giao chuyên viên thẩm định"),
    "apology_draft": _("Lập dự thảo phiếu xin lỗi"),
    "apology_issue": _("Phát hành phiếu xin lỗi"),
}


def audit_action_label(action: str) -> str:
    """The Vietnamese label of an audit row's action (an FSM transition's label)."""
    if action in AUDIT_ACTION_LABELS:
        return str(AUDIT_ACTION_LABELS[action])
    meta = getattr(getattr(Dossier, action, None), "_django_fsm", None)
    if meta is not None:
        for t in meta.transitions.values():
            if t.custom.get("label"):
                return str(t.custom["label"])
    return action


def dossier_clock_events(dossier: Dossier) -> QuerySet[ClockEvent]:
    clocks = [pk for pk in (dossier.check_clock_id, dossier.result_clock_id) if pk]
    return (
        ClockEvent.objects.filter(clock_id__in=clocks)
        .select_related("actor", "clock__rule")
        .order_by("at", "id")
    )


def dossier_ledger(dossier: Dossier) -> QuerySet[Deadline]:
    return deadlines_for_case(dossier).order_by("opened_at", "id")


def dossier_tasks(dossier: Dossier) -> list:
    """The viewflow tasks of the dossier's process(es), oldest first."""
    return list(
        Task.objects.filter(
            process__artifact_content_type=ContentType.objects.get_for_model(Dossier),
            process__artifact_object_id=dossier.pk,
        )
        .exclude(flow_task_type__in=["SWITCH", "START"])
        .select_related("owner", "process")
        .order_by("created", "id")
    )


def open_tasks(tasks: list) -> list:
    return [t for t in tasks if t.status in OPEN_TASK_STATUSES]


@dataclass(frozen=True)
class GeneratedDocument:
    name: str
    label: str
    url: str


def document_url(dossier: Dossier, document: Document) -> str:
    """Where an uploaded document is served (the view checks who asks)."""
    return f"/ho-so/{dossier.code}/tai-lieu/{document.pk}/"


def generated_documents(dossier: Dossier) -> list[GeneratedDocument]:
    """The documents the engine generates for the dossier, in the order they arise
    (uses the prefetched supplements and apologies)."""

    def doc(name: str, label) -> GeneratedDocument:
        return GeneratedDocument(name, str(label), f"/ho-so/{dossier.code}/van-ban/{name}/")

    out = []
    if dossier.submitted_on:
        out.append(doc("tiep-nhan", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)")))
    for s in dossier.supplements.all():
        out.append(
            doc(
                f"bo-sung-{s.number}",
                _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ lần %(n)s (Mẫu 02)") % {"n": s.number},
            )
        )
    if dossier.status in (Status.NOT_ACCEPTED, Status.REFUSED):
        out.append(doc("tu-choi", _("Phiếu từ chối / văn bản không cấp (Mẫu 03)")))
    for a in dossier.apologies.all():
        if a.state != ApologySlip.State.VOID:
            out.append(
                doc(
                    f"xin-loi-{a.pk}",
                    _("Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), hẹn mới %(d)s")
                    % {"d": a.new_date.strftime("%d/%m/%Y")},
                )
            )
    if dossier.status == Status.ISSUED:
        spec = dossier.spec
        if dossier.is_radiation:
            out.append(doc(spec.result_slug, _("Giấy phép / chứng chỉ đã cấp")))
        else:
            out.append(doc(spec.result_slug, spec.result_label))
    return out


def specialists() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SPECIALIST)
        .select_related("division")
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


# --- the manager page -----------------------------------------------------------------------
def manager_deadlines(*, today: date | None = None) -> QuerySet[Deadline]:
    """Open, running officer deadlines of radiation dossiers that are overdue or due
    within two working days, earliest due first (the list's rows; their dossiers'
    statuses are read for one page at a time: `dossier_statuses`)."""
    today = today or timezone.localdate()
    return (
        deadlines_open()
        .filter(
            content_type=ContentType.objects.get_for_model(Dossier),
            kind__in=STAFF_DEADLINE_KINDS,
            due_date__lte=soon_limit(today),
        )
        .order_by("due_date", "id")
    )


def dossier_statuses(rows) -> dict[str, str]:
    """The status of the dossiers of a page of ledger rows (object id → status), one
    query for the page rather than a subquery per ledger row."""
    ids = {int(r.object_id) for r in rows if r.object_id.isdigit()}
    return {
        str(pk): status
        for pk, status in Dossier.objects.filter(pk__in=ids).values_list("pk", "status")
    }


def _tally() -> QuerySet[LedgerTally]:
    """The radiation officers' rows overdue or due soon, from the managers' tally
    (workflows.manager, refreshed every minute and on demand: the view asks first)."""
    return LedgerTally.objects.filter(
        content_type=ContentType.objects.get_for_model(Dossier),
        kind__in=STAFF_DEADLINE_KINDS,
        bucket__in=(*LATE_BUCKETS, SOON),
    )


def manager_counts_by_step(*, today: date | None = None) -> list[dict]:
    """Overdue / due-soon counts per step (the ledger kind), one query on the tally."""
    rows = tally_sums(_tally(), "kind")
    for row in rows:
        row["kind_label"] = deadline_kind_label(row["kind"])
    return rows


def manager_counts_by_owner(*, today: date | None = None) -> list[dict]:
    """Overdue / due-soon counts per owner (the officer, or the role while unassigned),
    one query on the tally."""
    rows = tally_sums(
        _tally(), "user_id", "user__username", "user__last_name", "user__first_name", "group__name"
    )
    for row in rows:
        row["owner_user__username"] = row["user__username"]
        row["owner_group__name"] = row["group__name"]
        row["owner_label"] = owner_label(
            username=row["user__username"],
            last_name=row["user__last_name"],
            first_name=row["user__first_name"],
            group=None if row["user_id"] else row["group__name"],
        )
    return rows


def role_label(group_name: str | None) -> str:
    if not group_name:
        return ""
    try:
        return str(Role(group_name).label)
    except ValueError:
        return group_name


def document_names(dossier: Dossier) -> dict[str, str]:
    """Checklist item code → its name in the dossier's procedure version."""
    return {d["code"]: d["name"] for d in dossier.procedure_version.documents or []}


def owner_label(*, username=None, last_name="", first_name="", group=None) -> str:
    if username:
        full = f"{last_name or ''} {first_name or ''}".strip()
        return full or username
    if group:
        return str(_("Chưa giao — %(role)s") % {"role": role_label(group)})
    return str(_("(chưa giao)"))


# --- the register ------------------------------------------------------------------------------
def register_permits(*, state: str | None = None, kind: str | None = None) -> QuerySet[Permit]:
    qs = Permit.objects.select_related("dossier").order_by("-issued_on", "-id")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def days_late(due: date, today: date) -> int:
    return max(0, (today - due).days)


def soon_limit(today: date) -> date:
    return add_working_days(today, SOON_WORKING_DAYS)
