"""Pages of the penalty procedure: the staff register, case page, payments and import
page, the overdue / time-bar view (shared staff look), the PDFs, and the public lookup.

Views stay thin: they read through `selectors` and change through one service each.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from workflows.audit import audit_trail
from workflows.errors import DomainError
from workflows.http import client_ip
from workflows.ledger import deadlines_for_case
from workflows.lookup_limit import RATE_LIMITED_MESSAGE, lookup_attempt_allowed

from . import access, documents, services
from .lookup import NOT_FOUND_MESSAGE, penalty_lookup
from .models import DeliveryAttempt, PenaltyCase, StatementImport, Status
from .selectors import case_money, cases_with_money, next_date, register, time_bar_watch

PAGE_SIZE = 50
DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]


class CasesRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Only roles with a step in the procedure see the penalty pages."""

    def test_func(self) -> bool:
        return access.sees_cases(self.request.user)


def _rows(cases, today: date) -> list[dict]:
    rows = []
    for c in cases:
        money = case_money(c, on=today)
        day, label = next_date(c)
        rows.append({"case": c, "money": money, "next": day, "next_label": label})
    return rows


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return page, querystring


class RegisterView(CasesRequiredMixin, TemplateView):
    """The penalty register: decision, violator, amount, paid, surcharge today, stage,
    next date; filtered and paginated (the queries do not grow with the rows)."""

    template_name = "penalties/register.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status") or ""
        if status not in Status.values:
            status = ""
        q = (self.request.GET.get("q") or "").strip()[:60]
        page, querystring = _page(self.request, register(status=status, q=q))
        today = timezone.localdate()
        return super().get_context_data(
            page_obj=page,
            rows=_rows(page.object_list, today),
            statuses=Status.choices,
            current_status=status,
            q=q,
            querystring=querystring,
            today=today,
            **kwargs,
        )


class OverdueView(CasesRequiredMixin, TemplateView):
    """Overdue cases and the time-bar watch (limitation within 90 days)."""

    template_name = "penalties/overdue.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        page, querystring = _page(self.request, register(stage="overdue"))
        watch = list(time_bar_watch(today=today)[:200])
        return super().get_context_data(
            page_obj=page,
            rows=_rows(page.object_list, today),
            watch=_rows(watch, today),
            querystring=querystring,
            today=today,
            **kwargs,
        )


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Tệp sao kê Kho bạc (CSV hoặc Excel .xlsx)"))


class ReceiptForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    number = forms.CharField(label=_("Số chứng từ"), max_length=60)
    value_date = forms.DateField(label=_("Ngày nộp (dd/mm/yyyy)"), input_formats=DATE_INPUT)
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=10**10)


