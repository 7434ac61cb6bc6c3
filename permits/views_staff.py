"""Staff pages of the radiation procedures: the flow's task pages (one per step), the
case page, the manager page and the register.

Views are thin: they read through `permits.selectors` and change things only through
`permits.services`. A refused action (`DomainError`) is shown with its Vietnamese
message and changes nothing; a task is completed only after its service succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from viewflow.workflow.flow.views import AssignTaskView, DetailProcessView
from viewflow.workflow.status import STATUS

from workflows.errors import DomainError
from workflows.http import client_ip
from workflows.manager import tally_current
from workflows.roles import Role, has_role
from workflows.views import StaffRequiredMixin

from . import access, selectors, services
from .models import ApologySlip, Dossier, Permit

PAGE_SIZE = 50


def vnd(amount: int | None) -> str:
    """An amount in đồng, grouped the Vietnamese way (10.000.000)."""
    return f"{amount or 0:,}".replace(",", ".")


def case_url(dossier: Dossier) -> str:
    return reverse("permits:staff-dossier", kwargs={"code": dossier.code})


# --- forms of the step actions -----------------------------------------------------------
class _DossierForm(forms.Form):
    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        super().__init__(*args, **kwargs)


class NoteForm(_DossierForm):
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredNoteForm(_DossierForm):
    note = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonsForm(_DossierForm):
    reasons = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class SupplementForm(_DossierForm):
    items = forms.MultipleChoiceField(
        label=_("Thành phần cần bổ sung, hoàn thiện"), widget=forms.CheckboxSelectMultiple
    )
    reasons = forms.CharField(
        label=_("Nội dung yêu cầu bổ sung"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["items"].choices = [
            (d["code"], d["name"]) for d in dossier.procedure_version.documents or []
        ]


class FeeForm(_DossierForm):
    receipt_no = forms.CharField(label=_("Số biên lai thu phí"), max_length=60)
    paid_on = forms.DateField(
        label=_("Ngày nộp phí"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Để trống nếu nộp hôm nay."),
    )


class AppraisalForm(_DossierForm):
    conclusion = forms.ChoiceField(
        label=_("Kết luận thẩm định"),
        choices=[("pass", _("Đạt yêu cầu")), ("fail", _("Không đạt yêu cầu"))],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("Nội dung biên bản thẩm định"), widget=forms.Textarea(attrs={"rows": 4})
    )


@dataclass(frozen=True)
class StepAction:
    """One button of a task page: its form and the service it calls."""

    name: str
    label: str
    form_class: type[_DossierForm]
    perform: Callable  # (dossier, actor, data, ip) -> object
    danger: bool = False


# --- the task pages (flow.View nodes) --------------------------------------------------------
class StepTaskView(TemplateView):
    """Shows the case and the step's actions; POST runs one action's service and, if
    it succeeded, completes the task (the flow then routes on the new status).

    Mounted by the flow node, which has already checked that the user owns the task
    and holds the step's role (403 otherwise)."""

    template_name = "permits/staff/task.html"
    actions: tuple[StepAction, ...] = ()

    def get_dossier(self) -> Dossier:
        return selectors.dossier_for_staff(pk=self.request.activation.process.artifact_object_id)

    def get_context_data(self, *, dossier: Dossier, bound: StepAction | None = None, form=None):
        forms_ = []
        for action in self.actions:
            f = form if bound is not None and action.name == bound.name else None
            forms_.append((action, f or action.form_class(dossier=dossier, prefix=action.name)))
        ctx = super().get_context_data(
            dossier=dossier,
            task=self.request.activation.task,
            process=self.request.activation.process,
            step_forms=forms_,
        )
        ctx.update(_case_context(dossier, self.request.user))
        return ctx

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(dossier=self.get_dossier()))

    def post(self, request, *args, **kwargs):
        action = next((a for a in self.actions if a.name == request.POST.get("action")), None)
        if action is None:
            return HttpResponseBadRequest(gettext("Thao tác không hợp lệ."))
        dossier = self.get_dossier()
        form = action.form_class(request.POST, dossier=dossier, prefix=action.name)
        if form.is_valid():
            try:
                action.perform(dossier, request.user, form.cleaned_data, client_ip(request))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                request.activation.execute()
                messages.success(
                    request,
                    gettext("Đã thực hiện “%(action)s” đối với hồ sơ %(code)s.")
                    % {"action": action.label, "code": dossier.code},
                )
                return HttpResponseRedirect(case_url(dossier))
        context = self.get_context_data(dossier=dossier, bound=action, form=form)
        return self.render_to_response(context)


def _accept(d, actor, data, ip):
    return services.dossier_accept(dossier=d, actor=actor, note=data["note"], request_ip=ip)


