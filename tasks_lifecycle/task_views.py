"""Pages of the S&T tasks.

The managing division (shared staff look, `/nhiem-vu/`): the register with its filters,
a task's page (stages, documents, councils, contract and instalments, inspections,
acceptance dossiers, ledger rows, audit trail, and the forms of the steps the reader may
take now), the overdue / due-soon view by stage and by officer.

The host organisation and its PI (plain pages, `/to-chuc/nhiem-vu/`): my tasks with the
dates we owe and the latest notifications, a proposal, a task's page without what is
the division's own, and the forms of the host's steps.

Every action is one line of the step table (`task_steps.STEP_TABLE`) and calls its
service, which decides; a refusal is shown with its reason and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from workflows.errors import ActionForbidden, DomainError, TransitionRefused

from . import task_access, task_selection, task_selectors, task_services
from .models import Stage, Task
from .task_forms import ApplicationForm, ProposeForm, TaskFilter
from .task_steps import STEPS_BY_NAME, perform, steps_offered

PAGE_SIZE = 25


def _querystring(request):
    qs = request.GET.copy()
    qs.pop("page", None)
    return qs


class TaskStaffMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The division's pages: its staff and the director (others: 403)."""

    def test_func(self) -> bool:
        return task_selectors.sees_all_tasks(self.request.user)


# --- the division ---------------------------------------------------------------------------------
class RegisterView(TaskStaffMixin, TemplateView):
    """Every task with its stage, its next legal date and who owes it; filtered,
    25 a page, the same queries whatever the number of tasks."""

    template_name = "tasks_lifecycle/tasks/register.html"

    def get_context_data(self, **kwargs):
        filters = TaskFilter(self.request.GET or None, queryset=task_selectors.register())
        page = Paginator(filters.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filters=filters,
            page_obj=page,
            tasks=task_selectors.attach_next_due(list(page.object_list)),
            querystring=_querystring(self.request),
            today=timezone.localdate(),
            tab_register=True,
            **kwargs,
        )


class OverdueView(TaskStaffMixin, TemplateView):
    """Tasks with a ledger row overdue or due soon, counted by stage and by the officer
    following them, and the rows themselves (most urgent first)."""

    template_name = "tasks_lifecycle/tasks/overdue.html"

    def get_context_data(self, **kwargs):
        g = self.request.GET
        today = timezone.localdate()
        within = int(g.get("within")) if g.get("within", "").isdigit() else 0
        if within not in task_selectors.DUE_SOON_CHOICES:
            within = task_selectors.DUE_SOON_DEFAULT
        until = task_selectors.soon_until(today, within)
        stage = g.get("stage") if g.get("stage") in Stage.values else ""
        officer = int(g["officer"]) if g.get("officer", "").isdigit() else None
        by_stage = task_selectors.due_counts(by="stage", today=today, until=until)
        by_officer = task_selectors.due_counts(by="officer", today=today, until=until)
        rows = task_selectors.due_rows(today=today, until=until, stage=stage, officer=officer)
        page = Paginator(rows, 50).get_page(g.get("page"))
        return super().get_context_data(
            today=today,
            until=until,
            within=within,
            within_choices=task_selectors.DUE_SOON_CHOICES,
            stage=stage,
            stage_label=Stage(stage).label if stage else "",
            officer=officer,
            by_stage=by_stage,
            by_officer=by_officer,
            total_overdue=sum(r["overdue"] for r in by_stage),
            total_due_soon=sum(r["due_soon"] for r in by_stage),
            page_obj=page,
            rows=task_selectors.decorate_rows(page.object_list, today),
            querystring=_querystring(self.request),
            tab_overdue=True,
            **kwargs,
        )


def _page_context(task: Task, user, *, host: bool, bound=None) -> dict:
    """A task's page for `user`: its sections, and a form for each step the user may
    take now (`bound`: the step and form just posted, with their errors)."""
    actions = []
    for step in steps_offered(task, user, host=host):
        form = bound[1] if bound and bound[0].name == step.name else None
        actions.append((step, form or step.form(task=task, user=user, prefix=step.name)))
    if bound and all(s.name != bound[0].name for s, _f in actions):
        actions.insert(0, bound)  # refused: the form stays with its reason
    return {
        "page": task_selectors.task_page(task, user, for_host=host),
        "task": task,
        "tone": task_selectors.stage_tone(task.stage),
        "actions": actions,
        "council_links": not host and task_selectors.council_staff(user),
        "pdfs": _task_pdfs(task, staff=not host),
        "today": timezone.localdate(),
    }


