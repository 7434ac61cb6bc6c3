"""Who must do what next on a one-stop dossier: the viewflow flows of the permit and
certificate procedures, and the one of every other registered one-stop kind
(`OneStopFlow`: the same nodes; the kind's division owns its appraising steps, read from
the process data).

The legal status of a dossier is its FSM field (`Dossier.status`) and changes only
through `permits.services`. A flow holds the human tasks around it: who may claim a
step, who has it, and the inbox/queue. Every human step is a `flow.View` whose page
calls one service and, when the service succeeded, completes the task. After each step
the `route` switch reads the dossier's status *from the database* and opens the task of
the step that status calls for; the flow keeps no copy of the status.

    start ─► route ─┬─ submitted ────► check ──────┐
                    ├─ awaiting_fee ─► fee ────────┤
                    ├─ appraisal ────► appraisal ──┤
                    ├─ review ───────► review ─────┼─► route
                    ├─ signing ──────► signing ────┤
                    ├─ supplement ───► wait_supplement (handle, completed by code)
                    └─ issued / refused / not_accepted ─► end

Whoever gets the appraisal task (claimed on its page or in bulk from the queue, or
handed over by the head of division) becomes the dossier's specialist through
`dossier_assign`, so the ledger row's owner follows the task's owner.

Every service that changes a dossier brings its process in line in the same
transaction (`flow_sync_locked`, called by `permits.services`): the open task whose step
no longer matches the status is closed as "done elsewhere" and the switch routes again,
so the status and the task list commit together. When the service runs from the task's
own page (viewflow is executing that task), the task is left to the page, which
completes it and routes. `flow_sync(dossier)` does the same for code outside a service.
No node offers viewflow's undo, cancel or revive: a legal step that has been taken
cannot be taken back by the task list.

Routing in a service writes the rows viewflow's own activations write (the finished
task, the switch task, the next task, their `previous` links) in a few bulk queries;
`tests/permits/test_transition_queries.py` checks they match what viewflow produces.
"""

from __future__ import annotations

import threading
import weakref

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Min, Subquery
from django.dispatch import receiver
from django.urls import path
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow import utils as flow_utils
from viewflow.workflow.flow.viewset import FlowViewset
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_finished, task_started
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from workflows.ledger import deadlines_for_case
from workflows.models import Deadline
from workflows.roles import Role, has_role, is_staff_member
from workflows.selectors import compiled_rows
from workflows.sql import cursor as sql_cursor
from workflows.sql import insert, update_sql
from workflows.sql import update as sql_update

from . import access, services, views_staff
from .models import OPEN_STATUSES, PERMIT_KINDS, Dossier, DossierKind, Status

# --- who acts at each step ------------------------------------------------------------
# (the roles and owning division of each step are `permits.access.STEPS`)
STEP_ROLES: dict[str, tuple[str, ...]] = {s: access.STEPS[s].roles for s in access.PROCEDURE_STEPS}
STEP_PERMISSION_NAMES = {
    "check": _("Kiểm tra hồ sơ bức xạ (một cửa)"),
    "fee": _("Xác nhận phí thẩm định hồ sơ bức xạ"),
    "appraisal": _("Thẩm định hồ sơ bức xạ"),
    "review": _("Xem xét hồ sơ bức xạ (lãnh đạo phòng)"),
    "signing": _("Ký kết quả hồ sơ bức xạ (lãnh đạo Sở)"),
}
MANAGER_ROLES = (Role.HEAD_OF_DIVISION, Role.DIRECTOR)
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def step_codename(step: str) -> str:
    return f"radiation_{step}"


def step_permission(step: str) -> str:
    """The Django permission a role group holds to claim the tasks of `step`."""
    return f"permits.{step_codename(step)}"


class RadiationProcess(Process):
    """The viewflow process of one dossier; `artifact` is the dossier."""

    class Meta:
        proxy = True
        verbose_name = _("quy trình xử lý hồ sơ bức xạ")
        verbose_name_plural = _("quy trình xử lý hồ sơ bức xạ")
        permissions = [(step_codename(s), label) for s, label in STEP_PERMISSION_NAMES.items()]

    @property
    def dossier(self) -> Dossier:
        cached = self.__dict__.get("_dossier")
        if cached is None or cached.pk != self.artifact_object_id:
            cached = Dossier.objects.get(pk=self.artifact_object_id)
            self.__dict__["_dossier"] = cached
        return cached


