"""REST API of the S&T tasks, under /api/tasks/ (registered on the project's router).

- `GET /api/tasks/`: the tasks the user sees (the managing division's staff and the
  director: all; a host organisation's users and a PI: their own), with the
  register's filters (`stage`, `programme`, `field`, `year`, `host`, `officer`, `q`, `o`);
- `GET /api/tasks/<id>/`: one task (404 when the user does not see it);
- `POST /api/tasks/`: a host organisation's user proposes a task (task_propose);
- `POST /api/tasks/<id>/<step>/`: one operation per line of the step table
  (`task_steps.STEP_TABLE`), its request body the step's form (`workflows.api_forms`).

An action checks, before its input, who may act (403 `forbidden`, `held_by_other`,
`not_host`…) and the stage (409, nothing changed); then the form (400 field by field);
then the service, which checks everything again under the task's row lock (400 a rule,
403, 409). Errors have the one shape of `workflows.api_errors`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from workflows.api_errors import error_response
from workflows.api_forms import form_from_api, form_has_files, form_serializer
from workflows.api_serializers import Serializer
from workflows.errors import ActionForbidden, TransitionRefused

from . import task_access, task_selection, task_selectors, task_services
from .models import Task
from .task_forms import ApplicationForm, ProposeForm, TaskFilter
from .task_steps import STEP_TABLE, TaskStep, may_act, perform

TAG = "tasks"
E400 = error_response(gettext_lazy("Dữ liệu hoặc quy định không cho phép; không có gì thay đổi."))
E403 = error_response(gettext_lazy("Người dùng không có bước xử lý này."))
E404 = error_response(gettext_lazy("Không có nhiệm vụ này, hoặc người dùng không được xem."))
E409 = error_response(
    gettext_lazy("Nhiệm vụ không ở giai đoạn cho phép thao tác này; không có gì thay đổi.")
)


# --- serializers -------------------------------------------------------------------------------
class TaskNextDueSerializer(Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_date = serializers.DateField()
    owner = serializers.CharField(source="owner_label")


class TaskListSerializer(serializers.ModelSerializer):
    programme_label = serializers.CharField(source="get_programme_display")
    stage_label = serializers.CharField(source="get_stage_display")
    host = serializers.CharField(source="host.name", default=None, allow_null=True)
    proposer = serializers.CharField(source="proposer.name", default=None, allow_null=True)
    pi_name = serializers.CharField(source="pi.full_name", default=None, allow_null=True)
    officer = serializers.SerializerMethodField()
    next_due = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "code", "title", "programme", "programme_label", "field", "year",
                  "task_type", "method", "stage", "stage_label", "host", "proposer", "pi_name",
                  "officer", "next_due"]  # fmt: skip

    def get_officer(self, task) -> str | None:
        u = task.officer
        return (u.get_full_name() or u.username) if u else None

    @extend_schema_field(TaskNextDueSerializer(allow_null=True))
    def get_next_due(self, task):
        row = getattr(task, "next_due", None)
        if row is None:
            return None
        row.owner_label = task_selectors.owner_label(row)
        return TaskNextDueSerializer(row).data


class TaskPersonSerializer(Serializer):
    name = serializers.CharField()
    email = serializers.EmailField(allow_null=True, help_text=gettext_lazy(
        "Chỉ với người có bước xử lý nhiệm vụ và tổ chức chủ trì; null với người khác."
    ))  # fmt: skip


class TaskInstalmentSerializer(Serializer):
    number = serializers.IntegerField()
    due_on = serializers.DateField()
    amount = serializers.IntegerField()
    paid_on = serializers.DateField(allow_null=True)


class TaskContractSerializer(Serializer):
    number = serializers.CharField()
    signed_on = serializers.DateField()
    effective_on = serializers.DateField()
    starts_on = serializers.DateField()
    original_ends_on = serializers.DateField()
    ends_on = serializers.DateField()
    budget = serializers.IntegerField()
    extended_months = serializers.IntegerField()
    instalments = TaskInstalmentSerializer(many=True)


class TaskInspectionSerializer(Serializer):
    number = serializers.IntegerField()
    due_on = serializers.DateField()
    planned_on = serializers.DateField(allow_null=True)
    notified_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    workload_confirmed_on = serializers.DateField(allow_null=True)
    spending_confirmed_on = serializers.DateField(allow_null=True)


class TaskDossierSerializer(Serializer):
    submitted_on = serializers.DateField()
    validity = serializers.CharField()
    notice_on = serializers.DateField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())
    self_evaluation = serializers.CharField()


class TaskCouncilSerializer(Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField(source="kind.code")
    status = serializers.CharField()
    meeting_on = serializers.DateField(allow_null=True)


class TaskDeadlineSerializer(Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_date = serializers.DateField()
    state = serializers.CharField()
    owner = serializers.CharField(source="owner_label")
    closed_on = serializers.DateField(allow_null=True)


class TaskStageEventSerializer(Serializer):
    at = serializers.DateTimeField()
    stage = serializers.CharField(source="to_state")
    stage_label = serializers.CharField(source="to_label")
    action = serializers.CharField()
    note = serializers.CharField()


class TaskDetailSerializer(TaskListSerializer):
    """A task as its reader sees it; `actions` are the steps they may take now."""

    summary = serializers.CharField()
    state_budget = serializers.IntegerField()
    duration_months = serializers.IntegerField(allow_null=True)
    personal_data_shown = serializers.BooleanField(source="page.personal")
    pi = TaskPersonSerializer(source="pi_person", allow_null=True)
    participants = TaskPersonSerializer(source="participant_people", many=True)
    contract = TaskContractSerializer(source="contract_data", allow_null=True)
    inspections = TaskInspectionSerializer(source="page.inspections", many=True)
    dossiers = TaskDossierSerializer(source="page.dossiers", many=True)
    councils = TaskCouncilSerializer(source="page.councils", many=True)
    deadlines = TaskDeadlineSerializer(source="page.deadlines", many=True)
    stages = TaskStageEventSerializer(source="page.stages", many=True)
    actions = serializers.ListField(child=serializers.CharField(), source="step_names")

    class Meta(TaskListSerializer.Meta):
        fields = [*TaskListSerializer.Meta.fields, "summary", "state_budget", "duration_months",
                  "personal_data_shown", "pi", "participants", "contract", "inspections",
                  "dossiers", "councils", "deadlines", "stages", "actions"]  # fmt: skip


def _person(inv, shown: bool) -> dict:
    return {"name": str(inv), "email": (inv.email or None) if shown else None}


def detail_data(task: Task, user) -> Task:
    """`task` with what its detail shows `user`: the host side gets the host's page
    (their own dates, no division rows), the division everything."""
    host_side = not task_selectors.sees_all_tasks(user)
    page = task_selectors.task_page(task, user, for_host=host_side)
    task_selectors.attach_next_due([task])
    c = page.contract
    task.page = page
    task.contract_data = None
    if c is not None:
        fields = ("number", "signed_on", "effective_on", "starts_on", "original_ends_on",
                  "ends_on", "budget", "extended_months")  # fmt: skip
        task.contract_data = {
            **{f: getattr(c, f) for f in fields},
            "instalments": page.instalments,
        }
    task.pi_person = _person(task.pi, page.personal) if task.pi_id else None
    task.participant_people = [_person(p, page.personal) for p in task.participants.all()]
    task.step_names = [s.name for s in STEP_TABLE if may_act(task, s, user)]
    return task


# --- the viewset ---------------------------------------------------------------------------------
def _visible(request):
    return task_selectors.tasks_visible(request.user)


def _answer(request, pk: int, http_status: int = status.HTTP_200_OK) -> Response:
    task = task_selectors.task_for_page(pk, task_selectors.register(_visible(request)))
    return Response(TaskDetailSerializer(detail_data(task, request.user)).data, status=http_status)


class ApplicationReceiptSerializer(Serializer):
    application = serializers.IntegerField(help_text=gettext_lazy("Số hồ sơ đăng ký"))
    task = serializers.CharField(help_text=gettext_lazy("Mã nhiệm vụ"))


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Sổ nhiệm vụ KH&CN"),
        description=gettext_lazy(
            "Các nhiệm vụ người dùng được xem, với giai đoạn và hạn tiếp theo: Phòng Quản lý "
            "khoa học và công nghệ và lãnh đạo Sở xem tất cả; tổ chức chủ trì và chủ nhiệm "
            "xem nhiệm vụ của mình."
        ),
        responses={200: TaskListSerializer(many=True), 403: E403},
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Chi tiết nhiệm vụ"),
        responses={200: TaskDetailSerializer, 403: E403, 404: E404},
    ),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Provincial S&T tasks, from the proposal to the acceptance."""

    filterset_class = TaskFilter
    parser_classes = [JSONParser]  # lists and dates in JSON, as the schema says
    lookup_value_regex = r"\d+"
    queryset = Task.objects.none()
    serializer_class = TaskListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        return task_selectors.register(_visible(self.request))

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = task_selectors.attach_next_due(list(page if page is not None else qs))
        data = TaskListSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, pk=None):
        return _answer(request, self.get_object().pk)

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Đề xuất nhiệm vụ đặt hàng (tổ chức chủ trì)"),
        request=form_serializer(ProposeForm, "TaskPropose"),
        responses={201: TaskDetailSerializer, 400: E400, 403: E403},
    )
    def create(self, request):
        if not request.user.host_organisations.filter(is_active=True).exists():
            raise ActionForbidden(
                _("Chỉ tài khoản của tổ chức đề xuất, chủ trì được đề xuất nhiệm vụ."),
                code="not_host",
            )
        form = form_from_api(
            ProposeForm, request.data, name="TaskPropose", user=request.user, any_organisation=True
        )
        task = task_services.task_propose(actor=request.user, **form.cleaned_data)
        return _answer(request, task.pk, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Nộp hồ sơ đăng ký tuyển chọn, giao trực tiếp"),
        description=gettext_lazy(
            "Người thực hiện: tài khoản của chính tổ chức đăng ký chủ trì, khi thông báo "
            "tuyển chọn còn thời hạn (hoặc nhiệm vụ giao trực tiếp cho tổ chức đó)."
        ),
        request={"multipart/form-data": form_serializer(ApplicationForm, "TaskApply")},
        responses={201: ApplicationReceiptSerializer, 400: E400, 403: E403, 404: E404},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path="apply", parser_classes=[MultiPartParser])
    def apply(self, request, pk=None):
        from .task_views import open_calls

        task = open_calls(request.user).filter(pk=pk).first() if pk.isdigit() else None
        if task is None:
            raise NotFound
        form = form_from_api(ApplicationForm, request.data, name="TaskApply", user=request.user)
        application = task_selection.task_apply(
            actor=request.user, task=task, **form.service_kwargs()
        )
        return Response(
            {"application": application.pk, "task": task.code}, status=status.HTTP_201_CREATED
        )

    def _step(self, request, step: TaskStep) -> Response:
        task = task_selectors.task_for_page(self.get_object().pk, _visible(request))
        task_access.step_authorize(task, step.step, request.user)
        if task.stage not in step.stages:
            raise TransitionRefused(
                _("Nhiệm vụ đang ở giai đoạn “%(s)s”: chưa thể %(a)s.")
                % {"s": task.get_stage_display(), "a": str(step.label).lower()},
                code="wrong_stage",
            )
        form = form_from_api(
            step.form, request.data, name=step.api_name, task=task, user=request.user
        )
        perform(step, task, request.user, form)
        return _answer(request, task.pk)


