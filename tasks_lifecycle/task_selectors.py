"""Reads of the S&T tasks' pages and API: who sees which tasks, what each sees, the
register, a task's page, the overdue / due-soon view and the dates a host owes.

Who sees what:
- the managing division's staff (`qlkh`: its specialists, council secretaries and head)
  and the director see every task; a superuser too;
- a host organisation's users see the tasks their organisation hosts (before there is
  a host: proposed), and a principal investigator the tasks they lead;
- anyone else sees none (the pages and the API answer 404 for a task).
Personal data (the PI's and participants' contacts) is shown only to roles with a step
in the lifecycle (the division's specialists and head, the director) and to the
task's own host side; a council secretary sees the task without it.

Every list costs the same queries whatever its number of rows: the next open ledger row
of each task comes in the page's query (a subquery), its owner in one more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from workflows.access import user_has_step
from workflows.audit import audit_trail
from workflows.calendar import add_working_days
from workflows.models import AuditEntry, Deadline
from workflows.roles import LEADER_ROLES, Role

from . import access as council_access
from . import task_rules
from .access import MANAGING_DIVISION
from .models import (
    TASK_PROCEDURE_CODE,
    AcceptanceDossier,
    CouncilSubject,
    HostOrganisation,
    Instalment,
    Paper,
    Stage,
    Task,
)

# roles that see every task (in the managing division; the director department-wide)
VIEW_ROLES = (Role.SPECIALIST, Role.COUNCIL_SECRETARY, *LEADER_ROLES)
# roles with a step in the lifecycle: they also see the parties' personal data
STEP_ROLES = (Role.SPECIALIST, *LEADER_ROLES)

DUE_SOON_CHOICES = (5, 10, 20)  # working days ahead, offered on the overdue page
DUE_SOON_DEFAULT = 10

# ledger kinds without an entry in task_rules.LIMITS (their rows' titles use the code)
HOST_KINDS = frozenset(
    {code for code, lim in task_rules.LIMITS.items() if lim.owner == task_rules.HOST}
    | {"contract_end"}
)

TONES = {
    Stage.RECOGNISED: "done",
    Stage.NOT_ORDERED: "muted",
    Stage.FAILED: "danger",
    Stage.TERMINATED: "danger",
    Stage.CALL_FAILED: "danger",
    Stage.REVISION: "wait",
    Stage.FINALISING: "wait",
    Stage.DOSSIER_SUPPLEMENT: "wait",
}


def stage_tone(stage: str) -> str:
    return TONES.get(stage, "active")


def kind_label(kind: str) -> str:
    """What a ledger row of the tasks is about, in Vietnamese."""
    lim = task_rules.LIMITS.get(kind)
    return str(lim.name) if lim else kind


def task_ct() -> ContentType:
    return ContentType.objects.get_for_model(Task)


# --- who sees what --------------------------------------------------------------------------------
def _division_roles(user, roles) -> bool:
    return user_has_step(user, roles, MANAGING_DIVISION)


def sees_all_tasks(user) -> bool:
    """The managing division's staff, the director, a superuser."""
    return _division_roles(user, VIEW_ROLES)


def has_task_step(user) -> bool:
    """A role with a step in the lifecycle (the division's specialist or head, the
    director) or a superuser."""
    return _division_roles(user, STEP_ROLES)


def _org_ids(user):
    return HostOrganisation.users.through.objects.filter(user_id=user.pk).values(
        "hostorganisation_id"
    )


def party_filter(user) -> Q:
    """The tasks of the user's host side: hosted by their organisation (before a host:
    proposed by it), or led by them."""
    orgs = _org_ids(user)
    return Q(host_id__in=orgs) | Q(host__isnull=True, proposer_id__in=orgs) | Q(pi__user_id=user.pk)


def tasks_of_party(user) -> QuerySet[Task]:
    if not getattr(user, "is_authenticated", False):
        return Task.objects.none()
    return Task.objects.filter(party_filter(user))


def tasks_visible(user) -> QuerySet[Task]:
    if sees_all_tasks(user):
        return Task.objects.all()
    return tasks_of_party(user)


def is_party(user, task: Task) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if task.pi_id and task.pi.user_id == user.pk:
        return True
    org = task.host_id or task.proposer_id
    return org is not None and user.host_organisations.filter(pk=org).exists()


def shows_personal_data(user, task: Task) -> bool:
    return has_task_step(user) or is_party(user, task)


# --- the register ---------------------------------------------------------------------------------
def _open_rows(ref: str = "pk") -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        content_type=task_ct(),
        object_id=Cast(OuterRef(ref), CharField()),
        state=Deadline.State.OPEN,
        paused=False,
    )


def with_next_due(qs: QuerySet[Task], only: Q | None = None) -> QuerySet[Task]:
    """Each task with its next open ledger row (its id and due date; `only`: among the
    rows it selects), in the same query."""
    rows = _open_rows().order_by("due_date", "id")
    if only is not None:
        rows = rows.filter(only)
    return qs.annotate(
        next_due_on=Subquery(rows.values("due_date")[:1]),
        next_due_id=Subquery(rows.values("id")[:1]),
    )


