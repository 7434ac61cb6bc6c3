"""The one-stop officer's intake page: a dossier handed in at the counter or received
by post, filed for the applicant's account in one step.

One form, one POST: the applicant's account, the channel, what the dossier declares
(organisation, devices, worker, the permit to renew or amend) and one file per item of
the procedure's checklist. The services create the dossier, store each file and record
the receipt (which starts the 5-working-day completeness check) inside one
transaction: if any of them refuses, nothing is kept — no dossier, no document rows and
no stored files.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from workflows.errors import DomainError
from workflows.http import client_ip
from workflows.onestop import kinds
from workflows.roles import Role, has_role
from workflows.selectors import procedure_version_for
from workflows.views import StaffRequiredMixin

from . import access, services
from .forms import (
    DATE_INPUT_FORMATS,
    REQUIRED,
    DateInput,
    DeviceFormSet,
    OrganisationForm,
    WorkerForm,
)
from .models import (
    PERMIT_KINDS,
    Channel,
    DeviceCategory,
    Document,
    DossierKind,
    Permit,
)

# device rows shown on a fresh page, and the most a page may ask for (?thiet-bi=N)
DEVICE_ROWS = 3
DEVICE_ROWS_MAX = 50


# --- forms -------------------------------------------------------------------------------
class IntakeForm(forms.Form):
    """Whose dossier it is and how it reached the department."""

    applicant = forms.CharField(
        label=gettext_lazy("Tài khoản của tổ chức, cá nhân (tên đăng nhập)"),
        max_length=150,
        error_messages=REQUIRED,
        help_text=gettext_lazy(
            "Tổ chức, cá nhân chưa có tài khoản cần đăng ký tài khoản trước khi nộp hồ sơ."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Hình thức nộp"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
        error_messages={
            **REQUIRED,
            "invalid_choice": gettext_lazy("Hình thức nộp không hợp lệ."),
        },
    )

    def clean_applicant(self):
        """An applicant account only: active, in the applicant group, not a staff or
        admin account (the service checks the same rule, `permits.access`)."""
        username = self.cleaned_data["applicant"].strip()
        user = (
            get_user_model()
            .objects.filter(username=username, is_active=True, groups__name=Role.APPLICANT)
            .first()
        )
        if user is None or access.counter_applicant_refusal(user):
            raise forms.ValidationError(
                _(
                    "Không tìm thấy tài khoản tổ chức, cá nhân “%(username)s” (tài khoản phải "
                    "đang hoạt động, đã đăng ký là tổ chức, cá nhân nộp hồ sơ và không phải tài "
                    "khoản cán bộ hay quản trị)."
                )
                % {"username": username}
            )
        return user


class PreviousPermitNumberForm(forms.Form):
    """The permit to renew or amend, by its number (looked up among the applicant's
    permits once the applicant is known)."""

    number = forms.CharField(
        label=gettext_lazy("Số giấy phép đề nghị gia hạn / sửa đổi"),
        max_length=40,
        error_messages=REQUIRED,
        help_text=gettext_lazy("Ví dụ: 001/2024/GP-SKHCN"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ChecklistForm(forms.Form):
    """One file input per checklist item of the procedure (and the issue date of the
    items that carry one). Whether an item is missing, and whether a file is acceptable,
    is decided by the services, which give the reason."""

    def __init__(self, *args, documents: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        for spec in documents:
            code = spec["code"]
            self.fields[f"file-{code}"] = forms.FileField(
                label=spec["name"],
                required=False,
                allow_empty_file=True,  # an empty file reaches the service, which says why
                widget=forms.FileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
                ),
                error_messages={"invalid": _("Tệp tải lên không hợp lệ.")},
            )
            if spec.get("dated"):
                self.fields[f"issued-{code}"] = forms.DateField(
                    label=_("Ngày cấp"),
                    required=False,
                    input_formats=DATE_INPUT_FORMATS,
                    widget=DateInput(),
                    error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
                )

    def rows(self) -> list[dict]:
        return [
            {
                **spec,
                "file_field": self[f"file-{spec['code']}"],
                "date_field": self[f"issued-{spec['code']}"] if spec.get("dated") else None,
            }
            for spec in self.documents
        ]

    def uploads(self) -> list[tuple[str, object, object]]:
        """(item, file, issued on) of every item a file was chosen for, in catalogue order."""
        out = []
        for spec in self.documents:
            code = spec["code"]
            upload = self.cleaned_data.get(f"file-{code}")
            if upload:
                out.append((code, upload, self.cleaned_data.get(f"issued-{code}")))
        return out


def _discard(names: list[str]) -> None:
    """Delete files stored by uploads that were rolled back with the transaction."""
    storage = Document._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


# --- the page ----------------------------------------------------------------------------
class CounterIntakeView(StaffRequiredMixin, View):
    """Nhận hồ sơ tại quầy / qua bưu chính (permits:counter-intake)."""

    template_name = "permits/staff/counter.html"

    def test_func(self) -> bool:
        return has_role(self.request.user, Role.ONE_STOP_OFFICER)

    def dispatch(self, request, *args, **kwargs):
        self.spec = kinds.get(kwargs.get("kind") or "")
        if self.spec is None:
            raise Http404
        self.kind = self.spec.code
        return super().dispatch(request, *args, **kwargs)

    # the forms the procedure needs, bound to the request or fresh
    def forms(self, data=None, files=None) -> dict:
        kind = self.kind
        self.version = procedure_version_for(self.spec.procedure_code)
        forms_ = {
            "intake": IntakeForm(data, prefix="intake"),
            "organisation": OrganisationForm(data, prefix="org", spec=self.spec),
        }
        if self.spec.details is not None:
            # the account is named on the same page: the filing checks it is the task's
            forms_["details"] = self.spec.details.form(data, applicant=None, prefix="details")
        if kind in PERMIT_KINDS:
            devices = DeviceFormSet(data, prefix="devices")
            if data is None:
                devices.extra = self._device_rows()
            forms_["devices"] = devices
        if kind in (DossierKind.PERMIT_RENEWAL, DossierKind.PERMIT_AMENDMENT):
            forms_["previous"] = PreviousPermitNumberForm(data, prefix="prev")
        if kind == DossierKind.CERTIFICATE:
            forms_["worker"] = WorkerForm(data, prefix="worker")
        forms_["checklist"] = ChecklistForm(
            data, files, prefix="doc", documents=list(self.version.documents or [])
        )
        return forms_

    def _device_rows(self) -> int:
        try:
            rows = int(self.request.GET.get("thiet-bi", DEVICE_ROWS))
        except (TypeError, ValueError):
            rows = DEVICE_ROWS
        return max(1, min(rows, DEVICE_ROWS_MAX))

    def render_forms(self, forms_: dict, *, errors=(), status: int = 200):
        fees = {k: int(v) for k, v in ((self.version.fees or {}).get("device") or {}).items()}
        device_rows = self._device_rows()
        context = {
            "kind": self.kind,
            "kind_label": self.spec.label,
            "spec": self.spec,
            "kinds": [
                (
                    kind.code,
                    kind.label,
                    reverse("permits:counter-intake", kwargs={"kind": kind.code}),
                )
                for kind in kinds.all_kinds()
            ],
            "forms": forms_,
            "checklist": forms_["checklist"].rows(),
            "fee_table": [
                (label, f"{fees[value]:,}".replace(",", "."))
                for value, label in DeviceCategory.choices
                if value in fees
            ],
            "more_devices_url": (
                reverse("permits:counter-intake", kwargs={"kind": self.kind})
                + f"?thiet-bi={min(device_rows + DEVICE_ROWS, DEVICE_ROWS_MAX)}"
            ),
            "errors": list(errors),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, kind):
        return self.render_forms(self.forms())

    def post(self, request, kind):
        forms_ = self.forms(request.POST, request.FILES)
        # every form is validated, so that all the errors are shown at once
        valid = [form.is_valid() for form in forms_.values()]
        if not all(valid):
            return self.render_forms(forms_, status=400)
        applicant = forms_["intake"].cleaned_data["applicant"]
        previous = None
        if "previous" in forms_:
            number = forms_["previous"].cleaned_data["number"].strip()
            previous = Permit.objects.filter(
                number=number, applicant=applicant, kind=Permit.Kind.PERMIT
            ).first()
            if previous is None:
                forms_["previous"].add_error(
                    "number",
                    _("Không tìm thấy giấy phép số %(number)s của tài khoản “%(username)s”.")
                    % {"number": number, "username": applicant.get_username()},
                )
                return self.render_forms(forms_, status=400)
        checklist = forms_["checklist"]
        ip = client_ip(request)
        stored: list[str] = []  # names of the files stored so far, deleted on failure
        item = None  # the checklist item being uploaded, to show the error beside it
        try:
            with transaction.atomic():
                dossier = services.dossier_create(
                    actor=request.user,
                    applicant=applicant,
                    channel=forms_["intake"].cleaned_data["channel"],
                    kind=self.kind,
                    organisation=forms_["organisation"].cleaned_data,
                    devices=forms_["devices"].devices() if "devices" in forms_ else (),
                    worker=forms_["worker"].to_input() if "worker" in forms_ else None,
                    previous_permit=previous,
                    details=forms_["details"].cleaned_data if "details" in forms_ else None,
                    request_ip=ip,
                )
                for item, upload, issued_on in checklist.uploads():
                    document = services.document_upload(
                        dossier=dossier,
                        item=item,
                        upload=upload,
                        actor=request.user,
                        issued_on=issued_on,
                        request_ip=ip,
                    )
                    stored.append(document.file.name)
                item = None
                dossier = services.dossier_submit(
                    dossier=dossier, actor=request.user, request_ip=ip
                )
        except BaseException as exc:
            _discard(stored)
            if not isinstance(exc, DomainError):
                raise
            if item is not None:
                checklist.add_error(f"file-{item}", str(exc))
            return self.render_forms(forms_, errors=[str(exc)], status=400)
        due = dossier.check_clock.due_date if dossier.check_clock_id else None
        messages.success(
            request,
            _(
                "Đã nhận hồ sơ %(code)s, mã tra cứu %(key)s. Hạn kiểm tra tính đầy đủ, hợp lệ "
                "của hồ sơ: %(due)s. Sau khi tiếp nhận, in Giấy tiếp nhận hồ sơ và hẹn trả kết "
                "quả để giao cho tổ chức, cá nhân."
            )
            % {
                "code": dossier.code,
                "key": dossier.lookup_key,
                "due": due.strftime("%d/%m/%Y") if due else "—",
            },
        )
        return HttpResponseRedirect(reverse("permits:staff-dossier", kwargs={"code": dossier.code}))