def install_flow_permissions(using: str = "default", **kwargs) -> None:
    """post_migrate: the step permissions exist and each role group holds its own.

    Data every installation needs (like the procedure catalogue), so it is installed
    after every migrate rather than by hand.
    """
    ct = ContentType.objects.db_manager(using).get_for_model(
        RadiationProcess, for_concrete_model=False
    )
    for step, roles in STEP_ROLES.items():
        permission, _created = Permission.objects.using(using).get_or_create(
            content_type=ct,
            codename=step_codename(step),
            defaults={"name": str(STEP_PERMISSION_NAMES[step])[:255]},
        )
        for role in roles:
            group, _created = Group.objects.using(using).get_or_create(name=role)
            group.permissions.add(permission)


# --- nodes without undo / cancel / revive ---------------------------------------------
class _NoTakeBack:
    """A legal step the FSM cannot take back is not undone from the task list."""

    undo_view_class = None
    cancel_view_class = None
    revive_view_class = None


class StartHandle(_NoTakeBack, flow.StartHandle):
    pass


class Switch(_NoTakeBack, flow.Switch):
    pass


class End(_NoTakeBack, flow.End):
    pass


class WaitForApplicant(_NoTakeBack, flow.Handle):
    """Waits while the applicant completes the dossier; `flow_sync` completes it."""


class StepActivation(ViewActivation):
    @Activation.status.transition(
        source=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED], target=STATUS.DONE
    )
    def complete_elsewhere(self):
        """The step's transition was performed outside this task (API, another
        channel): close the task so the switch can route on the new status."""
        self.task.data = {**(self.task.data or {}), "completed_elsewhere": True}
        self.task.finished = now()
        self.task.save()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class AppraisalActivation(StepActivation):
    """Whoever gets the appraisal task — claimed on its page, claimed in bulk from the
    queue, handed over by the head of division — becomes the dossier's specialist
    through `dossier_assign`, so the ledger row's owner follows the task's owner."""

    def _follow_owner(self, user) -> None:
        pk = self.process.artifact_object_id
        current = Dossier.objects.values_list("specialist", flat=True).get(pk=pk)
        if user is not None and current != user.pk:
            services.dossier_assign(dossier=Dossier.objects.get(pk=pk), actor=user, specialist=user)

    @Activation.status.super()
    def assign(self, user):
        self._follow_owner(user)
        super().assign.original(user)

    @Activation.status.super()
    def reassign(self, user=None):
        self._follow_owner(user)
        super().reassign.original(user=user)


def _task_kind(node, task) -> str | None:
    """The kind of the task's dossier when the node's flow serves kinds of several
    divisions (`OneStopFlow`: kept in the process data); None for the radiation flows
    (without reading the process)."""
    if not getattr(node.flow_class, "kinds_in_process_data", False):
        return None
    process = task.process
    kind = (process.data or {}).get("kind")
    if kind is None:
        kind = (
            Dossier.objects.filter(pk=process.artifact_object_id)
            .values_list("kind", flat=True)
            .first()
        )
    return kind


def _own_dossier(user, task) -> bool:
    applicant = (
        Dossier.objects.filter(pk=task.process.artifact_object_id)
        .values_list("applicant_id", flat=True)
        .first()
    )
    return applicant == user.pk


class Step(_NoTakeBack, flow.View):
    """An officer's step: claimable by the holders of the step's permission (its role
    group) in the division that owns the step, never on a dossier filed in their own
    name; executed only by the task's owner while they still hold the role there. The
    service the page calls checks the same rule (`permits.access`)."""

    activation_class = StepActivation

    def __init__(self, view, *, step: str, dossier_status: str, **kwargs):
        super().__init__(view, **kwargs)
        self.step = step
        self.dossier_status = dossier_status
        self.roles = STEP_ROLES[step]

    def can_execute(self, user, task):
        return super().can_execute(user, task) and access.holds_step(
            user, self.step, _task_kind(self, task)
        )

    def can_assign(self, user, task):
        # a superuser passes has_perm, but may only claim what they could execute
        return (
            super().can_assign(user, task)
            and access.holds_step(user, self.step, _task_kind(self, task))
            and not _own_dossier(user, task)
        )


