"""Who acts next on a provincial S&T task: the viewflow flow of the task lifecycle.

The task's legal stage is its FSM field (`Task.stage`), changed only through the task
services; this flow (`workflows.stageflow`) holds one open task per S&T task: the stage
whose people act next — the managing division, its leaders recording the People's
Committee's decisions, or the host organisation and its PI. Every task service brings it
in line inside its own transaction (`flow_sync_locked`, the `after` of each transition).
The council stages' own work (members, papers, ballots) is in the councils' flows.

    start ─► route ─┬─ proposed ─► screen ─► identify ─► council ─► approve (leader)
                    ├─ approved ─► publish ─► call / selection (division)
                    ├─ revision, finalising ─► host_documents (host)
                    ├─ budget appraisal ─► budget ─► approve_host (leader) ─► contract
                    ├─ in progress, supplement ─► implementation (host, PI)
                    ├─ dossier filed / valid, acceptance council ─► acceptance (division)
                    ├─ corrections ─► corrections (host, then the leader recognises)
                    └─ not ordered / terminated / recognised / failed ─► end
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow.viewset import FlowViewset
from viewflow.workflow.models import Process

from workflows.roles import LEADER_ROLES, Role, is_staff_member
from workflows.stageflow import (
    stage_current,
    stage_flow,
    stage_next_actor_label,
    stage_open_tasks,
    stage_specs,
    stage_sync,
)

from .models import Stage as S
from .models import Task

HOST = _("Tổ chức chủ trì, chủ nhiệm nhiệm vụ")
DIVISION = (Role.SPECIALIST, *sorted(LEADER_ROLES))
LEADERS = tuple(sorted(LEADER_ROLES))

STAGES = stage_specs(
    [
        ("screen", (S.PROPOSED,), DIVISION, _("Tổng hợp đề xuất, rà soát trùng lặp")),
        ("identify", (S.SCREENED,), DIVISION, _("Đưa ra Hội đồng xác định nhiệm vụ")),
        (
            "council",
            (S.IDENTIFICATION,),
            (Role.COUNCIL_SECRETARY, *DIVISION),
            _("Hội đồng xác định nhiệm vụ họp, ghi nhận kiến nghị"),
        ),
        ("approve", (S.RECOMMENDED,), LEADERS, _("Trình UBND tỉnh phê duyệt danh mục")),
        ("publish", (S.APPROVED,), DIVISION, _("Công bố danh mục đặt hàng")),
        (
            "call",
            (S.PUBLISHED, S.CALL_OPEN, S.CALL_FAILED, S.APPLICATIONS_OPENED),
            DIVISION,
            _("Thông báo tuyển chọn, nhận và mở hồ sơ (hoặc giao trực tiếp)"),
        ),
        (
            "selection",
            (S.SELECTION,),
            (Role.COUNCIL_SECRETARY, *DIVISION),
            _("Hội đồng tuyển chọn, giao trực tiếp"),
        ),
        (
            "host_documents",
            (S.REVISION, S.FINALISING),
            (HOST,),
            _("Tổ chức chủ trì hoàn thiện thuyết minh, hồ sơ"),
        ),
        ("budget", (S.BUDGET_APPRAISAL,), DIVISION, _("Tổ thẩm định kinh phí")),
        (
            "approve_host",
            (S.AWAITING_APPROVAL,),
            LEADERS,
            _("Trình phê duyệt tổ chức chủ trì, chủ nhiệm, kinh phí"),
        ),
        ("contract", (S.HOST_APPROVED,), DIVISION, _("Ký hợp đồng thực hiện nhiệm vụ")),
        (
            "implementation",
            (S.IN_PROGRESS, S.DOSSIER_SUPPLEMENT),
            (HOST,),
            _("Thực hiện, kiểm tra định kỳ, nộp hồ sơ nghiệm thu"),
        ),
        (
            "acceptance",
            (S.DOSSIER_FILED, S.DOSSIER_VALID, S.ACCEPTANCE),
            DIVISION,
            _("Kiểm tra hồ sơ, Hội đồng nghiệm thu"),
        ),
        (
            "corrections",
            (S.CORRECTIONS,),
            (HOST, *LEADERS),
            _("Hoàn thiện hồ sơ sau nghiệm thu, công nhận kết quả"),
        ),
    ]
)


class TaskProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("quy trình nhiệm vụ KH&CN")
        verbose_name_plural = _("quy trình nhiệm vụ KH&CN")


TaskFlow = stage_flow(
    "TaskFlow",
    module=__name__,
    model=Task,
    status_field="stage",
    stages=STAGES,
    process_class=TaskProcess,
    title=_("Nhiệm vụ khoa học và công nghệ cấp tỉnh"),
    description=_(
        "Từ đề xuất đặt hàng, xác định, tuyển chọn hoặc giao trực tiếp, hợp đồng, kiểm tra "
        "định kỳ đến đánh giá, nghiệm thu và công nhận kết quả."
    ),
    start_title=_("Đề xuất đặt hàng nhiệm vụ"),
    route_title=_("Chuyển bước theo giai đoạn của nhiệm vụ"),
    end_title=_("Kết thúc"),
    sees=is_staff_member,
)


class TaskFlowViewset(FlowViewset):
    """The flow in the staff Site, without viewflow's cancel page."""

    process_cancel_path = None


def flow_sync_locked(task: Task, *_rest) -> None:
    """Bring the task's process in line with its stage, inside the service's
    transaction (`workflows.stageflow.stage_sync`)."""
    stage_sync(TaskFlow, task, task.stage)


def open_tasks(task: Task):
    return stage_open_tasks(TaskFlow, task)


def current_stage(task: Task):
    return stage_current(TaskFlow, task)


def next_actor_label(task: Task) -> str:
    """Who acts next on the task (for its page and the register)."""
    return stage_next_actor_label(TaskFlow, task)
