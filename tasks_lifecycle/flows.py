"""Who must do what next on a council: the secretary's and the members' tasks, in their
viewflow inbox.

The council's legal status is its FSM field (`Council.status`), changed only through
`tasks_lifecycle.services`; the flows hold the human tasks around it and keep no copy
of it. Every service brings the tasks in line inside its own transaction
(`flow_sync_locked`):

- one secretary flow per council kind (`IdentificationFlow`, `SelectionFlow`, …): the
  process of a council has one open task for its secretary, the step its status calls
  for (add members, dispatch the papers, record the attendance, count the ballots,
  publish, send the conclusions); when the status moves the task is closed as "done
  elsewhere" and the switch opens the next one;
- the members' flow (`MemberTaskFlow`): one process per member and stage — read the
  papers, declare and review (papers sent), vote (in session, present), confirm the
  tally (board) — closed when the member has done it or the council has moved on.

A task's page is the council page (secretary) or the member's page: the service the
page calls completes the task. No node offers undo, cancel or revive.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow.viewset import FlowViewset
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from workflows.roles import is_staff_member
from workflows.stageflow import NoTakeBack

from .models import Ballot, Council, KindCode, Membership, Review, Status

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
SECRETARY_STEPS = {
    Status.SETUP: _("Lập danh sách thành viên, thành lập hội đồng"),
    Status.CONSTITUTED: _("Gửi tài liệu họp đúng hạn"),
    Status.PAPERS_SENT: _("Theo dõi nhận xét, điểm danh phiên họp"),
    Status.IN_SESSION: _("Nhận phiếu, kiểm phiếu"),
    Status.TALLIED: _("Ban kiểm phiếu xác nhận, công bố kết quả"),
    Status.PUBLISHED: _("Hoàn thành biên bản, gửi kết luận"),
}
MEMBER_STEPS = {
    "papers": _("Ký cam kết, đọc tài liệu, gửi phiếu nhận xét"),
    "ballot": _("Bỏ phiếu đánh giá"),
    "confirm": _("Xác nhận kết quả kiểm phiếu"),
}
SUMMARY = "{{ process.data.code }} — {{ process.data.step }}{% if process.data.due %} · {{ process.data.due }}{% endif %}"  # noqa: E501


class CouncilProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("quy trình hội đồng")
        verbose_name_plural = _("quy trình hội đồng")


class StepActivation(ViewActivation):
    @Activation.status.transition(
        source=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED], target=STATUS.DONE
    )
    def complete_elsewhere(self):
        """The step was done through a service (page, API): close the task."""
        from django.utils.timezone import now

        self.task.data = {**(self.task.data or {}), "completed_elsewhere": True}
        self.task.finished = now()
        self.task.save()


class TaskPageView(View):
    """A task's page is the council's own page: the service it calls closes the task."""

    def get(self, request, *args, **kwargs):
        process = Process.objects.get(pk=kwargs["process_pk"])
        council = int(process.artifact_object_id)
        if process.data.get("member"):
            return redirect("tasks_lifecycle:member-council", pk=council)
        return redirect("tasks_lifecycle:council", pk=council)

    post = get


class Step(NoTakeBack, flow.View):
    activation_class = StepActivation


class StartHandle(NoTakeBack, flow.StartHandle):
    pass


class End(NoTakeBack, flow.End):
    pass


def _is_open(activation) -> bool:
    status = Council.objects.values_list("status", flat=True).get(
        pk=activation.process.artifact_object_id
    )
    return status != Status.CLOSED


def _secretary(activation):
    return Council.objects.get(pk=activation.process.artifact_object_id).secretary


def _member_user(activation):
    m = Membership.objects.select_related("expert__user").get(pk=activation.process.data["member"])
    return m.expert.user


class _CouncilFlowBase:
    """What every council flow shares: the process, the lock, the inbox line, and who
    sees the tasks."""

    process_class = CouncilProcess
    lock_impl = lock.select_for_update_lock
    process_summary_template = SUMMARY

    def has_view_permission(self, user, obj=None) -> bool:
        """Council staff and members see their council tasks (the inbox lists only the
        tasks assigned to them)."""
        return is_staff_member(user)

    def has_manage_permission(self, user, obj=None) -> bool:
        return False


class _CouncilNodes(_CouncilFlowBase):
    start = StartHandle(this.start_process).Next(this.route)
    route = (
        flow.Switch()
        .Annotation(title=_("Chuyển bước theo trạng thái hội đồng"))
        .Case(this.secretary_step, _is_open)
        .Default(this.end)
    )
    secretary_step = (
        Step(TaskPageView.as_view())
        .Annotation(title=_("Việc của thư ký hội đồng"), summary_template=SUMMARY)
        .Assign(_secretary)
        .Next(this.route)
    )
    end = End().Annotation(title=_("Kết thúc"))

    def start_process(self, activation, council: Council):
        activation.process.artifact = council
        activation.process.data = _process_data(council)
        return activation.process


def _process_data(council: Council) -> dict:
    return {
        "council": council.pk,
        "code": council.code,
        "step": str(SECRETARY_STEPS.get(council.status, _("Hoàn thành"))),
        "due": f"{council.meeting_on:%d/%m/%Y}" if council.meeting_on else "",
        "status": council.status,
    }


def _flow(name: str, title):
    return type(name, (_CouncilNodes, flow.Flow), {"process_title": title, "__module__": __name__})


KIND_FLOWS = {
    KindCode.IDENTIFICATION: _flow("IdentificationFlow", _("Hội đồng xác định nhiệm vụ")),
    KindCode.SELECTION: _flow("SelectionFlow", _("Hội đồng tuyển chọn, giao trực tiếp")),
    KindCode.ACCEPTANCE: _flow("AcceptanceFlow", _("Hội đồng đánh giá, nghiệm thu")),
    KindCode.BUDGET_APPRAISAL: _flow("BudgetAppraisalFlow", _("Tổ thẩm định kinh phí")),
    KindCode.INSPECTION: _flow("InspectionFlow", _("Đoàn kiểm tra, đánh giá định kỳ")),
    KindCode.ADVISORY: _flow("AdvisoryFlow", _("Hội đồng tư vấn khoa học và công nghệ")),
}
globals().update({f.__name__: f for f in KIND_FLOWS.values()})


class MemberTaskFlow(_CouncilFlowBase, flow.Flow):
    """One member's task at one stage of a council."""

    process_title = _("Việc của thành viên hội đồng")

    start = StartHandle(this.start_process).Next(this.member_step)
    member_step = (
        Step(TaskPageView.as_view())
        .Annotation(title=_("Việc của thành viên hội đồng"), summary_template=SUMMARY)
        .Assign(_member_user)
        .Next(this.end)
    )
    end = End().Annotation(title=_("Kết thúc"))

    def start_process(self, activation, council: Council, membership: Membership, stage: str):
        activation.process.artifact = council
        activation.process.data = {
            **_process_data(council),
            "member": membership.pk,
            "stage": stage,
            "step": str(MEMBER_STEPS[stage]),
        }
        return activation.process


