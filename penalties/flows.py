"""Who acts next on a penalty case: the viewflow flow of the penalty procedure.

The legal status is the case's FSM field (`PenaltyCase.status`) and changes only
through `penalties.services`. The flow holds one open task per case, the stage whose
people act next (the inspector, the signer, the accountant); the `route` switch reads
the status *from the database* and opens the stage that status calls for, so the flow
keeps no copy of it. Every service brings the flow in line inside its own transaction
(`flow_sync_locked`): the open task whose stage no longer matches is completed and the
switch routes again, so the status and the task list commit together. No node offers
viewflow's undo, cancel or revive.

    start ─► route ─┬─ recorded / explanation / proposed(returned) ─► record (inspector)
                    ├─ proposed ─────────────────────────────► sign (Chief Inspector / director)
                    ├─ decided ──────────────────────────────► deliver (inspector)
                    ├─ awaiting payment / instalments / postponed ─► collect (accountant)
                    ├─ overdue / enforcement ────────────────► enforce (inspector, signer)
                    └─ paid / time-barred ───────────────────► end
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.viewset import FlowViewset
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.roles import Role

from .models import PenaltyCase, Status

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

STAGES = {
    "record": ((Status.RECORDED, Status.EXPLANATION), (Role.INSPECTOR,)),
    "sign": ((Status.PROPOSED,), (Role.HEAD_OF_DIVISION, Role.DIRECTOR)),
    "deliver": ((Status.DECIDED,), (Role.INSPECTOR,)),
    "collect": (
        (Status.AWAITING_PAYMENT, Status.INSTALMENTS, Status.POSTPONED),
        (Role.ACCOUNTANT, Role.INSPECTOR),
    ),
    "enforce": ((Status.OVERDUE, Status.ENFORCEMENT), (Role.INSPECTOR, Role.HEAD_OF_DIVISION)),
}


class PenaltyProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("quy trình xử phạt vi phạm hành chính")
        verbose_name_plural = _("quy trình xử phạt vi phạm hành chính")


class _NoTakeBack:
    undo_view_class = None
    cancel_view_class = None
    revive_view_class = None


class Stage(_NoTakeBack, flow.Handle):
    """A stage of the case: open while the status is one of `statuses`; `roles` act."""

    def __init__(self, *, stage: str, **kwargs):
        super().__init__(**kwargs)
        self.stage = stage
        self.statuses, self.roles = STAGES[stage]


def _status(activation) -> str:
    return (
        PenaltyCase.objects.filter(pk=activation.process.artifact_object_id)
        .values_list("status", flat=True)
        .get()
    )


def _is(stage: str):
    def condition(activation) -> bool:
        return _status(activation) in STAGES[stage][0]

    condition.stage = stage
    return condition


class PenaltyFlow(flow.Flow):
    process_class = PenaltyProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Xử phạt vi phạm hành chính")
    process_description = _(
        "Từ kết luận thanh tra, biên bản vi phạm, quyết định xử phạt đến khi thu đủ tiền phạt "
        "(Luật Xử lý vi phạm hành chính)."
    )

    start = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Lập biên bản vi phạm hành chính"))
        .Next(this.route)
    )
    route = (
        flow.Switch()
        .Case(this.record, _is("record"))
        .Case(this.sign, _is("sign"))
        .Case(this.deliver, _is("deliver"))
        .Case(this.collect, _is("collect"))
        .Case(this.enforce, _is("enforce"))
        .Default(this.end)
        .Annotation(title=_("Chuyển bước theo trạng thái hồ sơ"))
    )
    record = (
        Stage(stage="record")
        .Annotation(title=_("Thanh tra viên: giải trình, dự thảo quyết định"))
        .Next(this.route)
    )
    sign = (
        Stage(stage="sign")
        .Annotation(title=_("Người có thẩm quyền ký quyết định xử phạt"))
        .Next(this.route)
    )
    deliver = Stage(stage="deliver").Annotation(title=_("Giao quyết định xử phạt")).Next(this.route)
    collect = (
        Stage(stage="collect")
        .Annotation(title=_("Thu tiền phạt (Kho bạc, kế toán)"))
        .Next(this.route)
    )
    enforce = (
        Stage(stage="enforce").Annotation(title=_("Đôn đốc, cưỡng chế thi hành")).Next(this.route)
    )
    end = flow.End().Annotation(title=_("Kết thúc"))

    def has_view_permission(self, user, obj=None) -> bool:
        from .access import sees_cases

        return sees_cases(user)

    def has_manage_permission(self, user, obj=None) -> bool:
        """Handle tasks are moved by the services only: nobody manages them by hand."""
        return bool(getattr(user, "is_superuser", False))

    def start_process(self, activation, case: PenaltyCase):
        activation.process.artifact = case
        activation.process.data = {"case": case.pk, "code": case.code}
        return activation.process


class PenaltyFlowViewset(FlowViewset):
    """The flow in the staff Site, without viewflow's cancel page; a process opens the
    case page."""

    process_cancel_path = None

    @property
    def process_detail_view_class(self):
        from .views import ProcessDetailView

        return ProcessDetailView


def _ct() -> ContentType:
    return ContentType.objects.get_for_model(PenaltyCase)


def process_for(case: PenaltyCase) -> Process | None:
    return (
        Process.objects.filter(
            flow_class=PenaltyFlow, artifact_content_type=_ct(), artifact_object_id=case.pk
        )
        .order_by("-pk")
        .first()
    )


def open_tasks(case: PenaltyCase):
    return Task.objects.filter(
        process__flow_class=PenaltyFlow,
        process__artifact_content_type=_ct(),
        process__artifact_object_id=case.pk,
        status__in=OPEN_TASK_STATUSES,
    ).order_by("pk")


def flow_sync_locked(case: PenaltyCase) -> None:
    """Bring the case's process in line with its status, inside the caller's transaction
    (the case row is saved and locked): start it if there is none, complete the open
    stage that no longer matches so the switch routes again."""
    if process_for(case) is None:
        PenaltyFlow.start.run(case=case)
        return
    for task in open_tasks(case):
        node = task.flow_task
        if isinstance(node, Stage) and case.status not in node.statuses:
            node.run(task)


def next_actor_label(case: PenaltyCase) -> str:
    """Who acts next, from the open task (for the case page)."""
    task = open_tasks(case).first()
    if task is None or not isinstance(task.flow_task, Stage):
        return ""
    from workflows.access import _role_labels

    return _role_labels(task.flow_task.roles)