class PaymentsView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """The accountant's page: record a treasury receipt, import a statement, see the
    last imports with their report."""

    template_name = "penalties/payments.html"

    def test_func(self) -> bool:
        return access.sees_cases(self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("statement_form", StatementForm())
        kwargs.setdefault("receipt_form", ReceiptForm())
        return super().get_context_data(
            imports=StatementImport.objects.select_related("uploaded_by")[:10],
            can_collect=access.holds_step(self.request.user, "collect"),
            **kwargs,
        )

    def post(self, request):
        if not access.holds_step(request.user, "collect"):
            messages.error(request, _("Chỉ kế toán được ghi nhận tiền nộp phạt."))
            return redirect("penalties:payments")
        if "file" in request.FILES:
            form = StatementForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    if upload.size > services.MAX_STATEMENT_BYTES:
                        raise DomainError(_("Tệp sao kê quá lớn (tối đa 2 MB)."))
                    result = services.statement_import(
                        actor=request.user,
                        file_name=upload.name,
                        content=upload.read(),
                        request_ip=client_ip(request),
                    )
                except DomainError as exc:
                    form.add_error("file", str(exc))
                else:
                    messages.success(
                        request,
                        _(
                            "Đã nhập sao kê: %(m)s dòng ghi nhận, %(d)s dòng "
                            "trùng, %(u)s dòng không khớp."
                        )
                        % {"m": result.matched, "d": result.duplicates, "u": result.unmatched},
                    )
                    return redirect(f"{reverse('penalties:payments')}#import-{result.pk}")
            return self.render_to_response(self.get_context_data(statement_form=form), status=400)
        form = ReceiptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            case = PenaltyCase.objects.filter(
                decision_number__iexact=data["decision_number"]
            ).first()
            if case is None:
                form.add_error("decision_number", _("Không có quyết định số này."))
            else:
                try:
                    services.payment_record(
                        case=case,
                        actor=request.user,
                        number=data["number"],
                        value_date=data["value_date"],
                        amount=data["amount"],
                        request_ip=client_ip(request),
                    )
                except DomainError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(
                        request, _("Đã ghi nhận chứng từ %(n)s.") % {"n": data["number"]}
                    )
                    return redirect("penalties:payments")
        return self.render_to_response(self.get_context_data(receipt_form=form), status=400)


# --- the case page and its actions --------------------------------------------------------
class _F(forms.Form):
    pass


class NoteForm(_F):
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredNoteForm(_F):
    note = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(_F):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class ProposeForm(_F):
    amount = forms.IntegerField(label=_("Số tiền phạt (đồng)"), min_value=1, max_value=10**10)
    payment_days = forms.IntegerField(
        label=_("Số ngày nộp phạt"), min_value=1, max_value=365, initial=10
    )


class SignForm(_F):
    number = forms.CharField(
        label=_("Số quyết định (để trống: cấp tự động)"), required=False, max_length=60
    )
    by_chairman = forms.BooleanField(
        label=_("Quyết định do Chủ tịch UBND tỉnh ký (Giám đốc Sở ghi nhận; nhập số quyết định)"),
        required=False,
    )
    decided_on = forms.DateField(
        label=_("Ngày Chủ tịch UBND tỉnh ký (dd/mm/yyyy; để trống: hôm nay)"),
        required=False,
        input_formats=DATE_INPUT,
    )


class DeliveryForm(_F):
    on = forms.DateField(label=_("Ngày (dd/mm/yyyy)"), input_formats=DATE_INPUT)
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=DeliveryAttempt.Outcome.choices)
    by_post = forms.BooleanField(label=_("Qua bưu chính"), required=False)


class PaymentForm(_F):
    number = forms.CharField(label=_("Số chứng từ"), max_length=60)
    value_date = forms.DateField(label=_("Ngày nộp (dd/mm/yyyy)"), input_formats=DATE_INPUT)
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=10**10)


