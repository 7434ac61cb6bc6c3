"""Forms of the applicant pages and the public lookup.

Forms only read and check the input; every write goes through `permits.services`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from . import services
from .lookup import CODE_MAX_LENGTH, KEY_MAX_LENGTH
from .models import DeviceCategory, Permit
from .services import DeviceInput, WorkerInput

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={**REQUIRED, "invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )


# --- account --------------------------------------------------------------------------
class RegisterForm(forms.Form):
    """An applicant's account: a person acting for a clinic, a company or themselves.

    It checks what the person typed, never what is registered: whether the address or
    the user name is taken is said only in the message sent to the address (F17)."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Tối đa 150 ký tự: chữ, số và @ . + - _"),
        error_messages={
            **REQUIRED,
            "max_length": _("Tên đăng nhập dài tối đa 150 ký tự."),
        },
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, error_messages=REQUIRED)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        error_messages={**REQUIRED, "invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
        help_text=_("Thư kích hoạt tài khoản và thông báo về hồ sơ được gửi tới địa chỉ này."),
    )
    phone = forms.RegexField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        regex=r"^\+?[0-9 .()-]{8,20}$",
        error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages=REQUIRED,
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages=REQUIRED,
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai trường mật khẩu không giống nhau."))
        elif p1:
            family, _sep, given = (data.get("full_name") or "").strip().rpartition(" ")
            probe = get_user_model()(
                username=data.get("username") or "",
                email=data.get("email") or "",
                first_name=given,
                last_name=family,
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self):
        data = self.cleaned_data
        return services.applicant_register(
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data.get("phone", ""),
            password=data["password1"],
        )


# --- filing a dossier -----------------------------------------------------------------
class OrganisationForm(forms.Form):
    organisation_name = forms.CharField(
        label=_("Tên tổ chức"), max_length=300, error_messages=REQUIRED
    )
    organisation_address = forms.CharField(
        label=_("Địa chỉ trụ sở"), max_length=300, error_messages=REQUIRED
    )
    business_registration_no = forms.CharField(
        label=_("Số giấy chứng nhận đăng ký doanh nghiệp / giấy phép hoạt động"),
        max_length=60,
        error_messages=REQUIRED,
    )
    contact_phone = forms.CharField(
        label=_("Điện thoại liên hệ"), max_length=20, error_messages=REQUIRED
    )
    contact_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    facility_address = forms.CharField(
        label=_("Địa chỉ nơi đặt thiết bị"), max_length=300, required=False
    )

    def __init__(self, *args, spec=None, **kwargs):
        """`spec` (the one-stop kind) may name a field otherwise, or leave it out (None)."""
        super().__init__(*args, **kwargs)
        for name, label in (getattr(spec, "organisation_labels", None) or {}).items():
            if label is None:
                self.fields.pop(name, None)
            elif name in self.fields:
                self.fields[name].label = label


class DeviceForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Loại thiết bị"),
        choices=[("", "—"), *DeviceCategory.choices],
        error_messages={**REQUIRED, "invalid_choice": _("Loại thiết bị không hợp lệ.")},
    )
    model_name = forms.CharField(
        label=_("Mã hiệu (model)"), max_length=120, error_messages=REQUIRED
    )
    serial_number = forms.CharField(label=_("Số sê-ri"), max_length=120, error_messages=REQUIRED)
    manufacturer = forms.CharField(label=_("Hãng, nước sản xuất"), max_length=200, required=False)
    year_made = forms.IntegerField(
        label=_("Năm sản xuất"),
        required=False,
        min_value=1950,
        max_value=2100,
        error_messages={
            "invalid": _("Năm sản xuất không hợp lệ."),
            "min_value": _("Năm sản xuất không hợp lệ."),
            "max_value": _("Năm sản xuất không hợp lệ."),
        },
    )

    def to_input(self) -> DeviceInput:
        data = self.cleaned_data
        return DeviceInput(
            category=data["category"],
            model_name=data["model_name"],
            serial_number=data["serial_number"],
            manufacturer=data.get("manufacturer") or "",
            year_made=data.get("year_made"),
        )


class BaseDeviceFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and f.cleaned_data]
        if not filled:
            raise forms.ValidationError(_("Khai báo ít nhất một thiết bị X-quang."))
        serials = [f.cleaned_data["serial_number"].strip().upper() for f in filled]
        if len(serials) != len(set(serials)):
            raise forms.ValidationError(_("Hai thiết bị trùng số sê-ri."))

    def devices(self) -> list[DeviceInput]:
        return [f.to_input() for f in self.forms if f.has_changed() and f.cleaned_data]


DeviceFormSet = forms.formset_factory(
    DeviceForm, formset=BaseDeviceFormSet, extra=1, max_num=50, validate_max=True
)


class WorkerForm(forms.Form):
    """The radiation worker (the facility's safety officer) of a certificate dossier."""

    name = forms.CharField(label=_("Họ và tên"), max_length=120, error_messages=REQUIRED)
    birth_date = _date_field(_("Ngày sinh"), required=True)
    id_number = forms.RegexField(
        label=_("Số căn cước công dân"),
        regex=r"^[0-9]{12}$",
        max_length=12,
        error_messages={**REQUIRED, "invalid": _("Số CCCD gồm đúng 12 chữ số.")},
    )
    qualification = forms.CharField(label=_("Trình độ chuyên môn"), max_length=200, required=False)

    def to_input(self) -> WorkerInput:
        data = self.cleaned_data
        return WorkerInput(
            name=data["name"],
            birth_date=data["birth_date"],
            id_number=data["id_number"],
            qualification=data.get("qualification") or "",
        )


class WithCertificateForm(forms.Form):
    with_certificate = forms.BooleanField(
        label=_("Nộp kèm hồ sơ đề nghị cấp chứng chỉ nhân viên bức xạ cho người phụ trách an toàn"),
        required=False,
    )


class PreviousPermitForm(forms.Form):
    previous_permit = forms.ModelChoiceField(
        label=_("Giấy phép đề nghị gia hạn / sửa đổi"),
        queryset=Permit.objects.none(),
        empty_label="—",
        error_messages={
            **REQUIRED,
            "invalid_choice": _("Chọn một giấy phép còn hiệu lực của tài khoản."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous_permit"].queryset = Permit.objects.filter(
            applicant=user, kind=Permit.Kind.PERMIT, state=Permit.State.VALID
        ).order_by("-issued_on", "-id")
        self.fields["previous_permit"].label_from_instance = lambda p: (
            _("Số %(n)s, hiệu lực đến %(d)s")
            % {"n": p.number, "d": p.valid_until.strftime("%d/%m/%Y") if p.valid_until else "—"}
        )


# --- documents ------------------------------------------------------------------------
class DocumentUploadForm(forms.Form):
    """One checklist item. The content is checked by the service, not here."""

    item = forms.SlugField(max_length=40, widget=forms.HiddenInput)
    # empty files reach the service, which says why they are refused
    file = forms.FileField(
        label=_("Tệp (PDF, JPEG hoặc PNG)"),
        allow_empty_file=True,
        error_messages={
            "required": _("Chọn tệp cần tải lên."),
            "invalid": _("Tệp tải lên không hợp lệ."),
            "missing": _("Chọn tệp cần tải lên."),
        },
    )
    issued_on = _date_field(_("Ngày cấp"))


class SupplementAnswerForm(forms.Form):
    """The dates of the requested items that carry one; the files themselves are read
    from the request by item code, so that a missing or an extra item reaches the
    service and is refused with its reason."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            if row.get("dated"):
                self.fields[f"issued-{row['code']}"] = _date_field(
                    _("Ngày cấp “%(item)s”") % {"item": row["name"]}
                )

    def issued_on(self) -> dict:
        return {
            row["code"]: self.cleaned_data.get(f"issued-{row['code']}")
            for row in self.rows
            if self.cleaned_data.get(f"issued-{row['code']}")
        }


# --- public lookup --------------------------------------------------------------------
class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=CODE_MAX_LENGTH,
        error_messages={**REQUIRED, "max_length": _("Mã hồ sơ không hợp lệ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    key = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=KEY_MAX_LENGTH + 4,
        help_text=_("In trên giấy tiếp nhận hồ sơ và trong thông báo gửi tới Quý tổ chức."),
        error_messages={**REQUIRED, "max_length": _("Mã tra cứu không hợp lệ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