class AppraisalStep(Step):
    """Claiming the appraisal, or the head of division handing it to a specialist,
    goes through `dossier_assign`, so the dossier's specialist and the ledger row's
    owner follow the task's owner."""

    activation_class = AppraisalActivation
    assign_view_class = views_staff.ClaimAppraisalView
    reassign_view_class = views_staff.DelegateAppraisalView

    @property
    def reassign_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/reassign/",
            flow_utils.wrap_task_view(self, self.reassign_view, permission=self.can_delegate),
            name="reassign",
        )

    def can_delegate(self, user, task) -> bool:
        """Only the head of the division that owns the appraisal hands it over (a
        specialist cannot take a dossier the head gave to a colleague)."""
        if not (task.status in (STATUS.NEW, STATUS.ASSIGNED) and user.is_authenticated):
            return False
        # the head of the appraising division
        return access.holds_step(user, "review", _task_kind(self, task))


# --- routing on the dossier's status ----------------------------------------------------
def _status(activation) -> str:
    """The dossier's status, read fresh once per switch activation (a cached dossier
    may predate the service the step just called)."""
    cached = getattr(activation, "_dossier_status", None)
    if cached is None:
        cached = Dossier.objects.values_list("status", flat=True).get(
            pk=activation.process.artifact_object_id
        )
        activation._dossier_status = cached
    return cached


def _status_is(status: str):
    def condition(activation) -> bool:
        return _status(activation) == status

    condition.__name__ = f"status_is_{status}"
    condition.status = status  # read by the routing of services (`_next_node`)
    return condition


def _dossier_specialist(activation):
    specialist_id = Dossier.objects.values_list("specialist", flat=True).get(
        pk=activation.process.artifact_object_id
    )
    if specialist_id is None:
        return None
    return get_user_model()._default_manager.get(pk=specialist_id)


# The inbox line of a task: the dossier and the due date of the step's time budget
# (kept in `process.data` by `process_note_due`, so the list costs no extra query).
SUMMARY = (
    "{% load i18n %}{{ process.data.code }} — {{ process.data.organisation }}"
    '{% if process.data.due %} · {% translate "hạn xử lý" %} {{ process.data.due }}{% endif %}'
)
_DUE_LABEL = _("hạn xử lý")  # the msgid the summary template translates


class _RadiationNodes:
    """The nodes and rules shared by both procedures (each flow copies them)."""

    process_class = RadiationProcess
    lock_impl = lock.select_for_update_lock
    process_summary_template = SUMMARY

    start = StartHandle(this.start_process).Next(this.route)

    route = (
        Switch()
        .Annotation(title=_("Chuyển bước theo trạng thái hồ sơ"))
        .Case(this.check, _status_is(Status.SUBMITTED))
        .Case(this.fee, _status_is(Status.AWAITING_FEE))
        .Case(this.appraisal, _status_is(Status.APPRAISAL))
        .Case(this.review, _status_is(Status.REVIEW))
        .Case(this.signing, _status_is(Status.SIGNING))
        .Case(this.wait_supplement, _status_is(Status.SUPPLEMENT))
        .Default(this.end)
    )

    check = (
        Step(views_staff.CheckTaskView.as_view(), step="check", dossier_status=Status.SUBMITTED)
        .Annotation(title=_("Kiểm tra tính đầy đủ, hợp lệ của hồ sơ"), summary_template=SUMMARY)
        .Permission(step_permission("check"))
        .Next(this.route)
    )

    fee = (
        Step(views_staff.FeeTaskView.as_view(), step="fee", dossier_status=Status.AWAITING_FEE)
        .Annotation(title=_("Xác nhận nộp phí thẩm định"), summary_template=SUMMARY)
        .Permission(step_permission("fee"))
        .Next(this.route)
    )

    appraisal = (
        AppraisalStep(
            views_staff.AppraisalTaskView.as_view(),
            step="appraisal",
            dossier_status=Status.APPRAISAL,
        )
        .Annotation(title=_("Thẩm định hồ sơ"), summary_template=SUMMARY)
        .Permission(step_permission("appraisal"))
        .Assign(_dossier_specialist)
        .Next(this.route)
    )

    review = (
        Step(views_staff.ReviewTaskView.as_view(), step="review", dossier_status=Status.REVIEW)
        .Annotation(title=_("Lãnh đạo phòng xem xét"), summary_template=SUMMARY)
        .Permission(step_permission("review"))
        .Next(this.route)
    )

    signing = (
        Step(views_staff.SigningTaskView.as_view(), step="signing", dossier_status=Status.SIGNING)
        .Annotation(title=_("Lãnh đạo Sở ký kết quả"), summary_template=SUMMARY)
        .Permission(step_permission("signing"))
        .Next(this.route)
    )

    wait_supplement = (
        WaitForApplicant()
        .Annotation(title=_("Chờ tổ chức, cá nhân bổ sung hồ sơ"), summary_template=SUMMARY)
        .Next(this.route)
    )

    end = End().Annotation(title=_("Kết thúc"))

    def start_process(self, activation, dossier: Dossier):
        activation.process.artifact = dossier
        activation.process.data = _process_data(dossier)
        return activation.process

    def has_view_permission(self, user, obj=None) -> bool:
        return is_staff_member(user)

    def has_manage_permission(self, user, obj=None) -> bool:
        """Managers may unassign an officer's task; nothing else (no undo/cancel)."""
        return bool(user.is_authenticated and (user.is_superuser or has_role(user, *MANAGER_ROLES)))


