"""The step table of the S&T tasks: every service step the pages and the API offer.

One `TaskStep` a line: its name (the page's action URL `…/thao-tac/<name>/` and the
API's `POST /api/tasks/<id>/<name>/`), the service it calls, the form that reads its
input (`task_forms`), its label. Who may act is `task_access.STEPS[step]` (the `step`
defaults to the name with "_" for "-"); the stages it is offered in default to the
sources of the FSM transition of the same name on `Task`. A host step (`task_access`
"host") is offered on the host's page, the others on the division's.

To add a step (e.g. the selection, inspection and acceptance services): write its form
in `task_forms.py` (fields named as the service's keyword arguments) and add one line
below; give `stages=` when the service has no transition of that name. The button, the
page action, the API operation and its schema follow from the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from workflows.errors import DomainError

from . import task_acceptance, task_access, task_progress, task_selection, task_services
from .models import Stage, Task
from .task_forms import (
    AcceptanceCouncilForm,
    CallFailsForm,
    ConfirmSpendingForm,
    ConfirmWorkloadForm,
    ContractForm,
    CorrectionsForm,
    DecisionForm,
    DossierForm,
    ExtensionForm,
    FinaliseForm,
    HostApprovalForm,
    IdentificationCouncilForm,
    InspectionReportsForm,
    NoInputForm,
    NotRecommendForm,
    OpenApplicationsForm,
    OpenCallForm,
    PlanInspectionForm,
    PublishForm,
    RecognitionForm,
    RecommendForm,
    RecordAcceptanceForm,
    RecordInspectionForm,
    RefundForm,
    RevisionForm,
    SelectionCouncilForm,
    SupplementRequestForm,
    TaskStepForm,
    TerminateForm,
)


def fsm_label(name: str) -> str:
    """The label of the `Task` transition `name` ("" when there is none)."""
    meta = getattr(getattr(Task, name, None), "_django_fsm", None)
    for t in meta.transitions.values() if meta else ():
        if t.custom.get("label"):
            return str(t.custom["label"])
    return ""


@dataclass(frozen=True)
class TaskStep:
    name: str
    service: Callable
    form: type[TaskStepForm]
    label: str = ""
    step: str = ""
    stages: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if not self.step:
            object.__setattr__(self, "step", self.name.replace("-", "_"))
        if not self.label:
            object.__setattr__(self, "label", fsm_label(self.step) or self.step)
        if not self.stages:
            method = getattr(Task, self.step, None)
            meta = getattr(method, "_django_fsm", None)
            if meta is None:
                raise ValueError(f"{self.name}: give stages= (no transition {self.step!r})")
            object.__setattr__(self, "stages", tuple(str(s) for s in meta.transitions))

    @property
    def side(self) -> str:
        """Who does it: task_access.DIVISION, LEADER or HOST."""
        return task_access.STEPS[self.step]

    @property
    def api_name(self) -> str:
        """The schema name of its request body (TaskScreen…)."""
        return "Task" + "".join(p.capitalize() for p in self.name.split("-"))


S, SEL, PRO, ACC = task_services, task_selection, task_progress, task_acceptance
STEP_TABLE: list[TaskStep] = [
    TaskStep("screen", S.task_screen, NoInputForm),
    TaskStep("send-to-identification", S.task_send_to_identification, IdentificationCouncilForm),
    TaskStep("recommend", S.task_recommend, RecommendForm),
    TaskStep("not-recommend", S.task_not_recommend, NotRecommendForm),
    TaskStep("approve", S.task_approve, DecisionForm),
    TaskStep("publish", S.task_publish, PublishForm),
    TaskStep("open-call", SEL.task_open_call, OpenCallForm),
    TaskStep("open-applications", SEL.task_open_applications, OpenApplicationsForm),
    TaskStep("call-fails", SEL.task_call_fails, CallFailsForm),
    TaskStep("send-to-selection", SEL.task_send_to_selection, SelectionCouncilForm),
    TaskStep("select", SEL.task_select, NoInputForm),
    TaskStep("submit-revision", SEL.task_submit_revision, RevisionForm),
    TaskStep("appraise-budget", SEL.task_appraise_budget, NoInputForm),
    TaskStep("finalise", SEL.task_finalise, FinaliseForm),
    TaskStep("approve-host", SEL.task_approve_host, HostApprovalForm),
    TaskStep("sign-contract", S.task_sign_contract, ContractForm),
    TaskStep(
        "plan-inspection",
        PRO.task_plan_inspection,
        PlanInspectionForm,
        _("Thông báo lịch kiểm tra định kỳ"),
        stages=(Stage.IN_PROGRESS,),
    ),
    TaskStep(
        "upload-inspection-reports",
        PRO.task_upload_inspection_reports,
        InspectionReportsForm,
        _("Nộp báo cáo tiến độ, báo cáo kinh phí"),
        stages=(Stage.IN_PROGRESS,),
    ),
    TaskStep(
        "record-inspection",
        PRO.task_record_inspection,
        RecordInspectionForm,
        _("Ghi nhận kết quả kiểm tra định kỳ"),
        stages=(Stage.IN_PROGRESS,),
    ),
    TaskStep(
        "confirm-workload",
        PRO.task_confirm_workload,
        ConfirmWorkloadForm,
        _("Xác nhận khối lượng công việc"),
        stages=(Stage.IN_PROGRESS,),
    ),
    TaskStep(
        "confirm-spending",
        PRO.task_confirm_spending,
        ConfirmSpendingForm,
        _("Xác nhận kinh phí thực hiện"),
        stages=(Stage.IN_PROGRESS,),
    ),
    TaskStep("terminate", PRO.task_terminate, TerminateForm),
    TaskStep(
        "extend",
        S.task_extend,
        ExtensionForm,
        _("Ghi nhận gia hạn hợp đồng"),
        stages=(Stage.IN_PROGRESS,),
    ),  # fmt: skip
    TaskStep("file-dossier", S.task_file_dossier, DossierForm, stages=(Stage.IN_PROGRESS,)),
    TaskStep(
        "file-supplement",
        S.task_file_dossier,
        DossierForm,
        _("Nộp hồ sơ bổ sung"),
        step="file_dossier",
        stages=(Stage.DOSSIER_SUPPLEMENT,),
    ),  # fmt: skip
    TaskStep("request-supplement", S.task_request_supplement, SupplementRequestForm),
    TaskStep("accept-dossier", S.task_accept_dossier, NoInputForm),
    TaskStep("send-to-acceptance", ACC.task_send_to_acceptance, AcceptanceCouncilForm),
    TaskStep(
        "record-acceptance",
        ACC.task_record_acceptance,
        RecordAcceptanceForm,
        _("Ghi nhận kết quả nghiệm thu"),
        stages=(Stage.ACCEPTANCE,),
    ),
    TaskStep(
        "submit-corrections",
        ACC.task_submit_corrections,
        CorrectionsForm,
        _("Nộp báo cáo hoàn thiện hồ sơ"),
        stages=(Stage.CORRECTIONS,),
    ),
    TaskStep("recognise", ACC.task_recognise, RecognitionForm),
    TaskStep(
        "record-refund",
        ACC.task_record_refund,
        RefundForm,
        _("Ghi nhận nộp trả kinh phí"),
        stages=(Stage.FAILED, Stage.TERMINATED),
    ),
]
STEPS_BY_NAME = {s.name: s for s in STEP_TABLE}


def step_label(step: str) -> str:
    """The label of a task_access step (the audit trail's actions)."""
    return next((str(s.label) for s in STEP_TABLE if s.step == step), "")


def may_act(task: Task, step: TaskStep, user) -> bool:
    """The button is shown: the task is in a stage the step starts from and
    `task_access.step_authorize` lets the user act (the service checks again)."""
    if task.stage not in step.stages or step.step not in task_access.STEPS:
        return False
    try:
        task_access.step_authorize(task, step.step, user)
    except DomainError:
        return False
    return True


def steps_offered(task: Task, user, *, host: bool) -> list[TaskStep]:
    """The steps of the host's side (`host=True`) or the division's the user may take now."""
    return [
        s for s in STEP_TABLE if (s.side == task_access.HOST) == host and may_act(task, s, user)
    ]


def perform(step: TaskStep, task: Task, user, form: TaskStepForm) -> Task:
    """Call the step's service with the form's input (it decides, and raises a
    `DomainError` with the reason when it refuses: nothing is changed then)."""
    return step.service(task=task, actor=user, **form.service_kwargs())
