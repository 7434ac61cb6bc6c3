"""Pages of the assignments from the People's Committee (shared staff look).

The register `/can-bo/nhiem-vu-ubnd/` (filters, 25 a page, the same queries whatever the
number of assignments), an assignment's page (facts, the forms of the steps the reader
may take now, progress notes, extensions, ledger row, audit trail), the new-assignment
page and the import of the office's book. Every action calls its service, which
decides; a refusal shows the page again with the reason and nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from workflows.errors import DomainError
from workflows.http import client_ip

from . import access, imports, selectors, services
from .forms import (
    AssignForm,
    AssignmentFilter,
    AssignmentForm,
    CancelForm,
    CompleteForm,
    ExtendForm,
    ImportForm,
    NoteForm,
)
from .models import Assignment, ProgressNote

PAGE_SIZE = 25


def _querystring(request):
    qs = request.GET.copy()
    qs.pop("page", None)
    return qs


class StaffMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self) -> bool:
        return access.sees_register(self.request.user)


class RegisterView(StaffMixin, TemplateView):
    template_name = "directives/register.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        filters = AssignmentFilter(self.request.GET or None, queryset=selectors.register(user))
        page = Paginator(filters.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        return super().get_context_data(
            filters=filters,
            page_obj=page,
            rows=selectors.decorate(list(page.object_list), today),
            counters=selectors.counters(user, today),
            querystring=_querystring(self.request),
            today=today,
            may_create=access.may_create_any(user),
            may_import=bool(access.decide("import", None, user)),
            tab_register=True,
            **kwargs,
        )


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    form: type


STEPS = [
    Step("assign", gettext_lazy("Phân công cán bộ thực hiện"), AssignForm),
    Step("note", gettext_lazy("Ghi nhận tiến độ"), NoteForm),
    Step("complete", gettext_lazy("Báo cáo hoàn thành"), CompleteForm),
    Step("extend", gettext_lazy("Gia hạn"), ExtendForm),
    Step("cancel", gettext_lazy("Dừng thực hiện (UBND tỉnh thu hồi)"), CancelForm),
]
STEPS_BY_NAME = {s.name: s for s in STEPS}


def perform(step: Step, assignment: Assignment, user, form, ip) -> None:
    d = form.cleaned_data
    common = {"assignment": assignment, "actor": user, "request_ip": ip}
    if step.name == "assign":
        services.assignment_assign(officer=d["officer"], note=d.get("note") or "", **common)
    elif step.name == "note":
        services.assignment_note_add(text=d["text"], file=d.get("file"), **common)
    elif step.name == "complete":
        services.assignment_complete(
            outgoing_kind=d["outgoing_kind"],
            outgoing_number=d["outgoing_number"],
            outgoing_date=d["outgoing_date"],
            completed_on=d.get("completed_on"),
            note=d.get("note") or "",
            **common,
        )
    elif step.name == "extend":
        services.assignment_extend(
            new_due_on=d["new_due_on"],
            reason=d["reason"],
            approval=d.get("approval") or "",
            **common,
        )
    elif step.name == "cancel":
        services.assignment_cancel(reason=d["reason"], cancelled_on=d.get("cancelled_on"), **common)


def _assignment(request, pk: int) -> Assignment:
    try:
        return selectors.assignment_for_page(pk, request.user)
    except Assignment.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy nhiệm vụ.")) from exc


def _page_context(assignment: Assignment, user, bound=None) -> dict:
    allowed = access.steps_for(assignment, user)
    actions = []
    for step in STEPS:
        if step.name not in allowed:
            continue
        form = bound[1] if bound and bound[0].name == step.name else None
        actions.append((step, form or step.form(assignment=assignment, prefix=step.name)))
    if bound and all(s.name != bound[0].name for s, _f in actions):
        actions.insert(0, bound)
    selectors.decorate([assignment])
    return {
        "a": assignment,
        "page": selectors.page_sections(assignment),
        "actions": actions,
        "today": timezone.localdate(),
    }


class AssignmentView(StaffMixin, View):
    template_name = "directives/assignment.html"

    def get(self, request, pk: int):
        a = _assignment(request, pk)
        return render(request, self.template_name, _page_context(a, request.user))


class ActionView(StaffMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int, name: str):
        step = STEPS_BY_NAME.get(name)
        if step is None:
            raise Http404
        a = _assignment(request, pk)
        form = step.form(request.POST, request.FILES, assignment=a, prefix=step.name)
        status = 400
        if form.is_valid():
            try:
                perform(step, a, request.user, form, client_ip(request))
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = services.refusal_status(exc)
            else:
                messages.success(request, _("Đã thực hiện: %(a)s.") % {"a": step.label})
                return redirect("directives:assignment", pk=a.pk)
        a = _assignment(request, pk)
        return render(
            request,
            AssignmentView.template_name,
            _page_context(a, request.user, bound=(step, form)),
            status=status,
        )


class NoteFileView(StaffMixin, View):
    def get(self, request, pk: int, note: int):
        a = _assignment(request, pk)
        try:
            n = ProgressNote.objects.get(pk=note, assignment=a)
        except ProgressNote.DoesNotExist as exc:
            raise Http404 from exc
        if not n.file:
            raise Http404
        return FileResponse(
            n.file.open("rb"),
            as_attachment=True,
            filename=n.original_name or "tep",
            content_type=n.content_type or "application/octet-stream",
        )


class CreateView(StaffMixin, View):
    template_name = "directives/create.html"

    def _render(self, request, form, import_form, problems=(), status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "import_form": import_form,
                "problems": problems,
                "may_import": bool(access.decide("import", None, request.user)),
                "headers": imports.HEADERS,
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, AssignmentForm(), ImportForm())

    def post(self, request):
        form = AssignmentForm(request.POST)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                a = services.assignment_create(
                    actor=request.user,
                    source=d["source"],
                    source_kind=d["source_kind"],
                    source_number=d["source_number"],
                    source_date=d["source_date"],
                    content=d["content"],
                    received_on=d["received_on"],
                    due_on=d["due_on"],
                    lead_division=d["lead_division"],
                    supporting_divisions=d["supporting_divisions"],
                    officer=d.get("officer"),
                    request_ip=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = services.refusal_status(exc)
            else:
                messages.success(request, _("Đã vào sổ nhiệm vụ %(c)s.") % {"c": a.code})
                return redirect("directives:assignment", pk=a.pk)
        return self._render(request, form, ImportForm(), status=status)


class ImportView(StaffMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        problems: list[str] = []
        status = 400
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                result = imports.assignments_import(
                    actor=request.user,
                    file_name=f.name,
                    content=f.read(),
                    request_ip=client_ip(request),
                )
            except imports.ImportRefused as exc:
                form.add_error(None, str(exc))
                problems = exc.problems
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = services.refusal_status(exc)
            else:
                messages.success(
                    request,
                    _("Đã nhập %(n)s nhiệm vụ (%(c)s đã hoàn thành) từ tệp %(f)s.")
                    % {"n": result.created, "c": result.completed, "f": f.name},
                )
                return redirect("directives:register")
        return CreateView()._render(request, AssignmentForm(), form, problems, status)


class TemplateFileView(StaffMixin, View):
    """An empty book in the import's layout (CSV, UTF-8)."""

    def get(self, request):
        response = HttpResponse(imports.book_csv([]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="so-nhiem-vu-ubnd-giao.csv"'
        return response