class PermitFlow(_RadiationNodes, flow.Flow):
    process_title = _("Giấy phép tiến hành công việc bức xạ")
    process_description = _(
        "Cấp mới, gia hạn, sửa đổi giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế "
        "(Nghị định số 142/2020/NĐ-CP)."
    )


class CertificateFlow(_RadiationNodes, flow.Flow):
    process_title = _("Chứng chỉ nhân viên bức xạ")
    process_description = _(
        "Cấp chứng chỉ nhân viên bức xạ cho người phụ trách an toàn (Nghị định số "
        "142/2020/NĐ-CP, Điều 35)."
    )


ONE_STOP_SUMMARY = (
    "{% load i18n %}{{ process.data.code }} — {{ process.data.procedure }} — "
    "{{ process.data.organisation }}"
    '{% if process.data.due %} · {% translate "hạn xử lý" %} {{ process.data.due }}{% endif %}'
)


class OneStopFlow(_RadiationNodes, flow.Flow):
    """Every other registered one-stop kind (e.g. the registration of an S&T task's
    results): the same steps; a kind without a fee never reaches the fee node."""

    process_title = _("Thủ tục một cửa khác")
    process_description = _(
        "Các thủ tục một cửa khác trong danh mục (ví dụ: đăng ký kết quả thực hiện nhiệm vụ "
        "khoa học và công nghệ), cùng các bước tiếp nhận, bổ sung, thẩm định, xem xét, ký."
    )
    process_summary_template = ONE_STOP_SUMMARY
    kinds_in_process_data = True


FLOWS = (PermitFlow, CertificateFlow, OneStopFlow)


class RadiationFlowViewset(FlowViewset):
    """A flow in the staff Site, without viewflow's process cancel page."""

    process_cancel_path = None
    process_detail_view_class = views_staff.FlowProcessDetailView


# --- the API for the rest of the app ---------------------------------------------------
def flow_for(dossier: Dossier):
    if dossier.kind in PERMIT_KINDS:
        return PermitFlow
    if dossier.kind == DossierKind.CERTIFICATE:
        return CertificateFlow
    return OneStopFlow


def _process_data(case: Dossier, **extra) -> dict:
    data = {"dossier": case.pk, "code": case.code, "organisation": case.organisation_name}
    if flow_for(case) is OneStopFlow:
        data.update(kind=case.kind, procedure=case.get_kind_display())
    return {**data, **extra}


def _dossier_ct() -> ContentType:
    return ContentType.objects.get_for_model(Dossier)


def process_for(dossier: Dossier) -> RadiationProcess | None:
    return (
        RadiationProcess.objects.filter(
            flow_class__in=FLOWS,
            artifact_content_type=_dossier_ct(),
            artifact_object_id=dossier.pk,
        )
        .order_by("-created", "-pk")
        .first()
    )


# --- the tasks a page is executing right now ----------------------------------------------
# viewflow sends `task_started` when a task page starts executing its task, inside the
# page's transaction (the page completes the task after the service returns). The
# service's sync leaves such a task to the page. An entry counts only inside the same
# outermost transaction and while the task object (weakly held) is still STARTED.
_executing = threading.local()