FLOWS = (*KIND_FLOWS.values(), MemberTaskFlow)


class CouncilFlowViewset(FlowViewset):
    process_cancel_path = None


# --- keeping the tasks in line with the council ----------------------------------------------
def _council_ct() -> ContentType:
    return ContentType.objects.get_for_model(Council)


def _open_tasks(council: Council):
    return list(
        Task.objects.filter(
            process__artifact_content_type=_council_ct(),
            process__artifact_object_id=council.pk,
            status__in=OPEN_TASK_STATUSES,
        )
        .select_related("process")
        .order_by("pk")
    )


def flow_start_locked(council: Council) -> None:
    """A new council: its secretary's process starts, in the service's transaction."""
    KIND_FLOWS[council.kind.code].start.run(council=council)


def _member_stages(council: Council) -> dict[int, str]:
    """Which member owes what now: membership id → stage."""
    members = list(council.memberships.filter(removed_at__isnull=True, expert__user__isnull=False))
    owed: dict[int, str] = {}
    if council.status == Status.PAPERS_SENT:
        reviewed = set(
            Review.objects.filter(membership__council=council).values_list(
                "membership_id", flat=True
            )
        )
        everyone = bool(council.kind.reviews_lead_working_days)
        for m in members:
            owes_review = everyone or m.role == "reviewer"
            if m.declared_at is None or (owes_review and m.pk not in reviewed):
                owed[m.pk] = "papers"
    elif council.status == Status.IN_SESSION and council.kind.ballot_form != "none":
        attendance = council.attendances.order_by("-id").first()
        present = {r["membership"] for r in attendance.rows if r["votes"]} if attendance else set()
        subjects = council.subjects.count()
        votes: dict[int, int] = {}
        for mid in Ballot.objects.filter(council=council, void=False).values_list(
            "membership_id", flat=True
        ):
            votes[mid] = votes.get(mid, 0) + 1
        for m in members:
            if m.pk in present and votes.get(m.pk, 0) < subjects:
                owed[m.pk] = "ballot"
    elif council.status == Status.TALLIED:
        tally = council.tallies.order_by("-number").first()
        confirmed = {c["membership"] for c in (tally.confirmations if tally else [])}
        for m in members:
            if m.on_board and m.pk not in confirmed:
                owed[m.pk] = "confirm"
    return owed


def flow_sync_locked(council: Council, *_rest) -> None:
    """Bring the council's tasks in line with its status and its members' work, inside
    the service's transaction (viewflow's own activations)."""
    tasks = _open_tasks(council)
    if not any(t.process.flow_class is not MemberTaskFlow for t in tasks) and not (
        CouncilProcess.objects.filter(
            artifact_content_type=_council_ct(), artifact_object_id=council.pk
        )
        .exclude(flow_class=MemberTaskFlow)
        .exists()
    ):
        flow_start_locked(council)
        tasks = _open_tasks(council)
    owed = _member_stages(council)
    have: set[tuple[int, str]] = set()
    for task in tasks:
        process = task.process
        node = task.flow_task
        if process.flow_class is MemberTaskFlow:
            key = (process.data.get("member"), process.data.get("stage"))
            if owed.get(key[0]) == key[1]:
                have.add(key)
                continue
        elif process.data.get("status") == council.status:
            continue
        activation = node.activation_class(task)
        activation.complete_elsewhere()
        activation.activate_next()
    # the secretary's process notes the new step
    for process in CouncilProcess.objects.filter(
        artifact_content_type=_council_ct(), artifact_object_id=council.pk
    ).exclude(flow_class=MemberTaskFlow):
        data = _process_data(council)
        if process.data != data:
            process.data = data
            process.save(update_fields=["data"])
    for mid, stage in owed.items():
        if (mid, stage) not in have:
            MemberTaskFlow.start.run(
                council=council, membership=Membership.objects.get(pk=mid), stage=stage
            )
