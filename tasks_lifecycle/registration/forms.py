"""What the host declares about the task whose results it registers.

The one-stop desk shows this form on its filing pages (online and at the counter) and
checks the API's `details` with it (`workflows.onestop.kinds.Details`). A task of the
system, once its results are recognised, fills what the host leaves blank.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tasks_lifecycle.models import Stage, Task

from .models import ACCEPTANCE_CLASSES

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}
DATE_ERRORS = {**REQUIRED, "invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")}


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=_DateInput(),
        error_messages=DATE_ERRORS,
    )


def recognised_tasks(applicant=None):
    """Tasks whose results are recognised; of the applicant's host organisations when the
    applicant is known (online filing). At the counter every recognised task is offered:
    the filing checks the named account belongs to the task's host."""
    qs = Task.objects.filter(stage=Stage.RECOGNISED).select_related("host").order_by("code")
    if applicant is not None and getattr(applicant, "is_authenticated", False):
        qs = qs.filter(host__users=applicant).distinct()
    return qs


class RegistrationDetailsForm(forms.Form):
    task = forms.ModelChoiceField(
        label=_("Nhiệm vụ trong hệ thống (đã có quyết định công nhận kết quả)"),
        queryset=Task.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— Nhiệm vụ không có trong hệ thống —"),
        help_text=_("Chọn nhiệm vụ thì các thông tin để trống được lấy từ hồ sơ nhiệm vụ."),
        error_messages={
            "invalid_choice": _(
                "Không có nhiệm vụ này trong các nhiệm vụ đã được công nhận kết quả của tổ "
                "chức chủ trì."
            )
        },
    )
    task_title = forms.CharField(label=_("Tên nhiệm vụ"), max_length=500, required=False)
    task_code = forms.CharField(label=_("Mã số nhiệm vụ"), max_length=60, required=False)
    field = forms.CharField(label=_("Lĩnh vực"), max_length=120, required=False)
    pi_name = forms.CharField(label=_("Chủ nhiệm nhiệm vụ"), max_length=120, required=False)
    started_on = _date(_("Bắt đầu thực hiện"))
    ended_on = _date(_("Kết thúc thực hiện"))
    accepted_on = _date(_("Ngày đánh giá, nghiệm thu"))
    acceptance_class = forms.ChoiceField(
        label=_("Xếp loại nghiệm thu"),
        choices=[("", "—"), *ACCEPTANCE_CLASSES],
        required=False,
        error_messages={"invalid_choice": _("Xếp loại nghiệm thu không hợp lệ.")},
    )
    recognition_no = forms.CharField(
        label=_("Số quyết định công nhận kết quả"), max_length=60, required=False
    )
    recognition_on = _date(_("Ngày quyết định công nhận"))
    state_budget = forms.IntegerField(
        label=_("Kinh phí từ ngân sách nhà nước (đồng)"),
        min_value=0,
        required=False,
        error_messages={
            "invalid": _("Nhập số tiền bằng chữ số (đồng)."),
            "min_value": _("Kinh phí không được âm."),
        },
    )
    summary = forms.CharField(
        label=_("Tóm tắt kết quả"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *args, applicant=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["task"].queryset = recognised_tasks(applicant)

    def clean(self):
        data = super().clean()
        task = data.get("task")
        if task is not None:
            self._fill_from(task, data)
        for name in ("task_title", "pi_name", "accepted_on", "acceptance_class"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, REQUIRED["required"])
        today = timezone.localdate()
        started, ended = data.get("started_on"), data.get("ended_on")
        accepted, recognised = data.get("accepted_on"), data.get("recognition_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("Ngày kết thúc không được trước ngày bắt đầu."))
        if accepted and accepted > today:
            self.add_error("accepted_on", _("Ngày nghiệm thu không được sau hôm nay."))
        if accepted and started and accepted < started:
            self.add_error("accepted_on", _("Ngày nghiệm thu không được trước ngày bắt đầu."))
        if recognised and accepted and recognised < accepted:
            self.add_error(
                "recognition_on", _("Quyết định công nhận không được trước ngày nghiệm thu.")
            )
        if recognised and recognised > today:
            self.add_error("recognition_on", _("Ngày quyết định không được sau hôm nay."))
        if data.get("state_budget") is None:
            data["state_budget"] = 0
        return data

    @staticmethod
    def _fill_from(task: Task, data: dict) -> None:
        """What the task's record says, where the host left it blank."""
        defaults = {
            "task_title": task.title,
            "task_code": task.code,
            "field": task.field,
            "pi_name": task.pi.full_name if task.pi_id else "",
            "accepted_on": task.concluded_on,
            "acceptance_class": (
                task.acceptance_class if task.acceptance_class in dict(ACCEPTANCE_CLASSES) else ""
            ),
            "state_budget": task.state_budget or None,
        }
        for name, value in defaults.items():
            if data.get(name) in (None, "") and value not in (None, ""):
                data[name] = value