@receiver(task_started)
def _task_page_started(sender, process, task, **kwargs) -> None:
    if not connection.in_atomic_block:
        return
    outer = connection.atomic_blocks[0]
    entries = [e for e in getattr(_executing, "tasks", ()) if e[1] is outer and e[0]()]
    entries.append((weakref.ref(task), outer))
    _executing.tasks = entries


def _executed_by_its_page(task_pk: int) -> bool:
    if not connection.in_atomic_block:
        return False
    outer = connection.atomic_blocks[0]
    for ref, atomic in getattr(_executing, "tasks", ()):
        t = ref()
        if atomic is outer and t is not None and t.pk == task_pk and t.status == STATUS.STARTED:
            return True
    return False


# --- routing inside the service's transaction ----------------------------------------------
def _next_node(flow_class, status: str):
    """The node the `route` switch picks for a status (the same cases, in order)."""
    for node, condition in flow_class.route._branches:
        target = getattr(condition, "status", None)
        if condition is None or target == status:
            return node
    return flow_class.end  # pragma: no cover - the switch has a default


def _current_due_subquery(dossier_pk) -> Subquery:
    """The due date of the officer's current step: the earliest open, running `check` or
    `step` ledger row of the dossier (as the inbox shows it)."""
    return Subquery(
        Deadline.objects.filter(
            content_type=_dossier_ct(),
            object_id=dossier_pk,
            state=Deadline.State.OPEN,
            paused=False,
            kind__in=("check", "step"),
        )
        .order_by()
        .values("object_id")
        .annotate(due=Min("due_date"))
        .values("due")[:1]
    )


def _due_text(due) -> str:
    return due.strftime("%d/%m/%Y") if due else ""


def _new_task(process, node, token: Token, now_, *, case: Dossier):
    """The row viewflow's activation of `node` would create after the switch."""
    task = Task(process=process, flow_task=node, token=token, data={}, created=now_)
    if isinstance(node, Step):
        task.flow_task_type = node.task_type
        task.status = STATUS.NEW
        task.owner_permission = node._owner_permission
        if isinstance(node, AppraisalStep) and case.specialist_id:
            task.owner_id = case.specialist_id  # `.Assign(_dossier_specialist)`
            task.status = STATUS.ASSIGNED
    elif isinstance(node, End):
        task.flow_task_type = node.task_type
        task.status = STATUS.DONE
        task.started = task.finished = now_
    else:  # WaitForApplicant: waits, NEW, until flow_sync completes it
        task.flow_task_type = node.task_type
        task.status = STATUS.NEW
    return task


def _route_from(process, previous: Task, case: Dossier, now_) -> bool:
    """Append the switch task and the task the status calls for after `previous` (which
    the caller completed). Returns True if the process ended."""
    flow_class = process.flow_class
    switch = Task(
        process=process,
        flow_task=flow_class.route,
        flow_task_type=flow_class.route.task_type,
        status=STATUS.DONE,
        token=previous.token,
        data={},
        created=now_,
        finished=now_,
    )
    node = _next_node(flow_class, case.status)
    nxt = _new_task(process, node, previous.token, now_, case=case)
    insert([switch, nxt])
    Link = Task.previous.through
    insert(
        [
            Link(from_task_id=switch.pk, to_task_id=previous.pk),
            Link(from_task_id=nxt.pk, to_task_id=switch.pk),
        ]
    )
    return isinstance(node, End)


def _start_locked(case: Dossier) -> RadiationProcess | None:
    """Start the process of an open dossier in the current transaction: the rows of
    `start.run` and the first route, in three queries."""
    if case.status not in OPEN_STATUSES:
        return None
    flow_class = flow_for(case)
    now_ = now()
    check = case.check_clock if case.check_clock_id else None
    if check is not None and case.status == Status.SUBMITTED and check.state == "running":
        due = check.due_date  # just filed: the completeness check is the only step
    else:
        due = (
            Deadline.objects.filter(
                content_type=_dossier_ct(),
                object_id=str(case.pk),
                state=Deadline.State.OPEN,
                paused=False,
                kind__in=("check", "step"),
            )
            .order_by("due_date")
            .values_list("due_date", flat=True)
            .first()
        )
    process = RadiationProcess(
        flow_class=flow_class,
        status=PROCESS.NEW,
        created=now_,
        artifact_content_type=_dossier_ct(),
        artifact_object_id=case.pk,
        data=_process_data(case, due=_due_text(due)),
    )
    insert([process])
    start = Task(
        process=process,
        flow_task=flow_class.start,
        flow_task_type=flow_class.start.task_type,
        status=STATUS.DONE,
        token=Token("start"),
        data={},
        created=now_,
        started=now_,
        finished=now_,
    )
    switch = Task(
        process=process,
        flow_task=flow_class.route,
        flow_task_type=flow_class.route.task_type,
        status=STATUS.DONE,
        token=Token("start"),
        data={},
        created=now_,
        finished=now_,
    )
    nxt = _new_task(process, _next_node(flow_class, case.status), Token("start"), now_, case=case)
    insert([start, switch, nxt])
    Link = Task.previous.through
    insert(
        [
            Link(from_task_id=switch.pk, to_task_id=start.pk),
            Link(from_task_id=nxt.pk, to_task_id=switch.pk),
        ]
    )
    return process


