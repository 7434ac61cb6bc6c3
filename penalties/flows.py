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

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow.viewset import FlowViewset
from viewflow.workflow.models import Process

from workflows.roles import Role
from workflows.stageflow import (
    stage_flow,
    stage_next_actor_label,
    stage_open_tasks,
    stage_process,
    stage_specs,
    stage_sync,
)

from .models import PenaltyCase, Status

STAGES = stage_specs(
    [
        (
            "record",
            (Status.RECORDED, Status.EXPLANATION),
            (Role.INSPECTOR,),
            _("Thanh tra viên: giải trình, dự thảo quyết định"),
        ),
        (
            "sign",
            (Status.PROPOSED,),
            (Role.HEAD_OF_DIVISION, Role.DIRECTOR),
            _("Người có thẩm quyền ký quyết định xử phạt"),
        ),
        ("deliver", (Status.DECIDED,), (Role.INSPECTOR,), _("Giao quyết định xử phạt")),
        (
            "collect",
            (Status.AWAITING_PAYMENT, Status.INSTALMENTS, Status.POSTPONED),
            (Role.ACCOUNTANT, Role.INSPECTOR),
            _("Thu tiền phạt (Kho bạc, kế toán)"),
        ),
        (
            "enforce",
            (Status.OVERDUE, Status.ENFORCEMENT),
            (Role.INSPECTOR, Role.HEAD_OF_DIVISION),
            _("Đôn đốc, cưỡng chế thi hành"),
        ),
    ]
)


class PenaltyProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("quy trình xử phạt vi phạm hành chính")
        verbose_name_plural = _("quy trình xử phạt vi phạm hành chính")


def _sees(user) -> bool:
    from .access import sees_cases

    return sees_cases(user)


PenaltyFlow = stage_flow(
    "PenaltyFlow",
    module=__name__,
    model=PenaltyCase,
    status_field="status",
    stages=STAGES,
    process_class=PenaltyProcess,
    title=_("Xử phạt vi phạm hành chính"),
    description=_(
        "Từ kết luận thanh tra, biên bản vi phạm, quyết định xử phạt đến khi thu đủ tiền phạt "
        "(Luật Xử lý vi phạm hành chính)."
    ),
    start_title=_("Lập biên bản vi phạm hành chính"),
    route_title=_("Chuyển bước theo trạng thái hồ sơ"),
    end_title=_("Kết thúc"),
    sees=_sees,
)


class PenaltyFlowViewset(FlowViewset):
    """The flow in the staff Site, without viewflow's cancel page; a process opens the
    case page."""

    process_cancel_path = None

    @property
    def process_detail_view_class(self):
        from .views import ProcessDetailView

        return ProcessDetailView


def process_for(case: PenaltyCase) -> Process | None:
    return stage_process(PenaltyFlow, case)


def open_tasks(case: PenaltyCase):
    return stage_open_tasks(PenaltyFlow, case)


def flow_sync_locked(case: PenaltyCase) -> None:
    """Bring the case's process in line with its status, inside the caller's
    transaction (`workflows.stageflow.stage_sync`)."""
    stage_sync(PenaltyFlow, case, case.status)


def next_actor_label(case: PenaltyCase) -> str:
    """Who acts next, from the open task (for the case page)."""
    return stage_next_actor_label(PenaltyFlow, case)