def _staff_task(request, pk: int) -> Task:
    try:
        return task_selectors.task_for_page(pk, task_selectors.tasks_visible(request.user))
    except Task.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy nhiệm vụ.")) from exc


class TaskPageView(LoginRequiredMixin, View):
    template_name = "tasks_lifecycle/tasks/task.html"

    def get(self, request, pk: int):
        task = _staff_task(request, pk)
        if not task_selectors.sees_all_tasks(request.user):
            return redirect("tasks_lifecycle:host-task", pk=task.pk)  # the host's own page
        return render(request, self.template_name, _page_context(task, request.user, host=False))


def _refusal_status(exc: DomainError) -> int:
    if isinstance(exc, ActionForbidden):
        return 403
    if isinstance(exc, TransitionRefused):
        return 409
    return 400


class TaskActionView(LoginRequiredMixin, View):
    """One step of the table on one task: the form, then the service. A refusal is the
    page again with the reason on the form (400 a rule, 403 not your step, 409 wrong
    stage), and the task as it was."""

    http_method_names = ["post"]

    def post(self, request, pk: int, name: str):
        step = STEPS_BY_NAME.get(name)
        if step is None:
            raise Http404
        task = _staff_task(request, pk)
        host = step.side == task_access.HOST
        if not host and not task_selectors.sees_all_tasks(request.user):
            raise Http404
        form = step.form(
            request.POST, request.FILES, task=task, user=request.user, prefix=step.name
        )
        status = 400
        if form.is_valid():
            try:
                perform(step, task, request.user, form)
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = _refusal_status(exc)
            else:
                messages.success(request, _("Đã thực hiện: %(a)s.") % {"a": step.label})
                target = "host-task" if host else "task"
                return redirect(f"tasks_lifecycle:{target}", pk=task.pk)
        task = _staff_task(request, pk)  # as it is now (a refusal changed nothing)
        template = HostTaskView.template_name if host else TaskPageView.template_name
        context = _page_context(task, request.user, host=host, bound=(step, form))
        return render(request, template, context, status=status)


# --- the host organisation and the PI -------------------------------------------------------------
class HostHomeView(LoginRequiredMixin, TemplateView):
    """My tasks, the dates we owe, the latest notifications, and a new proposal."""

    template_name = "tasks_lifecycle/tasks/host_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        qs = task_selectors.register(
            task_selectors.tasks_of_party(user), only=task_selectors.owed_by(user)
        )
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        owed = list(task_selectors.dates_owed(user)[:30])
        for d in owed:
            d.label = task_selectors.kind_label(d.kind)
            d.is_late = d.due_date < today
            d.task_id = int(d.object_id)
        notes, unread = task_selectors.recent_notifications(user)
        return super().get_context_data(
            page_obj=page,
            tasks=task_selectors.attach_next_due(list(page.object_list)),
            querystring=_querystring(self.request),
            owed=owed,
            notifications=notes,
            unread=unread,
            can_propose=user.host_organisations.filter(is_active=True).exists(),
            today=today,
            **kwargs,
        )


class HostTaskView(LoginRequiredMixin, View):
    template_name = "tasks_lifecycle/tasks/host_task.html"

    def get(self, request, pk: int):
        try:
            task = task_selectors.task_for_page(pk, task_selectors.tasks_of_party(request.user))
        except Task.DoesNotExist as exc:
            if task_selectors.sees_all_tasks(request.user) and Task.objects.filter(pk=pk).exists():
                return redirect("tasks_lifecycle:task", pk=pk)  # the division's page
            raise Http404(_("Không tìm thấy nhiệm vụ.")) from exc
        return render(request, self.template_name, _page_context(task, request.user, host=True))