def _open_tasks_locked(pk: int, pk_text: str):
    """The open tasks of the dossier's running process, the process row locked, with the
    current step's due date."""
    return (
        Task.objects.select_related("process")
        .select_for_update(of=("process",))
        .filter(
            process__flow_class__in=FLOWS,
            process__artifact_content_type=_dossier_ct(),
            process__artifact_object_id=pk,
            process__status=PROCESS.NEW,
            status__in=OPEN_TASK_STATUSES,
        )
        .annotate(current_due=_current_due_subquery(pk_text))
        .order_by("pk")
    )


def flow_sync_locked(case: Dossier, from_state: str | None = None) -> None:
    """Bring the dossier's process in line with `case` (the dossier as the current
    transaction has it, locked) inside that transaction: start it if there is none,
    close the task whose step no longer matches the status and route, let the appraisal
    task follow the dossier's specialist, and note the current step's due date. A task
    that its own page is executing is left to the page. `from_state` draft: the dossier
    was just filed, so it has no process yet."""
    if from_state == Status.DRAFT:
        _start_locked(case)
        return
    tasks = compiled_rows(
        ("flow_sync_locked", _dossier_ct().pk), _open_tasks_locked, case.pk, str(case.pk)
    )
    if not tasks:
        if process_for(case) is None:
            _start_locked(case)
        return
    process = tasks[0].process.coerced
    if len({t.process_id for t in tasks}) > 1 or len(tasks) > 1:
        _flow_sync_slow(case, process)  # not a shape these flows make: viewflow's way
        return
    task = tasks[0]
    node = task.flow_task
    now_ = now()
    task_update = None  # (queryset, fields) of the task row
    route = False
    if not _executed_by_its_page(task.pk):
        done = isinstance(node, WaitForApplicant) and case.status != Status.SUPPLEMENT
        elsewhere = isinstance(node, Step) and case.status != node.dossier_status
        if done or elsewhere:
            fields = {"status": STATUS.DONE, "finished": now_}
            if elsewhere:
                fields["data"] = {**(task.data or {}), "completed_elsewhere": True}
            else:
                fields["started"] = now_
            task_update = (Task, fields, {"id": task.pk, "status": task.status})
            route = True
        elif (
            isinstance(node, AppraisalStep)
            and case.specialist_id
            and task.owner_id != case.specialist_id
            and task.status in (STATUS.NEW, STATUS.ASSIGNED)
        ):
            task_update = (
                Task,
                {"owner_id": case.specialist_id, "status": STATUS.ASSIGNED},
                {"id": task.pk},
            )
    # the switch's pick is known before routing, so the process row's change goes with
    # the task row's, in one statement on PostgreSQL
    ended = route and isinstance(_next_node(process.flow_class, case.status), End)
    due = _due_text(task.current_due)
    data = process.data or {}
    process_update = None
    if ended:
        process_update = (
            Process,
            {"status": PROCESS.DONE, "finished": now_, "data": {**data, "due": due}},
            {"id": process.pk},
        )
    elif data.get("due", "") != due:
        process_update = (Process, {"data": {**data, "due": due}}, {"id": process.pk})
    changed = _update_then(task_update, process_update)
    if route:
        if not changed:  # pragma: no cover - the row changed under the process lock
            _flow_sync_slow(case, process)
            return
        _route_from(process, task, case, now_)


