"""The applicant's pages of the one-stop procedures, and the public status lookup.

Plain Django pages, usable on a phone: sign up, file a dossier, upload its documents,
submit it, answer a supplement request, follow its progress. Views only read the
request, call one service and show its answer; a refused action (a `DomainError`)
changes nothing and is shown to the user with the service's reason.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView

from workflows.audit import audit_trail
from workflows.csrf import get_token
from workflows.errors import DomainError
from workflows.http import client_ip
from workflows.onestop import kinds
from workflows.selectors import procedure_version_for, time_limit_rule

from . import services
from .forms import (
    DeviceForm,
    DeviceFormSet,
    DocumentUploadForm,
    LookupForm,
    OrganisationForm,
    PreviousPermitForm,
    RegisterForm,
    SupplementAnswerForm,
    WithCertificateForm,
    WorkerForm,
)
from .lookup import (
    NOT_FOUND_MESSAGE,
    RATE_LIMITED_MESSAGE,
    dossier_lookup,
    dossiers_with_public_status,
    lookup_attempt_allowed,
    public_status,
)
from .lookup_page import lookup_body
from .models import (
    PERMIT_KINDS,
    PROCEDURE_CODES,
    ApologySlip,
    DeviceCategory,
    Dossier,
    DossierKind,
    Permit,
    Status,
)


def vnd(amount: int | None) -> str:
    """10000000 → "10.000.000" (Vietnamese grouping; VND has no minor unit)."""
    return f"{int(amount or 0):,}".replace(",", ".")


def _url(url_name: str, fallback: str, /, **kwargs) -> str:
    """A link to a page another module provides, by name when it is installed."""
    try:
        return reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def _first_error(form) -> str:
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return _("Dữ liệu nhập không hợp lệ.")


def _own_dossier(request, code: str) -> Dossier:
    """The signed-in applicant's dossier; anyone else's is "not found"."""
    queryset = (
        dossiers_with_public_status()
        .select_related("procedure_version", "parent")
        .prefetch_related("documents", "devices", "supplements", "apologies", "linked_certificates")
    )
    return get_object_or_404(queryset, code=code, applicant=request.user)


# --- account --------------------------------------------------------------------------
class RegisterView(FormView):
    """Sign-up. Every valid request gets the same answer, whether or not the address or
    the user name is registered; the account is activated from the link in the mail."""

    template_name = "permits/applicant/register.html"
    form_class = RegisterForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return HttpResponseRedirect(reverse("permits:my-dossiers"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.save()
        return render(
            self.request,
            "permits/applicant/register_sent.html",
            {"email": form.cleaned_data["email"]},
        )


class RegisterActivateView(View):
    """The link of the sign-up mail: activates the account and signs it in."""

    def get(self, request, uidb64: str, token: str):
        user = services.applicant_activate(uidb64=uidb64, token=token)
        if user is None:
            return render(request, "permits/applicant/register_sent.html", {"invalid": True})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Đã kích hoạt tài khoản. Quý tổ chức, cá nhân có thể nộp hồ sơ trực tuyến."),
        )
        return HttpResponseRedirect(reverse("permits:my-dossiers"))


# --- the applicant's dossiers ---------------------------------------------------------
class MyDossiersView(LoginRequiredMixin, ListView):
    """Hồ sơ của tôi: the signed-in user's dossiers, newest first."""

    template_name = "permits/applicant/my_dossiers.html"
    context_object_name = "dossiers"
    paginate_by = 20

    def get_queryset(self):
        return (
            Dossier.objects.filter(applicant=self.request.user)
            .select_related("check_clock", "result_clock")
            .order_by("-created_at", "-id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kinds"] = [
            (kind.label, reverse("permits:dossier-create", kwargs={"kind": kind.code}))
            for kind in kinds.all_kinds()
        ]
        return ctx


def _device_fees(kind: str) -> dict[str, int]:
    version = procedure_version_for(PROCEDURE_CODES[kind])
    return {k: int(v) for k, v in ((version.fees or {}).get("device") or {}).items()}


def _initial_from(data, form) -> dict:
    """The values the user typed, as the initial values of a fresh form (used when the
    page is shown again to add a device row, without reporting errors yet)."""
    return {
        name: data.get(form.add_prefix(name))
        for name in form.fields
        if data.get(form.add_prefix(name)) not in (None, "")
    }


class DossierCreateView(LoginRequiredMixin, View):
    """File a new dossier of one procedure: organisation, devices (permits), the
    permit to renew or amend, the worker (certificate, or the linked certificate), or
    the declarations another kind asks (`OneStopKind.details`)."""

    template_name = "permits/applicant/dossier_create.html"

    def dispatch(self, request, *args, **kwargs):
        self.spec = kinds.get(kwargs["kind"])
        if self.spec is None:
            raise Http404
        self.kind = self.spec.code
        return super().dispatch(request, *args, **kwargs)

    # the forms the procedure needs, bound to `data` or fresh
    def forms(self, data=None, files=None) -> dict:
        kind, user = self.kind, self.request.user
        forms = {"organisation": OrganisationForm(data, prefix="org", spec=self.spec)}
        if self.spec.details is not None:
            forms["details"] = self.spec.details.form(data, applicant=user, prefix="details")
        if kind in PERMIT_KINDS:
            forms["devices"] = DeviceFormSet(data, prefix="devices")
        if kind in (DossierKind.PERMIT_RENEWAL, DossierKind.PERMIT_AMENDMENT):
            forms["previous"] = PreviousPermitForm(data, prefix="prev", user=user)
        if kind == DossierKind.CERTIFICATE:
            forms["worker"] = WorkerForm(data, prefix="worker")
        if kind == DossierKind.PERMIT_NEW:
            forms["with_certificate"] = WithCertificateForm(data, prefix="opt")
            forms["certificate_worker"] = WorkerForm(
                data, prefix="cert", use_required_attribute=False
            )
        return forms

    def preview_forms(self, data) -> dict:
        """Fresh forms carrying the typed values (no errors reported yet), with one more
        device row when asked: the page works without JavaScript."""
        forms = self.forms()
        for name, form in forms.items():
            if name != "devices":
                form.initial = _initial_from(data, form)
        if "devices" in forms:
            try:
                total = min(int(data.get("devices-TOTAL_FORMS", 0)), 50)
            except (TypeError, ValueError):
                total = 0
            rows = [_initial_from(data, DeviceForm(prefix=f"devices-{i}")) for i in range(total)]
            rows = [row for row in rows if row]
            formset = DeviceFormSet(prefix="devices", initial=rows)
            if rows and "add_device" not in data:
                formset.extra = 0
            forms["devices"] = formset
        return forms

    def render_forms(self, forms: dict, *, errors=(), status: int = 200):
        fees = _device_fees(self.kind) if self.kind in PERMIT_KINDS else {}
        device_rows, total = [], 0
        if "devices" in forms:
            for form in forms["devices"].forms:
                category = form["category"].value() or ""
                fee = fees.get(category)
                total += fee or 0
                device_rows.append((form, vnd(fee) if fee is not None else "—"))
        certificate_fee = 0
        if self.kind == DossierKind.CERTIFICATE:
            version = procedure_version_for(PROCEDURE_CODES[self.kind])
            certificate_fee = int((version.fees or {}).get("flat", 0))
        context = {
            "kind": self.kind,
            "kind_label": self.spec.label,
            "spec": self.spec,
            "forms": forms,
            "device_rows": device_rows,
            "fee_table": [
                (label, vnd(fees[value]))
                for value, label in DeviceCategory.choices
                if value in fees
            ],
            "device_fees": fees,
            "fee_total": vnd(total),
            "certificate_fee": vnd(certificate_fee),
            "errors": list(errors),
            "has_permits": (
                forms["previous"].fields["previous_permit"].queryset.exists()
                if "previous" in forms
                else True
            ),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, kind):
        return self.render_forms(self.forms())

    def post(self, request, kind):
        if "add_device" in request.POST or "recalc" in request.POST:
            return self.render_forms(self.preview_forms(request.POST))
        forms = self.forms(request.POST)
        valid = [self._validate(name, form, forms) for name, form in forms.items()]
        if not all(valid):
            return self.render_forms(forms, status=400)
        worker = forms["worker"].to_input() if "worker" in forms else None
        with_certificate = None
        if self._wants_certificate(forms):
            with_certificate = forms["certificate_worker"].to_input()
        previous = None
        if "previous" in forms:
            previous = forms["previous"].cleaned_data["previous_permit"]
        try:
            dossier = services.dossier_create(
                actor=request.user,
                kind=self.kind,
                organisation=forms["organisation"].cleaned_data,
                devices=forms["devices"].devices() if "devices" in forms else (),
                worker=worker,
                with_certificate=with_certificate,
                previous_permit=previous,
                details=forms["details"].cleaned_data if "details" in forms else None,
                request_ip=client_ip(request),
            )
        except DomainError as exc:
            return self.render_forms(forms, errors=[str(exc)], status=400)
        messages.success(
            request,
            _(
                "Đã tạo hồ sơ %(code)s. Vui lòng tải lên các thành phần hồ sơ, sau đó bấm "
                "“Nộp hồ sơ”."
            )
            % {"code": dossier.code},
        )
        return HttpResponseRedirect(
            reverse("permits:dossier-detail", kwargs={"code": dossier.code})
        )

    @staticmethod
    def _wants_certificate(forms) -> bool:
        option = forms.get("with_certificate")
        if option is None or not option.is_valid():
            return False
        return bool(option.cleaned_data["with_certificate"])

    def _validate(self, name: str, form, forms) -> bool:
        if name == "certificate_worker":
            # the worker is asked for only when the linked certificate is filed too
            return form.is_valid() if self._wants_certificate(forms) else True
        return form.is_valid()


# --- one dossier ----------------------------------------------------------------------
ACTION_LABELS = {
    "create": gettext_lazy("Tạo hồ sơ"),
    "apology_issue": gettext_lazy("Phát hành phiếu xin lỗi và hẹn lại ngày trả kết quả"),
}
# internal steps of the department that the applicant's timeline does not show
HIDDEN_ACTIONS = frozenset({"assign", "apology_draft"})
# actions whose note is written for the applicant (reasons, requested items, links)
PUBLIC_NOTE_ACTIONS = frozenset(
    {
        "create",
        "submit",
        "receive",
        "reject",
        "request_supplement",
        "request_supplement_in_appraisal",
        "refuse",
        "apology_issue",
    }
)


def _action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    method = getattr(Dossier, action, None)
    fsm = getattr(method, "_django_fsm", None)
    if fsm is not None:
        for t in fsm.transitions.values():
            if t.custom.get("label"):
                return str(t.custom["label"])
    return action


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def timeline(dossier: Dossier) -> list[dict]:
    """The audit trail as the applicant sees it: who acted is "the applicant" or the
    department (Sở KH&CN), never an officer's name."""
    rows = []
    for entry in audit_trail(dossier):
        if entry.action in HIDDEN_ACTIONS:
            continue
        by_applicant = entry.actor_id is not None and entry.actor_id == dossier.applicant_id
        rows.append(
            {
                "at": entry.at,
                "action": _action_label(entry.action),
                "from_state": _status_label(entry.from_state) if entry.from_state else "",
                "to_state": _status_label(entry.to_state) if entry.to_state else "",
                "note": entry.note if entry.action in PUBLIC_NOTE_ACTIONS else "",
                "by": _("Tổ chức, cá nhân nộp hồ sơ") if by_applicant else _("Sở KH&CN"),
            }
        )
    return rows


def _generated_documents(dossier: Dossier, supplements, apologies) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    if dossier.accepted_on:
        names.append(("tiep-nhan", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")))
    for s in supplements:
        names.append(
            (
                f"bo-sung-{s.number}",
                _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (lần %(n)s)") % {"n": s.number},
            )
        )
    for a in apologies:
        if a.state == ApologySlip.State.ISSUED:
            names.append(
                (
                    f"xin-loi-{a.pk}",
                    _("Phiếu xin lỗi và hẹn lại ngày trả kết quả (hẹn mới %(d)s)")
                    % {"d": a.new_date.strftime("%d/%m/%Y")},
                )
            )
    if dossier.status == Status.NOT_ACCEPTED:
        names.append(("tu-choi", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")))
    elif dossier.status == Status.REFUSED:
        names.append(("tu-choi", _("Văn bản từ chối cấp")))
    if dossier.status == Status.ISSUED:
        names.append((dossier.spec.result_slug, str(dossier.spec.result_label)))
    return [
        (
            label,
            _url(
                "permits:generated-document",
                f"/ho-so/{dossier.code}/van-ban/{name}/",
                code=dossier.code,
                name=name,
            ),
        )
        for name, label in names
    ]


def _open_supplement(dossier: Dossier, supplements):
    if dossier.status != Status.SUPPLEMENT:
        return None
    open_ = [s for s in supplements if s.answered_on is None]
    return max(open_, key=lambda s: s.number) if open_ else None


class DossierDetailView(LoginRequiredMixin, View):
    template_name = "permits/applicant/dossier_detail.html"

    def get(self, request, code):
        return render_dossier(request, _own_dossier(request, code))


def render_dossier(
    request,
    dossier: Dossier,
    *,
    errors=(),
    upload_errors: dict | None = None,
    supplement_form: SupplementAnswerForm | None = None,
    supplement_errors=(),
    status: int = 200,
):
    """The dossier page, also shown again (status 400) with the reason of a refusal."""
    upload_errors = upload_errors or {}
    supplements = list(dossier.supplements.all())
    apologies = list(dossier.apologies.all())
    children = list(dossier.linked_certificates.all())
    is_draft = dossier.status == Status.DRAFT
    rows = []
    for row in services.checklist(dossier):
        doc = row["document"]
        rows.append(
            {
                **row,
                "download_url": (
                    _url(
                        "permits:document-download",
                        f"/ho-so/{dossier.code}/tai-lieu/{doc.pk}/",
                        code=dossier.code,
                        pk=doc.pk,
                    )
                    if doc
                    else ""
                ),
                "error": upload_errors.get(row["code"], ""),
            }
        )
    open_request = _open_supplement(dossier, supplements)
    requested = []
    if open_request is not None:
        specs = {d["code"]: d for d in dossier.procedure_version.documents or []}
        requested = [specs[i] for i in open_request.items if i in specs]
        if supplement_form is None:
            supplement_form = SupplementAnswerForm(rows=requested)
    try:
        permit = dossier.permit
    except Permit.DoesNotExist:
        permit = None
    spec = dossier.spec
    result = None if dossier.is_radiation else spec.result_of(dossier)
    parent_draft = dossier.parent is not None and dossier.parent.status == Status.DRAFT
    context = {
        "dossier": dossier,
        "facts": public_status(dossier),
        "fee_total": vnd(dossier.fee_total),
        "devices": [(d, vnd(d.fee)) for d in dossier.devices.all()],
        "checklist": rows,
        "is_draft": is_draft,
        "can_submit": is_draft and not parent_draft,
        "parent_draft": parent_draft,
        "children": children,
        "timeline": timeline(dossier),
        "open_request": open_request,
        "requested": [
            {
                **spec,
                "date_field": (
                    supplement_form[f"issued-{spec['code']}"] if spec.get("dated") else None
                ),
            }
            for spec in requested
        ],
        "supplement_form": supplement_form,
        "supplement_errors": list(supplement_errors),
        "generated": _generated_documents(dossier, supplements, apologies),
        "permit": permit,
        "spec": spec,
        "result": result,
        "details": spec.details.rows(dossier) if spec.details else [],
        "check_rule": time_limit_rule(dossier.procedure_version_id, "check"),
        "errors": list(errors),
        "lookup_url": reverse("permits:lookup") + f"?ma={dossier.code}",
    }
    return render(request, DossierDetailView.template_name, context, status=status)


class DocumentUploadView(LoginRequiredMixin, View):
    """Upload one checklist item of a draft dossier."""

    def post(self, request, code):
        dossier = _own_dossier(request, code)
        form = DocumentUploadForm(request.POST, request.FILES)
        item = request.POST.get("item", "")
        if not form.is_valid():
            message = _first_error(form)
            return render_dossier(
                request, dossier, errors=[message], upload_errors={item: message}, status=400
            )
        try:
            document = services.document_upload(
                dossier=dossier,
                item=form.cleaned_data["item"],
                upload=form.cleaned_data["file"],
                actor=request.user,
                issued_on=form.cleaned_data.get("issued_on"),
                request_ip=client_ip(request),
            )
        except DomainError as exc:
            return render_dossier(
                request, dossier, errors=[str(exc)], upload_errors={item: str(exc)}, status=400
            )
        messages.success(
            request, _("Đã tải lên tệp “%(name)s”.") % {"name": document.original_name}
        )
        return HttpResponseRedirect(
            reverse("permits:dossier-detail", kwargs={"code": dossier.code}) + f"#item-{item}"
        )


class DossierSubmitView(LoginRequiredMixin, View):
    def post(self, request, code):
        dossier = _own_dossier(request, code)
        try:
            dossier = services.dossier_submit(
                dossier=dossier, actor=request.user, request_ip=client_ip(request)
            )
        except DomainError as exc:
            return render_dossier(request, dossier, errors=[str(exc)], status=400)
        appointment = dossier.appointment_date
        due = appointment.strftime("%d/%m/%Y") if appointment else ""
        messages.success(
            request,
            _(
                "Đã nộp hồ sơ %(code)s. Bộ phận một cửa kiểm tra tính đầy đủ, hợp lệ của hồ sơ "
                "trước ngày %(date)s."
            )
            % {"code": dossier.code, "date": due},
        )
        return HttpResponseRedirect(
            reverse("permits:dossier-detail", kwargs={"code": dossier.code})
        )


class SupplementAnswerView(LoginRequiredMixin, View):
    """Answer the open supplement request: exactly the requested items, at once."""

    FILE_PREFIX = "file-"

    def post(self, request, code):
        dossier = _own_dossier(request, code)
        open_request = _open_supplement(dossier, list(dossier.supplements.all()))
        if open_request is None:
            return render_dossier(
                request,
                dossier,
                errors=[_("Hồ sơ không có yêu cầu bổ sung đang chờ.")],
                status=400,
            )
        specs = {d["code"]: d for d in dossier.procedure_version.documents or []}
        rows = [specs[i] for i in open_request.items if i in specs]
        form = SupplementAnswerForm(request.POST, rows=rows)
        if not form.is_valid():
            return render_dossier(
                request,
                dossier,
                supplement_form=form,
                supplement_errors=[_first_error(form)],
                status=400,
            )
        # every file sent, requested or not: the service refuses a missing or extra item
        files = {
            key[len(self.FILE_PREFIX) :]: upload
            for key, upload in request.FILES.items()
            if key.startswith(self.FILE_PREFIX)
        }
        try:
            services.dossier_answer_supplement(
                dossier=dossier,
                actor=request.user,
                files=files,
                issued_on=form.issued_on(),
                request_ip=client_ip(request),
            )
        except DomainError as exc:
            return render_dossier(
                request,
                dossier,
                supplement_form=form,
                supplement_errors=[str(exc)],
                status=400,
            )
        messages.success(request, _("Đã nộp hồ sơ bổ sung."))
        return HttpResponseRedirect(
            reverse("permits:dossier-detail", kwargs={"code": dossier.code})
        )


# --- public lookup --------------------------------------------------------------------
# The page is the busiest anonymous one, so its rendering is kept lean: the part that
# changes per request (error, result, form with its CSRF token) is built in Python
# (`permits.lookup_page`), and what does not change for an anonymous
# visitor — the page around it and the empty form's fields — is rendered once per
# process and language (not while templates reload in DEBUG).
_BODY_MARK = "@@motcua-lookup-body@@"  # nothing in it that escaping changes
_chrome: dict[str, tuple[str, str]] = {}
_empty_fields: dict[str, str] = {}


def _fields_html(form) -> str:
    return format_html_join("", "<div>{}</div>", ((field.as_field_group(),) for field in form))


def _lookup_fields(form=None) -> str:
    """The form's fields; those of the empty form once per language."""
    if form is not None:
        return _fields_html(form)
    lang = get_language()
    html = _empty_fields.get(lang)
    if html is None:
        html = _fields_html(LookupForm())
        if not settings.DEBUG:
            _empty_fields[lang] = html
    return html


def _anonymous_without_messages(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or not len(storage)


class LookupView(View):
    """Tra cứu hồ sơ: status and dates by dossier code plus lookup key, for anyone.

    An unknown code and a wrong key get the same page; attempts are rate-limited per
    client address."""

    template_name = "permits/lookup.html"

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, *, form=None, error=None, result=None, status=200):
        body = lookup_body(
            error=error,
            result=result,
            fields=_lookup_fields(form),
            action=_lookup_action(),
            csrf_token=get_token(request),
        )
        if _anonymous_without_messages(request):
            lang = get_language()
            parts = _chrome.get(lang)
            if parts is None:
                page = render_to_string(self.template_name, {"body": _BODY_MARK}, request=request)
                parts = tuple(page.split(_BODY_MARK, 1))
                if not settings.DEBUG:
                    _chrome[lang] = parts
            html = parts[0] + body + parts[1]
        else:
            html = render_to_string(self.template_name, {"body": body}, request=request)
        return HttpResponse(html, status=status)

    def get(self, request):
        code = request.GET.get("ma", "")
        form = LookupForm(initial={"code": code[:40]}) if code else None
        return self.render_page(request, form=form)

    def post(self, request):
        if not lookup_attempt_allowed(client_ip(request)):
            return self.render_page(request, error=RATE_LIMITED_MESSAGE, status=429)
        form = LookupForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form=form, status=400)
        result = dossier_lookup(form.cleaned_data["code"], form.cleaned_data["key"])
        if result is None:
            return self.render_page(request, error=NOT_FOUND_MESSAGE)
        return self.render_page(request, result=result)


@functools.cache
def _lookup_action() -> str:
    return reverse("permits:lookup")