class ProposeView(LoginRequiredMixin, View):
    """A host organisation's user proposes a task for ordering (task_propose)."""

    template_name = "tasks_lifecycle/tasks/host_propose.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ProposeForm(user=request.user)})

    def post(self, request):
        form = ProposeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                task = task_services.task_propose(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã gửi đề xuất %(code)s.") % {"code": task.code})
                return redirect(reverse("tasks_lifecycle:host-task", kwargs={"pk": task.pk}))
        return render(request, self.template_name, {"form": form}, status=400)


# --- the calls an organisation may apply to ---------------------------------------------------
def open_calls(user):
    """The tasks an organisation's user may file for: a public call still open, or a
    direct assignment to one of the user's organisations (published, not yet filed)."""
    from django.db.models import Q

    today = timezone.localdate()
    orgs = user.host_organisations.filter(is_active=True).values("pk")
    return (
        Task.objects.filter(
            Q(stage=Stage.CALL_OPEN, calls__closes_on__gte=today, calls__failed_on__isnull=True)
            | Q(stage=Stage.PUBLISHED, method="direct", proposer__in=orgs)
        )
        .select_related("proposer")
        .distinct()
        .order_by("code")
    )


class OpenCallsView(LoginRequiredMixin, View):
    """The calls open to applications (thông báo tuyển chọn), each with its form: the
    organisation files online, the service checks the call, the bar and the file."""

    template_name = "tasks_lifecycle/tasks/host_calls.html"

    def _render(self, request, bound=None, status=200):
        rows = []
        for task in open_calls(request.user):
            form = bound[1] if bound and bound[0] == task.pk else None
            rows.append((task, form or ApplicationForm(user=request.user, prefix=f"t{task.pk}")))
        return render(request, self.template_name, {"rows": rows}, status=status)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        try:
            pk = int(request.POST.get("task", ""))
        except ValueError:
            raise Http404 from None
        task = open_calls(request.user).filter(pk=pk).first()
        if task is None:
            raise Http404
        form = ApplicationForm(request.POST, request.FILES, user=request.user, prefix=f"t{pk}")
        status = 400
        if form.is_valid():
            try:
                task_selection.task_apply(actor=request.user, task=task, **form.service_kwargs())
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = _refusal_status(exc)
            else:
                messages.success(
                    request, _("Đã nộp hồ sơ đăng ký nhiệm vụ %(c)s.") % {"c": task.code}
                )
                return redirect("tasks_lifecycle:host-calls")
        return self._render(request, bound=(pk, form), status=status)


# --- the task's documents as PDF -------------------------------------------------------------
def _task_pdfs(task: Task, *, staff: bool) -> list[tuple[str, str, str]]:
    """The PDFs this task has now for this reader: (slug, query, label). The opening
    record (it names every applicant) and the draft recognition decision are the
    division's; the host sees its call notice, its inspection minutes, its refund notice."""
    from .models import Call

    docs = []
    call = Call.objects.filter(task=task).order_by("-round").first()
    if call is not None:
        docs.append(("thong-bao-tuyen-chon", "", _("Thông báo tuyển chọn (lần %(n)s)") % {
            "n": call.round}))  # fmt: skip
        if staff and call.opened_on:
            docs.append(("bien-ban-mo-ho-so", "", _("Biên bản mở hồ sơ đăng ký")))
    for inspection in task.inspections.filter(ended_on__isnull=False).order_by("number"):
        docs.append(
            ("bien-ban-kiem-tra", f"?lan={inspection.number}",
             _("Biên bản kiểm tra định kỳ lần %(n)s") % {"n": inspection.number})
        )  # fmt: skip
    if staff and task.stage in (Stage.CORRECTIONS, Stage.RECOGNISED):
        docs.append(("du-thao-cong-nhan", "", _("Dự thảo quyết định công nhận kết quả")))
    if task.stage in (Stage.FAILED, Stage.TERMINATED):
        docs.append(("thong-bao-thu-hoi", "", _("Thông báo thu hồi kinh phí")))
    return docs


class TaskDocumentView(LoginRequiredMixin, View):
    """A PDF of the task, to whom may read it (the division and the director see every
    task; a host's users and the PI their own), else 404."""

    def get(self, request, pk: int, slug: str):
        from django.http import HttpResponse

        from . import documents, task_documents
        from .models import Call

        task = _staff_task(request, pk)
        staff = task_selectors.sees_all_tasks(request.user)
        if slug not in {d[0] for d in _task_pdfs(task, staff=staff)}:
            raise Http404
        call = Call.objects.filter(task=task).order_by("-round").first()
        if slug == "thong-bao-tuyen-chon":
            body = documents.call_notice_pdf(call)
        elif slug == "bien-ban-mo-ho-so":
            body = documents.opening_record_pdf(call)
        elif slug == "bien-ban-kiem-tra":
            number = request.GET.get("lan", "")
            inspection = task.inspections.filter(
                number=int(number) if number.isdigit() else 0, ended_on__isnull=False
            ).first()
            if inspection is None:
                raise Http404
            body = task_documents.inspection_minutes_pdf(inspection)
        elif slug == "du-thao-cong-nhan":
            body = task_documents.recognition_decision_pdf(task)
        else:
            body = task_documents.refund_notice_pdf(task)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{task.code}-{slug}.pdf"'
        return response