def _supplement(d, actor, data, ip):
    return services.dossier_request_supplement(
        dossier=d, actor=actor, items=data["items"], reasons=data["reasons"], request_ip=ip
    )


def _reject(d, actor, data, ip):
    return services.dossier_reject(dossier=d, actor=actor, reasons=data["reasons"], request_ip=ip)


def _record_fee(d, actor, data, ip):
    return services.dossier_record_fee(
        dossier=d,
        actor=actor,
        receipt_no=data["receipt_no"],
        paid_on=data["paid_on"],
        request_ip=ip,
    )


def _record_appraisal(d, actor, data, ip):
    return services.dossier_record_appraisal(
        dossier=d,
        actor=actor,
        conclusion=data["conclusion"],
        findings=data["findings"],
        request_ip=ip,
    )


def _approve(d, actor, data, ip):
    return services.dossier_review(
        dossier=d, actor=actor, approve=True, note=data["note"], request_ip=ip
    )


def _return_to_appraisal(d, actor, data, ip):
    return services.dossier_review(
        dossier=d, actor=actor, approve=False, note=data["note"], request_ip=ip
    )


def _sign(d, actor, data, ip):
    return services.dossier_sign(dossier=d, actor=actor, note=data["note"], request_ip=ip)


def _refuse(d, actor, data, ip):
    return services.dossier_refuse(dossier=d, actor=actor, reasons=data["reasons"], request_ip=ip)


def _return_to_review(d, actor, data, ip):
    return services.dossier_return_to_review(
        dossier=d, actor=actor, note=data["note"], request_ip=ip
    )


class CheckTaskView(StepTaskView):
    actions = (
        StepAction("accept", _("Tiếp nhận hồ sơ"), NoteForm, _accept),
        StepAction("supplement", _("Yêu cầu bổ sung hồ sơ"), SupplementForm, _supplement),
        StepAction("reject", _("Từ chối tiếp nhận"), ReasonsForm, _reject, danger=True),
    )


class FeeTaskView(StepTaskView):
    actions = (StepAction("record_fee", _("Xác nhận đã nộp phí"), FeeForm, _record_fee),)


class AppraisalTaskView(StepTaskView):
    actions = (
        StepAction(
            "record_appraisal", _("Lập biên bản thẩm định"), AppraisalForm, _record_appraisal
        ),
        StepAction("supplement", _("Yêu cầu bổ sung hồ sơ"), SupplementForm, _supplement),
    )


class ReviewTaskView(StepTaskView):
    actions = (
        StepAction("approve", _("Trình lãnh đạo Sở ký"), NoteForm, _approve),
        StepAction(
            "return", _("Trả lại chuyên viên thẩm định"), RequiredNoteForm, _return_to_appraisal
        ),
    )


class SigningTaskView(StepTaskView):
    actions = (
        StepAction("sign", _("Ký cấp"), NoteForm, _sign),
        StepAction("refuse", _("Ký văn bản từ chối cấp"), ReasonsForm, _refuse, danger=True),
        StepAction("return", _("Trả lại lãnh đạo phòng"), RequiredNoteForm, _return_to_review),
    )


# --- assigning the appraisal ------------------------------------------------------------------
class ClaimAppraisalView(AssignTaskView):
    """A specialist takes the appraisal: the dossier's specialist and the ledger row's
    owner become them (dossier_assign), then the task is theirs."""

    def form_valid(self, form):
        activation = self.request.activation
        dossier = activation.process.dossier
        try:
            services.dossier_assign(
                dossier=dossier,
                actor=self.request.user,
                specialist=self.request.user,
                request_ip=client_ip(self.request),
            )
        except DomainError as exc:
            messages.error(self.request, exc.message)
            return HttpResponseRedirect(case_url(dossier))
        return super().form_valid(form)

    def get_success_url(self):
        task = self.request.activation.task
        return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