def _update_then(first, then) -> int:
    """Run the UPDATE `first` (model, values, where), then — only if it changed a row —
    the UPDATE `then`; either may be None (`first` None: `then` runs). Returns the rows
    `first` changed. On PostgreSQL both are one statement (a data-modifying WITH). The
    statements are built once per shape (`workflows.sql.update_sql`)."""
    if first is None:
        if then is not None:
            sql_update(*then)
        return 0
    if then is None:
        return sql_update(*first)
    if connection.vendor != "postgresql":
        changed = sql_update(*first)
        if changed:
            sql_update(*then)
        return changed
    key = ("flows._update_then", *(_shape(u) for u in (first, then)))
    built = _THEN_SQL.get(key)
    if built is None:
        (sql1, params1), (sql2, params2) = (
            update_sql(model, tuple(values), tuple(where), connection.alias)
            for model, values, where in (first, then)
        )
        sql = (
            f"WITH t AS ({sql1} RETURNING 1), "  # noqa: S608 - built from the models
            f"p AS ({sql2} AND EXISTS (SELECT 1 FROM t) RETURNING 1) "
            "SELECT count(*) FROM t"
        )
        built = _THEN_SQL[key] = (sql, params1, params2)
    sql, params1, params2 = built
    with sql_cursor(connection) as cursor:
        cursor.execute(sql, [*params1(first[1], first[2]), *params2(then[1], then[2])])
        return cursor.fetchone()[0]


_THEN_SQL: dict = {}


def _shape(u) -> tuple:
    model, values, where = u
    return (model, tuple(values), tuple(where))


def flow_start_for(dossier: Dossier) -> RadiationProcess | None:
    """Start the flow of a submitted dossier (and of the certificate dossiers filed with
    it). Idempotent: a dossier that has its process, or is not open, is left alone.
    The services start it themselves in the submission's transaction."""
    process = None
    with transaction.atomic():
        case = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if case.status in OPEN_STATUSES:
            process = process_for(case)
            if process is None:
                process = _start_locked(case)
    for child_pk in Dossier.objects.filter(parent_id=dossier.pk).values_list("pk", flat=True):
        flow_start_for(Dossier(pk=child_pk))
    return process


def process_note_due(dossier: Dossier, process: RadiationProcess | None = None) -> None:
    """Copy the due date of the officer's current step (the earliest open, running
    `check` or `step` ledger row) into the process data shown in the inbox."""
    process = process or process_for(dossier)
    if process is None:
        return
    row = (
        deadlines_for_case(dossier)
        .filter(state=Deadline.State.OPEN, paused=False, kind__in=("check", "step"))
        .order_by("due_date")
        .first()
    )
    due = row.due_date.strftime("%d/%m/%Y") if row else ""
    if (process.data or {}).get("due", "") != due:
        process.data = {**(process.data or {}), "due": due}
        process.save(update_fields=["data"])


def flow_sync(dossier: Dossier) -> None:
    """Bring the dossier's process in line with its status after a change made outside
    a service (the services do it themselves, in their transaction). A dossier without
    a process gets one."""
    with transaction.atomic():
        case = Dossier.objects.select_for_update().get(pk=dossier.pk)
        flow_sync_locked(case)


def _flow_sync_slow(case: Dossier, process) -> None:
    """viewflow's own activations, one task at a time (shapes the fast path does not
    know: several open tasks)."""
    flow_class = process.flow_class
    with flow_class.lock(process.pk):
        tasks = flow_class.task_class._default_manager.filter(
            process_id=process.pk, status__in=OPEN_TASK_STATUSES
        ).order_by("pk")
        for task in tasks:
            if _executed_by_its_page(task.pk):
                continue
            node = task.flow_task
            if isinstance(node, WaitForApplicant):
                if case.status != Status.SUPPLEMENT:
                    node.run(task)
            elif isinstance(node, Step):
                if case.status != node.dossier_status:
                    activation = node.activation_class(task)
                    activation.complete_elsewhere()
                    activation.activate_next()
                elif isinstance(node, AppraisalStep):
                    _follow_specialist(node, task, case.specialist)
    process.refresh_from_db()
    process_note_due(case, process)


def _follow_specialist(node: AppraisalStep, task, specialist) -> None:
    if specialist is None or task.owner_id == specialist.pk:
        return
    activation = node.activation_class(task)
    if task.status == STATUS.NEW:
        activation.assign(specialist)
    elif task.status == STATUS.ASSIGNED:
        activation.reassign(user=specialist)