class ReliefForm(_F):
    approve = forms.TypedChoiceField(
        label=_("Quyết định"),
        coerce=lambda v: v == "1",
        choices=[("0", _("Từ chối")), ("1", _("Chấp thuận"))],
    )
    requested_on = forms.DateField(label=_("Ngày đề nghị (dd/mm/yyyy)"), input_formats=DATE_INPUT)
    hardship_certified = forms.BooleanField(
        label=_("Có xác nhận hoàn cảnh khó khăn"), required=False
    )
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InstalmentsForm(ReliefForm):
    schedule = forms.CharField(
        label=_("Các lần nộp (mỗi dòng: dd/mm/yyyy số tiền)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_schedule(self):
        items = []
        for line in (self.cleaned_data["schedule"] or "").splitlines():
            if not line.strip():
                continue
            try:
                day, amount = line.split()
                items.append(
                    (
                        forms.DateField(input_formats=DATE_INPUT).clean(day),
                        int(amount.replace(".", "")),
                    )
                )
            except (ValueError, forms.ValidationError) as exc:
                raise forms.ValidationError(_("Dòng không hợp lệ: %(l)s") % {"l": line}) from exc
        return items


class PostponementForm(ReliefForm):
    until = forms.DateField(
        label=_("Hoãn đến ngày (dd/mm/yyyy)"), input_formats=DATE_INPUT, required=False
    )


class EnforcementForm(_F):
    measure = forms.ChoiceField(
        label=_("Biện pháp"), choices=list(services.ENFORCEMENT_MEASURES.items())
    )
    number = forms.CharField(label=_("Số quyết định (để trống: cấp tự động)"), required=False)


# action slug → (label, form, service, step, statuses it is offered in)
ACTIONS = {
    "giai-trinh": (
        _("Yêu cầu giải trình"),
        NoteForm,
        services.explanation_request,
        "record",
        (Status.RECORDED,),
    ),
    "ghi-giai-trinh": (
        _("Ghi nhận giải trình"),
        RequiredNoteForm,
        services.explanation_record,
        "record",
        (Status.EXPLANATION,),
    ),
    "gia-han": (
        _("Gia hạn ra quyết định (đặc biệt phức tạp)"),
        ReasonForm,
        services.decision_extend,
        "sign",
        (Status.RECORDED, Status.EXPLANATION),
    ),
    "trinh-ky": (
        _("Trình ký quyết định xử phạt"),
        ProposeForm,
        services.decision_propose,
        "record",
        (Status.RECORDED,),
    ),
    "ky": (
        _("Ký quyết định xử phạt"),
        SignForm,
        services.decision_sign,
        "sign",
        (Status.PROPOSED,),
    ),
    "tra-lai": (
        _("Trả lại dự thảo"),
        ReasonForm,
        services.decision_return,
        "sign",
        (Status.PROPOSED,),
    ),
    "giao": (
        _("Ghi nhận giao quyết định"),
        DeliveryForm,
        services.delivery_record,
        "record",
        (Status.DECIDED,),
    ),
    "nop-tien": (
        _("Ghi nhận chứng từ nộp tiền"),
        PaymentForm,
        services.payment_record,
        "collect",
        (
            Status.AWAITING_PAYMENT,
            Status.OVERDUE,
            Status.INSTALMENTS,
            Status.POSTPONED,
            Status.ENFORCEMENT,
        ),
    ),
    "nop-nhieu-lan": (
        _("Quyết định về đề nghị nộp phạt nhiều lần"),
        InstalmentsForm,
        services.instalments_decide,
        "sign",
        (Status.AWAITING_PAYMENT, Status.OVERDUE),
    ),
    "hoan": (
        _("Quyết định về đề nghị hoãn thi hành"),
        PostponementForm,
        services.postponement_decide,
        "sign",
        (Status.AWAITING_PAYMENT, Status.OVERDUE),
    ),
    "don-doc": (
        _("Gửi văn bản đôn đốc"),
        NoteForm,
        services.reminder_send,
        "record",
        (Status.OVERDUE, Status.ENFORCEMENT),
    ),
    "chuan-bi-cuong-che": (
        _("Hoàn thành chuẩn bị cưỡng chế"),
        RequiredNoteForm,
        services.enforcement_prepare,
        "record",
        (Status.OVERDUE,),
    ),
    "cuong-che": (
        _("Ra quyết định cưỡng chế"),
        EnforcementForm,
        services.enforcement_decide,
        "sign",
        (Status.OVERDUE,),
    ),
}


def _action_kwargs(slug: str, data: dict) -> dict:
    if slug == "don-doc":
        return {}
    return data


AUDIT_LABELS = {
    "open": _("Lập biên bản vi phạm hành chính"),
    "inspection_create": _("Ghi kết luận / quyết định thanh tra"),
}


def _timeline(case: PenaltyCase) -> list:
    """The audit rows with Vietnamese labels for the action and the state reached."""
    from workflows.transitions import transition_label

    entries = list(audit_trail(case).order_by("at", "id"))
    for e in entries:
        if e.action in AUDIT_LABELS:
            e.label = AUDIT_LABELS[e.action]
        elif hasattr(PenaltyCase, e.action):
            e.label = transition_label(case, e.action)
        else:
            e.label = e.action
        e.to_label = Status(e.to_state).label if e.to_state in Status.values else ""
    return entries


def _ledger(case: PenaltyCase) -> list:
    """The case's ledger rows; the title without the case's own number and name."""
    rows = list(deadlines_for_case(case).order_by("due_date", "id"))
    for row in rows:
        row.short_title = row.title.split(" — ")[0]
    return rows


class CaseView(CasesRequiredMixin, TemplateView):
    """One case: facts, money today, documents, timeline, payments, ledger rows, audit,
    and the forms of the steps the reader may take now."""

    template_name = "penalties/case.html"

    def get_context_data(self, pk, **kwargs):
        case = get_object_or_404(
            cases_with_money().select_related("decided_by").prefetch_related("deliveries"), pk=pk
        )
        user = self.request.user
        forms_ = kwargs.pop("forms", {})
        offered = []
        for slug, (label, form_class, _service, step, statuses) in ACTIONS.items():
            if case.status in statuses and access.holds_step(user, step):
                offered.append(
                    {
                        "slug": slug,
                        "label": label,
                        "form": forms_.get(slug) or form_class(prefix=slug),
                    }
                )
        from . import flows

        day, label = next_date(case)
        return super().get_context_data(
            case=case,
            money=case_money(case),
            next_day=day,
            next_label=label,
            actions=offered,
            audit=_timeline(case),
            ledger=_ledger(case),
            documents=documents.available(case),
            next_actor=flows.next_actor_label(case),
            show_personal=access.sees_personal_data(user),
            **kwargs,
        )


class CaseActionView(CasesRequiredMixin, View):
    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        label, form_class, service, _step, _statuses = ACTIONS[action]
        case = get_object_or_404(PenaltyCase, pk=pk)
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                service(
                    case=case,
                    actor=request.user,
                    request_ip=client_ip(request),
                    **_action_kwargs(action, dict(form.cleaned_data)),
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã thực hiện: %(a)s.") % {"a": label})
                return redirect("penalties:case", pk=pk)
        view = CaseView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(pk=pk, forms={action: form})
        return render(request, CaseView.template_name, context, status=400)


def document(request, pk: int, name: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.sees_personal_data(request.user):
        raise Http404
    try:
        pdf = documents.render(pk, name)
    except (PenaltyCase.DoesNotExist, documents.DocumentUnavailable) as exc:
        raise Http404 from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{pk}.pdf"'
    return response


class ProcessDetailView(CasesRequiredMixin, View):
    """The flow's process page is the case page (its timeline, tasks and ledger live
    there, in the shared look)."""

    def get(self, request, process_pk: int, **kwargs):
        from viewflow.workflow.models import Process

        process = get_object_or_404(Process, pk=process_pk)
        return redirect("penalties:case", pk=int(process.artifact_object_id))


# --- the public lookup ------------------------------------------------------------------------
class LookupForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định xử phạt"), max_length=60)
    key = forms.CharField(label=_("Mã tra cứu in trên quyết định"), max_length=20)


@method_decorator(never_cache, name="dispatch")
class PublicLookupView(View):
    """Tra cứu tiền phạt: principal, paid, surcharge today, total due, treasury account,
    by decision number plus key; no personal data; rate-limited like /tra-cuu/."""

    template_name = "penalties/lookup.html"

    def get(self, request):
        return render(request, self.template_name, {"form": LookupForm()})

    def post(self, request):
        if not lookup_attempt_allowed(client_ip(request)):
            return render(
                request,
                self.template_name,
                {"form": LookupForm(), "error": RATE_LIMITED_MESSAGE},
                status=429,
            )
        form = LookupForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        result = penalty_lookup(form.cleaned_data["decision_number"], form.cleaned_data["key"])
        context = {"form": form, "result": result, "error": None if result else NOT_FOUND_MESSAGE}
        return render(request, self.template_name, context)
