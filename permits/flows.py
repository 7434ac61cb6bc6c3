"""Who must do what next on a radiation dossier: the viewflow flows of the permit and
certificate procedures.

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

Code that changes a dossier outside a task (the API, the applicant answering a
supplement request, an admin) calls `flow_sync(dossier)` after commit: the open task
whose step no longer matches the status is closed as "done elsewhere" and the switch
routes again. No node offers viewflow's undo, cancel or revive: a legal step that has
been taken cannot be taken back by the task list.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import path
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow import utils as flow_utils
from viewflow.workflow.flow.viewset import FlowViewset
from viewflow.workflow.models import Process
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_finished
from viewflow.workflow.status import PROCESS, STATUS

from workflows.ledger import deadlines_for_case
from workflows.models import Deadline
from workflows.roles import Role, has_role, is_staff_member

from . import access, services, views_staff
from .models import OPEN_STATUSES, PERMIT_KINDS, Dossier, Status

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
        return super().can_execute(user, task) and access.holds_step(user, self.step)

    def can_assign(self, user, task):
        # a superuser passes has_perm, but may only claim what they could execute
        return (
            super().can_assign(user, task)
            and access.holds_step(user, self.step)
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
        return access.holds_step(user, "review")  # the head of the appraising division


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
        activation.process.data = {
            "dossier": dossier.pk,
            "code": dossier.code,
            "organisation": dossier.organisation_name,
        }
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


FLOWS = (PermitFlow, CertificateFlow)


class RadiationFlowViewset(FlowViewset):
    """A flow in the staff Site, without viewflow's process cancel page."""

    process_cancel_path = None
    process_detail_view_class = views_staff.FlowProcessDetailView


# --- the API for the rest of the app ---------------------------------------------------
def flow_for(dossier: Dossier):
    return PermitFlow if dossier.kind in PERMIT_KINDS else CertificateFlow


def process_for(dossier: Dossier) -> RadiationProcess | None:
    return (
        RadiationProcess.objects.filter(
            flow_class__in=FLOWS,
            artifact_content_type=ContentType.objects.get_for_model(Dossier),
            artifact_object_id=dossier.pk,
        )
        .order_by("-created", "-pk")
        .first()
    )


def flow_start_for(dossier: Dossier) -> RadiationProcess | None:
    """Start the flow of a submitted dossier (and of the certificate dossiers filed with
    it). Idempotent: a dossier that has its process, or is not open, is left alone.
    Call it after the submission commits."""
    process = None
    with transaction.atomic():
        case = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if case.status in OPEN_STATUSES:
            process = process_for(case)
            if process is None:
                process = flow_for(case).start.run(dossier=case)
    if process is not None:
        process_note_due(case, process)
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
    a task: the supplement wait completes once the applicant has answered, a step done
    through the API is closed, and the appraisal task follows the dossier's specialist.
    Call it after the change commits. A dossier without a process gets one."""
    process = process_for(dossier)
    if process is None:
        flow_start_for(dossier)
        return
    if process.status != PROCESS.NEW:
        return
    flow_class = process.flow_class
    with flow_class.lock(process.pk), transaction.atomic():
        case = Dossier.objects.select_related("specialist").get(pk=dossier.pk)
        tasks = flow_class.task_class._default_manager.filter(
            process_id=process.pk, status__in=OPEN_TASK_STATUSES
        ).order_by("pk")
        for task in tasks:
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