def register(qs: QuerySet[Task] | None = None, *, only: Q | None = None) -> QuerySet[Task]:
    qs = Task.objects.all() if qs is None else qs
    qs = qs.select_related("host", "pi", "officer", "proposer")
    return with_next_due(qs, only).order_by("-year", "code")


def owed_by(user) -> Q:
    """The ledger rows a host side owes: theirs, or the host's kinds."""
    return Q(owner_user_id=user.pk) | Q(kind__in=HOST_KINDS)


def attach_next_due(tasks: list[Task]) -> list[Task]:
    """Set `next_due` (the ledger row with its owner) on each task of a page: one query."""
    ids = [t.next_due_id for t in tasks if getattr(t, "next_due_id", None)]
    rows = {
        d.pk: d
        for d in Deadline.objects.filter(pk__in=ids).select_related("owner_user", "owner_division")
    }
    for t in tasks:
        t.next_due = rows.get(getattr(t, "next_due_id", None))
        if t.next_due is not None:
            t.next_due.label = kind_label(t.next_due.kind)
        t.tone = stage_tone(t.stage)
    return tasks


def owner_label(row: Deadline) -> str:
    if row.owner_user_id:
        user = row.owner_user
        return user.get_full_name() or user.username
    if row.owner_division_id:
        return row.owner_division.name
    return "—"


# --- a task's page --------------------------------------------------------------------------------
def task_for_page(pk: int, visible: QuerySet[Task]) -> Task:
    return (
        visible.select_related(
            "proposer",
            "host",
            "pi__user",
            "officer",
            "division",
            "ordering_decision",
            "host_decision",
            "contract__extension_decision",
        )
        .prefetch_related("participants")
        .get(pk=pk)
    )


@dataclass
class TaskPage:
    """What a task's page shows; the host's page leaves out what is the division's."""

    task: Task
    personal: bool
    contract: object
    instalments: list
    inspections: list
    dossiers: list
    calls: list
    councils: list
    deadlines: list
    stages: list
    audit: list
    decisions: list
    papers: list


def _council_rows(task: Task, *, with_papers: bool) -> tuple[list, list]:
    subjects = list(
        CouncilSubject.objects.filter(target_type=task_ct(), target_id=str(task.pk))
        .select_related("council__kind")
        .order_by("council__meeting_on", "council_id")
    )
    councils = []
    for s in subjects:
        c = s.council
        c.tone = "done" if c.status in ("published", "closed") else "active"
        councils.append(c)
    papers = []
    if with_papers and councils:
        papers = list(
            Paper.objects.filter(council__in=councils).select_related("council").order_by("id")
        )
    return councils, papers


def _audit_label(action: str) -> str:
    from .task_steps import fsm_label, step_label

    if action == "propose":
        return str(_("Đề xuất đặt hàng"))
    if action == "extend":
        return str(_("Gia hạn thời gian thực hiện"))
    return fsm_label(action) or step_label(action) or action


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else ""


def _audit(task: Task, *, for_host: bool, host_user_ids: set[int]) -> list[AuditEntry]:
    entries = list(audit_trail(task).order_by("at", "id"))
    for e in entries:
        e.label = _audit_label(e.action)
        e.to_label = _stage_label(e.to_state)
        e.from_label = _stage_label(e.from_state)
        e.is_stage = bool(e.to_state) and e.to_state != e.from_state
        if for_host and e.actor_id not in host_user_ids:
            e.shown_actor = _("Sở Khoa học và Công nghệ")
        else:
            e.shown_actor = e.actor
    return entries


def host_user_ids(task: Task) -> set[int]:
    org = task.host_id or task.proposer_id
    ids = (
        set(
            HostOrganisation.users.through.objects.filter(hostorganisation_id=org).values_list(
                "user_id", flat=True
            )
        )
        if org
        else set()
    )
    if task.pi_id and task.pi.user_id:
        ids.add(task.pi.user_id)
    return ids


def task_page(task: Task, user, *, for_host: bool = False) -> TaskPage:
    """The sections of a task's page as `user` sees them; a constant number of queries
    whatever the number of instalments, inspections, filings, rows and audit entries."""
    today = timezone.localdate()
    contract = getattr(task, "contract", None)
    instalments = list(Instalment.objects.filter(contract=contract)) if contract else []
    deadlines = list(
        Deadline.objects.filter(content_type=task_ct(), object_id=str(task.pk))
        .select_related("owner_user", "owner_division")
        .order_by("due_date", "id")
    )
    deadlines.sort(key=lambda d: d.state != Deadline.State.OPEN)  # open rows first
    party_ids = host_user_ids(task) if for_host else set()
    if for_host:
        deadlines = [
            d
            for d in deadlines
            if d.state == Deadline.State.OPEN
            and (d.kind in HOST_KINDS or d.owner_user_id in party_ids)
        ]
    for d in deadlines:
        d.label = kind_label(d.kind)
        d.owner_label = owner_label(d)
        d.is_late = d.state == Deadline.State.OPEN and d.due_date < today
        d.days_late = max((today - d.due_date).days, 0)
    councils, papers = _council_rows(task, with_papers=not for_host)
    audit = _audit(task, for_host=for_host, host_user_ids=party_ids)
    decisions = [
        (label, d)
        for label, d in (
            (_("Phê duyệt danh mục nhiệm vụ đặt hàng"), task.ordering_decision),
            (_("Phê duyệt tổ chức chủ trì, kinh phí"), task.host_decision),
            (_("Gia hạn thời gian thực hiện"), contract.extension_decision if contract else None),
        )
        if d is not None
    ]
    calls = []
    if not for_host:
        calls = list(task.calls.prefetch_related("applications__host", "applications__pi"))
    return TaskPage(
        task=task,
        personal=shows_personal_data(user, task),
        contract=contract,
        instalments=instalments,
        inspections=list(task.inspections.order_by("number")),
        dossiers=list(AcceptanceDossier.objects.filter(task=task).order_by("-submitted_on", "-id")),
        calls=calls,
        councils=councils,
        deadlines=deadlines,
        stages=[e for e in audit if e.is_stage],
        audit=audit,
        decisions=decisions,
        papers=papers,
    )