class DelegateForm(forms.Form):
    specialist = forms.ModelChoiceField(label=_("Chuyên viên thẩm định"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = selectors.specialists()


class DelegateAppraisalView(TemplateView):
    """The head of division hands the appraisal to a specialist (the task may be
    unassigned or someone else's): dossier_assign first, then the task follows."""

    template_name = "permits/staff/delegate.html"

    def _context(self, form):
        activation = self.request.activation
        return {"form": form, "task": activation.task, "dossier": activation.process.dossier}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self._context(DelegateForm()))

    def post(self, request, *args, **kwargs):
        form = DelegateForm(request.POST)
        activation = request.activation
        dossier = activation.process.dossier
        if form.is_valid():
            specialist = form.cleaned_data["specialist"]
            try:
                services.dossier_assign(
                    dossier=dossier,
                    actor=request.user,
                    specialist=specialist,
                    request_ip=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if activation.task.status == STATUS.NEW:
                    activation.assign(specialist)
                else:
                    activation.reassign(user=specialist)
                messages.success(
                    request,
                    gettext("Đã giao hồ sơ %(code)s cho %(user)s.")
                    % {"code": dossier.code, "user": specialist},
                )
                return HttpResponseRedirect(case_url(dossier))
        return self.render_to_response(self._context(form))


class FlowProcessDetailView(DetailProcessView):
    """viewflow's process page without the cancel button; links to the case page."""

    template_name = "permits/staff/process_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        process = ctx["process"]
        dossier = Dossier.objects.filter(pk=process.artifact_object_id).only("code").first()
        ctx["case_url"] = case_url(dossier) if dossier else ""
        ctx["task_list"] = ctx["task_list"].select_related("owner")
        return ctx


# --- the case page -------------------------------------------------------------------------
def _hide_file_notes(entries, show_personal: bool):
    """The audit rows as read; without need, the notes of uploads (they name the
    uploaded files) are left out of the page (in memory only: audit rows are never
    written again)."""
    for e in entries:
        if not show_personal and e.action == "document_upload":
            e.note = ""
        yield e


def _case_context(dossier: Dossier, user) -> dict:
    """What the case page shows `user`. A reader whose role has no step in the procedure
    (council, inspection, another division) gets no personal fields (`show_personal`),
    no uploaded files and no generated documents (permits.access)."""
    show_personal = access.sees_personal_data(user, dossier)
    tasks = selectors.dossier_tasks(dossier)
    current = []
    for task in selectors.open_tasks(tasks):
        try:
            url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
        except Exception:  # the flow is not mounted in this URLconf
            url = ""
        current.append({"task": task, "url": url})
    names = selectors.document_names(dossier)
    spec = dossier.spec
    return {
        "today": timezone.localdate(),
        "spec": spec,
        "details": spec.details.rows(dossier) if spec.details else [],
        "show_personal": show_personal,
        "documents": [
            {"doc": d, "name": names.get(d.item, d.item), "url": selectors.document_url(dossier, d)}
            for d in (dossier.documents.all() if show_personal else ())
        ],
        "devices": [{"device": d, "fee": vnd(d.fee)} for d in dossier.devices.all()],
        "fee_total": vnd(dossier.fee_total),
        "supplements": [
            {"request": r, "items": [names.get(i, i) for i in r.items]}
            for r in dossier.supplements.all()
        ],
        "apologies": list(dossier.apologies.all()),
        "generated": selectors.generated_documents(dossier) if show_personal else [],
        "timeline": [
            {
                "entry": e,
                "action": selectors.audit_action_label(e.action),
                "from": selectors.status_label(e.from_state),
                "to": selectors.status_label(e.to_state),
            }
            for e in _hide_file_notes(selectors.dossier_timeline(dossier), show_personal)
        ],
        "clock_events": list(selectors.dossier_clock_events(dossier)),
        "ledger": [
            {
                "row": r,
                "kind_label": selectors.deadline_kind_label(r.kind),
                "role": selectors.role_label(r.owner_group.name if r.owner_group else None),
            }
            for r in selectors.dossier_ledger(dossier)
        ],
        "tasks": tasks,
        "current_tasks": current,
    }


class ApologyDraftForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do chậm trả kết quả"), widget=forms.Textarea(attrs={"rows": 2})
    )
    new_date = forms.DateField(
        label=_("Ngày hẹn mới"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Để trống: theo quy định của thủ tục."),
    )


def _can_handle_apology(user, dossier: Dossier) -> bool:
    # the head of the appraising division or the director (permits.access)
    return access.holds_step(user, "apology_issue", dossier.kind)


class DossierStaffView(StaffRequiredMixin, TemplateView):
    """Everything about one dossier for the staff (permits:staff-dossier)."""

    template_name = "permits/staff/dossier.html"

    def get_context_data(self, **kwargs):
        try:
            dossier = selectors.dossier_for_staff(code=kwargs["code"])
        except Dossier.DoesNotExist:
            raise Http404(gettext("Không tìm thấy hồ sơ.")) from None
        ctx = super().get_context_data(dossier=dossier, **_case_context(dossier, self.request.user))
        ctx["can_apology"] = _can_handle_apology(self.request.user, dossier)
        ctx["apology_form"] = ApologyDraftForm()
        return ctx


class _DossierActionView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def dossier(self) -> Dossier:
        return get_object_or_404(Dossier, code=self.kwargs["code"])


class ApologyDraftView(_DossierActionView):
    def post(self, request, code):
        dossier = self.dossier()
        form = ApologyDraftForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(case_url(dossier))
        try:
            services.apology_draft(
                dossier=dossier,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                new_date=form.cleaned_data["new_date"],
                request_ip=client_ip(request),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Đã lập dự thảo phiếu xin lỗi và hẹn lại."))
        return redirect(case_url(dossier))


class ApologyIssueView(_DossierActionView):
    def post(self, request, code, pk):
        dossier = self.dossier()
        slip = get_object_or_404(ApologySlip, pk=pk, dossier=dossier)
        try:
            services.apology_issue(apology=slip, actor=request.user, request_ip=client_ip(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Đã phát hành phiếu xin lỗi và hẹn lại."))
        return redirect(case_url(dossier))


class DossierLookupView(StaffRequiredMixin, View):
    """The search box of the staff home: go to a dossier's page by its code."""

    def get(self, request):
        code = (request.GET.get("code") or "").strip().upper()
        if code and Dossier.objects.filter(code=code).exists():
            return redirect("permits:staff-dossier", code=code)
        if code:
            messages.error(request, gettext("Không tìm thấy hồ sơ %(code)s.") % {"code": code})
        return redirect("permits:staff-home")


class StaffHomeView(StaffRequiredMixin, TemplateView):
    template_name = "permits/staff/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_manager=_is_manager(self.request.user), **kwargs)


# --- the manager page --------------------------------------------------------------------------
def _is_manager(user) -> bool:
    return bool(user.is_superuser or has_role(user, Role.HEAD_OF_DIVISION, Role.DIRECTOR))


class ManagerRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self) -> bool:
        return _is_manager(self.request.user)


class _KnownCountPaginator(Paginator):
    """A paginator told its number of rows (the tally's) instead of counting them."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


class ManagerView(ManagerRequiredMixin, TemplateView):
    """Overdue and due-soon radiation cases, counted by step and by officer, and the
    list (permits:manager). The counts come from the managers' ledger tally
    (workflows.manager), the rows are live: neither grows with the number of rows."""

    template_name = "permits/staff/manager.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        stamp = tally_current()
        by_step = selectors.manager_counts_by_step(today=today)
        by_owner = selectors.manager_counts_by_owner(today=today)
        # the list's total from the tally's counts, its rows live (LIMIT on the partial index)
        total = sum(r["total"] for r in by_step)
        page = _KnownCountPaginator(
            selectors.manager_deadlines(today=today), PAGE_SIZE, count=total
        ).get_page(self.request.GET.get("page"))
        statuses = selectors.dossier_statuses(page.object_list)
        rows = [
            {
                "row": d,
                "kind_label": selectors.deadline_kind_label(d.kind),
                "status_label": selectors.status_label(statuses.get(d.object_id)),
                "owner_label": selectors.owner_label(
                    username=d.owner_user.username if d.owner_user else None,
                    last_name=d.owner_user.last_name if d.owner_user else "",
                    first_name=d.owner_user.first_name if d.owner_user else "",
                    group=d.owner_group.name if d.owner_group else None,
                ),
                "days_late": selectors.days_late(d.due_date, today),
                "url": reverse("permits:staff-dossier", kwargs={"code": d.dossier_code})
                if d.dossier_code
                else "",
            }
            for d in page.object_list
        ]
        return super().get_context_data(
            today=today,
            soon_until=selectors.soon_limit(today),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            rows=rows,
            by_step=by_step,
            by_owner=by_owner,
            total_overdue=sum(r["overdue"] for r in by_step),
            total_due_soon=sum(r["due_soon"] for r in by_step),
            stamp=stamp,
            department_url=reverse("manager:index"),
            **kwargs,
        )


# --- the register ------------------------------------------------------------------------------
class RegisterView(StaffRequiredMixin, TemplateView):
    """The register of issued permits and certificates (permits:register)."""

    template_name = "permits/staff/register.html"

    def get_context_data(self, **kwargs):
        state = self.request.GET.get("state") or ""
        if state not in Permit.State.values:
            state = ""
        kind = self.request.GET.get("kind") or ""
        if kind not in Permit.Kind.values:
            kind = ""
        page = Paginator(selectors.register_permits(state=state, kind=kind), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        querystring = self.request.GET.copy()
        querystring.pop("page", None)
        return super().get_context_data(
            page_obj=page,
            is_paginated=page.has_other_pages(),
            permits=page.object_list,
            states=Permit.State.choices,
            kinds=Permit.Kind.choices,
            current_state=state,
            current_kind=kind,
            querystring=querystring,
            **kwargs,
        )