def _step_action(step: TaskStep):
    def run(self, request, pk=None):
        return self._step(request, step)

    run.__name__ = "step_" + step.name.replace("-", "_")
    run.__doc__ = str(step.label)
    side = {
        task_access.DIVISION: gettext_lazy(
            "Người thực hiện: chuyên viên Phòng Quản lý khoa học và công nghệ theo dõi nhiệm "
            "vụ, lãnh đạo phòng hoặc lãnh đạo Sở."
        ),
        task_access.LEADER: gettext_lazy("Người thực hiện: lãnh đạo phòng hoặc lãnh đạo Sở."),
        task_access.HOST: gettext_lazy("Người thực hiện: tài khoản của tổ chức chủ trì."),
    }[step.side]
    schema = extend_schema(
        tags=[TAG],
        summary=step.label,
        description=side,
        request=form_serializer(step.form, step.api_name),
        responses={200: TaskDetailSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    parsers = [MultiPartParser] if form_has_files(step.form) else [JSONParser]
    return schema(
        action(detail=True, methods=["post"], url_path=step.name, parser_classes=parsers)(run)
    )


for _s in STEP_TABLE:
    setattr(TaskViewSet, "step_" + _s.name.replace("-", "_"), _step_action(_s))


def register(router) -> None:
    router.register("tasks", TaskViewSet, basename="tasks-task")