# --- overdue and due soon -------------------------------------------------------------------------
def soon_until(today: date, days: int) -> date:
    return add_working_days(today, days)


def due_counts(*, by: str, today: date, until: date) -> list[dict]:
    """Tasks with an open ledger row overdue, or (not overdue) due by `until`, counted per
    stage (`by="stage"`) or per officer following the task (`by="officer"`): one query."""
    rows = _open_rows()
    overdue = Exists(rows.filter(due_date__lt=today))
    soon = Exists(rows.filter(due_date__gte=today, due_date__lte=until))
    group = ["stage"]
    if by != "stage":
        group = ["officer_id", "officer__username", "officer__last_name", "officer__first_name"]
    out = list(
        Task.objects.filter(overdue | soon)
        .order_by()
        .values(*group)
        .annotate(
            overdue=Count("pk", filter=Q(overdue)),
            due_soon=Count("pk", filter=Q(soon) & ~Q(overdue)),
        )
        .order_by("-overdue", "-due_soon", *group[:1])
    )
    for r in out:
        if by == "stage":
            r["label"] = _stage_label(r["stage"])
            r["tone"] = stage_tone(r["stage"])
        else:
            name = f"{r['officer__last_name']} {r['officer__first_name']}".strip()
            r["label"] = name or r["officer__username"] or _("Chưa có chuyên viên theo dõi")
    return out


def due_rows(*, today: date, until: date, stage: str = "", officer: int | None = None):
    """The open ledger rows of the tasks, overdue or due by `until`, most urgent first,
    each with its task's id, title and stage (subqueries of the same query)."""
    tasks = Task.objects.filter(pk=Cast(OuterRef("object_id"), IntegerField()))
    qs = (
        Deadline.objects.filter(
            content_type=task_ct(),
            procedure_code=TASK_PROCEDURE_CODE,
            state=Deadline.State.OPEN,
            paused=False,
            due_date__lte=until,
        )
        .select_related("owner_user", "owner_division")
        .annotate(
            task_title=Subquery(tasks.values("title")[:1]),
            task_stage=Subquery(tasks.values("stage")[:1]),
        )
        .order_by("due_date", "id")
    )
    scope = Task.objects.all()
    if stage:
        scope = scope.filter(stage=stage)
    if officer:
        scope = scope.filter(officer_id=officer)
    if stage or officer:
        qs = qs.filter(object_id__in=scope.annotate(s=Cast("pk", CharField())).values("s"))
    return qs


def decorate_rows(rows, today: date) -> list:
    out = list(rows)
    for d in out:
        d.label = kind_label(d.kind)
        d.owner_label = owner_label(d)
        d.days_late = max((today - d.due_date).days, 0)
        d.is_late = d.due_date < today
        d.task_id = int(d.object_id)
        d.stage_label = _stage_label(getattr(d, "task_stage", "") or "")
    return out


# --- the host's side ------------------------------------------------------------------------------
def dates_owed(user) -> QuerySet[Deadline]:
    """The open ledger rows the user's host side owes: rows they own on any task, and
    the host's rows (dossier, supplement, contract dates…) of the tasks they see."""
    ids = tasks_of_party(user).annotate(s=Cast("pk", CharField())).values("s")
    return (
        Deadline.objects.filter(
            content_type=task_ct(), object_id__in=ids, state=Deadline.State.OPEN
        )
        .filter(owed_by(user))
        .annotate(
            task_title=Subquery(
                Task.objects.filter(pk=Cast(OuterRef("object_id"), IntegerField())).values("title")[
                    :1
                ]
            )
        )  # fmt: skip
        .order_by("due_date", "id")
    )


def recent_notifications(user, n: int = 5) -> tuple[list[Notification], int]:
    qs = Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP)
    unread = qs.filter(read_at__isnull=True).count()
    return list(qs.order_by("-created_at", "-id")[:n]), unread


def council_staff(user) -> bool:
    """Whether the council pages open for the user (links on the task page)."""
    return council_access.is_council_staff(user)
