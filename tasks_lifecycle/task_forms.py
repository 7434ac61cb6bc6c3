"""The forms of the S&T tasks: one per step's input (the page and the API both check a
step's input with it, `workflows.api_forms`), the host's proposal, and the register's
filters (django-filter, shared by the page and `GET /api/tasks/`).

A step form's `service_kwargs()` are the keyword arguments of the step's service, so a
form field is named as the service's argument. The service still decides everything
(who may act, the state, the rules); a form only reads and checks the input.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.forms import DatedAmountsField, LinesField, date_field
from workflows.roles import Role

from .access import MANAGING_DIVISION
from .models import (
    Council,
    CouncilSubject,
    HostOrganisation,
    Inspection,
    LumpSum,
    Method,
    Programme,
    Stage,
    Task,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class TaskStepForm(forms.Form):
    """A step's input. `task` (the task acted on) and `user` (who acts) are given to
    every step form; most forms do not need them."""

    def __init__(self, *args, task: Task | None = None, user=None, **kwargs):
        self.task, self.user = task, user
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class NoInputForm(TaskStepForm):
    """The step needs no input."""


class RecommendForm(TaskStepForm):
    """The council's recommendation "Thực hiện" and the method it recommends."""

    method = forms.ChoiceField(label=_("Phương thức thực hiện"), choices=Method.choices)
    on = date_field(
        _("Ngày có kiến nghị (để trống: hôm nay)"), required=False, not_after_today=True
    )


class NotRecommendForm(TaskStepForm):
    """The task is not ordered, with the reason."""

    reason = forms.CharField(label=_("Lý do không đặt hàng"), max_length=2000, widget=TEXTAREA)


class IdentificationCouncilForm(TaskStepForm):
    """The identification council whose subjects include this task."""

    council = forms.ModelChoiceField(
        label=_("Hội đồng tư vấn xác định nhiệm vụ"),
        queryset=Council.objects.none(),
        error_messages={
            "invalid_choice": _(
                "Chọn một Hội đồng tư vấn xác định nhiệm vụ có nhiệm vụ này trong danh sách "
                "đối tượng đánh giá."
            )
        },
        help_text=_("Thư ký hội đồng lập hội đồng với nhiệm vụ này là đối tượng đánh giá."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Council.objects.none()
        if self.task is not None and self.task.pk:
            subjects = CouncilSubject.objects.filter(
                target_type=ContentType.objects.get_for_model(Task), target_id=str(self.task.pk)
            ).values("council_id")
            qs = Council.objects.filter(pk__in=subjects, kind__code="identification")
        self.fields["council"].queryset = qs.order_by("-id")


class DecisionForm(TaskStepForm):
    """The People's Committee's decision approving the ordered list."""

    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = date_field(_("Ngày ký"), not_after_today=True)
    signer = forms.CharField(label=_("Người ký"), max_length=120)
    title = forms.CharField(label=_("Trích yếu"), max_length=400, required=False)


class PublishForm(TaskStepForm):
    """The date the approved task was published."""

    on = date_field(_("Ngày công bố (để trống: hôm nay)"), required=False, not_after_today=True)


class ContractForm(TaskStepForm):
    """The contract: number, dates, budget and its instalments."""

    number = forms.CharField(label=_("Số hợp đồng"), max_length=60)
    signed_on = date_field(_("Ngày ký"), not_after_today=True)
    effective_on = date_field(_("Ngày có hiệu lực"))
    starts_on = date_field(_("Thực hiện từ ngày"))
    ends_on = date_field(_("Đến ngày"))
    budget = forms.IntegerField(
        label=_("Kinh phí từ ngân sách (đồng)"), min_value=1, max_value=10**13
    )
    instalments = DatedAmountsField(
        label=_("Các đợt cấp kinh phí"),
        required=False,
        help_text=_(
            "Mỗi dòng một đợt: ngày dự kiến cấp và số tiền, ví dụ “15/03/2024 700.000.000”. "
            "Tổng các đợt phải bằng kinh phí hợp đồng."
        ),
    )


class ExtensionForm(TaskStepForm):
    """The host's request to extend and the decision granting it."""

    months = forms.IntegerField(label=_("Số tháng gia hạn"), min_value=1, max_value=24)
    requested_on = date_field(_("Ngày tổ chức chủ trì đề nghị gia hạn"), not_after_today=True)
    decision_number = forms.CharField(label=_("Số quyết định gia hạn"), max_length=60)
    signed_on = date_field(_("Ngày ký quyết định"), not_after_today=True)
    signer = forms.CharField(label=_("Người ký"), max_length=120)
    cause = forms.CharField(label=_("Lý do gia hạn"), max_length=2000, widget=TEXTAREA)


class DossierForm(TaskStepForm):
    """The acceptance dossier with the host's self-evaluation."""

    self_evaluation = forms.CharField(
        label=_("Báo cáo tự đánh giá kết quả thực hiện nhiệm vụ"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Tự đánh giá về số lượng, khối lượng, chất lượng sản phẩm so với hợp đồng "
            "(Điều 5 Thông tư số 11/2014/TT-BKHCN)."
        ),
    )


class SupplementRequestForm(TaskStepForm):
    """Every document the host must supplement, at once."""

    missing = LinesField(
        label=_("Tài liệu cần bổ sung (mỗi dòng một tài liệu)"), max_items=30, max_length=300
    )


# --- selection or direct assignment, budget appraisal, the host's approval ------------------
def _file(label, *, required: bool = True, help_text=""):
    """An upload; its type and size are checked by content in the service
    (`workflows.uploads`), which refuses a wrong one with the reason."""
    return forms.FileField(
        label=label,
        required=required,
        help_text=help_text or _("PDF, JPEG hoặc PNG; hệ thống kiểm tra nội dung tệp."),
    )


class OpenCallForm(TaskStepForm):
    """The public call for applications (30 days)."""

    opens_on = date_field(
        _("Ngày bắt đầu thông báo (để trống: hôm nay)"), required=False, not_after_today=True
    )
    notice_number = forms.CharField(label=_("Số thông báo"), max_length=60, required=False)
    conditions = forms.CharField(
        label=_("Điều kiện, yêu cầu đối với hồ sơ"), max_length=4000, required=False,
        widget=TEXTAREA,
    )  # fmt: skip


class OpenApplicationsForm(TaskStepForm):
    """The opening record: who attended, and the applications found not valid."""

    attendees = LinesField(
        label=_("Thành phần tham dự (mỗi dòng: họ tên, chức vụ)"), max_items=30, max_length=200
    )
    invalid = LinesField(
        label=_("Hồ sơ không hợp lệ (mỗi dòng: số hồ sơ, lý do)"),
        required=False, max_items=50, max_length=400,
        help_text=_("Các hồ sơ không ghi ở đây được ghi nhận là hợp lệ."),
    )  # fmt: skip

    def clean_invalid(self):
        rows = {}
        for line in self.cleaned_data.get("invalid") or []:
            number, _sep, reason = line.partition(",")
            if not number.strip().isdigit() or not reason.strip():
                raise forms.ValidationError(
                    _("Mỗi dòng ghi số hồ sơ rồi lý do, cách nhau bởi dấu phẩy: “%(l)s”.")
                    % {"l": line}
                )
            rows[int(number)] = reason.strip()
        return rows

    def service_kwargs(self) -> dict:
        from .models import Application

        attendees = []
        for line in self.cleaned_data["attendees"]:
            name, _sep, position = line.partition(",")
            attendees.append({"name": name.strip(), "position": position.strip()})
        invalid = self.cleaned_data["invalid"]
        verdicts = [
            {"application": a, "valid": a.pk not in invalid, "reason": invalid.get(a.pk, "")}
            for a in Application.objects.filter(task=self.task)
        ]
        return {"attendees": attendees, "verdicts": verdicts}


class CallFailsForm(TaskStepForm):
    reason = forms.CharField(
        label=_("Lý do không có hồ sơ hợp lệ"), max_length=2000, widget=TEXTAREA
    )


class _CouncilForm(TaskStepForm):
    """A council of `kind` that decides on this task (its subject is the task, or for a
    selection council the task's applications)."""

    kind = ""
    council = forms.ModelChoiceField(
        label=_("Hội đồng"),
        queryset=Council.objects.none(),
        error_messages={"invalid_choice": _("Chọn một hội đồng có nhiệm vụ này là đối tượng.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Council.objects.none()
        if self.task is not None and self.task.pk:
            from .models import Application

            targets = CouncilSubject.objects.filter(
                Q(target_type=ContentType.objects.get_for_model(Task), target_id=str(self.task.pk))
                | Q(
                    target_type=ContentType.objects.get_for_model(Application),
                    target_id__in=[
                        str(pk) for pk in Application.objects.filter(task=self.task).values_list(
                            "pk", flat=True)
                    ],
                )
            ).values("council_id")  # fmt: skip
            qs = Council.objects.filter(pk__in=targets, kind__code=self.kind)
        self.fields["council"].queryset = qs.order_by("-id")


class SelectionCouncilForm(_CouncilForm):
    kind = "selection"


class AcceptanceCouncilForm(_CouncilForm):
    kind = "acceptance"


class RevisionForm(TaskStepForm):
    proposal = _file(_("Thuyết minh hoàn thiện"))
    explanation = forms.CharField(
        label=_("Giải trình"), max_length=4000, required=False, widget=TEXTAREA
    )


class FinaliseForm(TaskStepForm):
    dossier = _file(_("Hồ sơ hoàn thiện sau thẩm định kinh phí"))
    explanation = forms.CharField(
        label=_("Giải trình"), max_length=4000, required=False, widget=TEXTAREA
    )


class HostApprovalForm(TaskStepForm):
    """The People's Committee's decision approving the host, PI, budget, lump-sum mode and
    duration."""

    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = date_field(_("Ngày ký"), not_after_today=True)
    signer = forms.CharField(label=_("Người ký"), max_length=120)
    host = forms.ModelChoiceField(
        label=_("Tổ chức chủ trì"), queryset=HostOrganisation.objects.filter(is_active=True)
    )
    pi = forms.ModelChoiceField(label=_("Chủ nhiệm nhiệm vụ"), queryset=None)
    state_budget = forms.IntegerField(
        label=_("Kinh phí từ ngân sách (đồng)"), min_value=1, max_value=10**13
    )
    other_budget = forms.IntegerField(
        label=_("Kinh phí từ nguồn khác (đồng)"), min_value=0, max_value=10**13, required=False
    )
    lump_sum = forms.ChoiceField(label=_("Phương thức khoán chi"), choices=LumpSum.choices)
    duration_months = forms.IntegerField(
        label=_("Thời gian thực hiện (tháng)"), min_value=1, max_value=120
    )
    acceptance_prep_months = forms.IntegerField(
        label=_("Trong đó, thời gian chuẩn bị nghiệm thu (tháng)"), min_value=0, max_value=3
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Investigator

        self.fields["pi"].queryset = Investigator.objects.all()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["other_budget"] = data.get("other_budget") or 0
        return data


# --- periodic inspection, termination ---------------------------------------------------------
class _InspectionForm(TaskStepForm):
    inspection = forms.ModelChoiceField(
        label=_("Đợt kiểm tra"),
        queryset=None,
        error_messages={"invalid_choice": _("Chọn một đợt kiểm tra của nhiệm vụ này.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Inspection

        qs = Inspection.objects.filter(task=self.task) if self.task else Inspection.objects.none()
        self.fields["inspection"].queryset = qs.order_by("number")


class PlanInspectionForm(_InspectionForm):
    planned_on = date_field(_("Ngày kiểm tra"))
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)


class InspectionReportsForm(_InspectionForm):
    progress_report = _file(_("Báo cáo tiến độ thực hiện"), required=False)
    spending_report = _file(_("Báo cáo tình hình sử dụng kinh phí"), required=False)


CORE_TEAM = (
    ("managing_leader", _("Lãnh đạo Phòng Quản lý khoa học và công nghệ")),
    ("managing_officer", _("Chuyên viên theo dõi nhiệm vụ")),
    ("finance_leader", _("Lãnh đạo bộ phận tài chính")),
    ("finance_officer", _("Chuyên viên tài chính")),
)


class RecordInspectionForm(_InspectionForm):
    """The team that met (its 4 core members, who was present), the host's leadership,
    the outcome and the signed minutes."""

    host_leader = forms.CharField(label=_("Lãnh đạo tổ chức chủ trì dự họp"), max_length=200)
    outcome = forms.ChoiceField(label=_("Kết luận"), choices=Inspection.Outcome.choices)
    conclusion = forms.CharField(
        label=_("Nội dung kết luận"), max_length=4000, required=False, widget=TEXTAREA
    )
    minutes = _file(_("Biên bản kiểm tra đã ký"))
    held_on = date_field(
        _("Ngày kiểm tra (để trống: hôm nay)"), required=False, not_after_today=True
    )

    # the 4 core members (TT 04/2015 Art 5): name, and whether present (≥ 3 must be)
    managing_leader_name = forms.CharField(label=CORE_TEAM[0][1], max_length=120)
    managing_leader_present = forms.BooleanField(label=_("có mặt"), required=False)
    managing_officer_name = forms.CharField(label=CORE_TEAM[1][1], max_length=120)
    managing_officer_present = forms.BooleanField(label=_("có mặt"), required=False)
    finance_leader_name = forms.CharField(label=CORE_TEAM[2][1], max_length=120)
    finance_leader_present = forms.BooleanField(label=_("có mặt"), required=False)
    finance_officer_name = forms.CharField(label=CORE_TEAM[3][1], max_length=120)
    finance_officer_present = forms.BooleanField(label=_("có mặt"), required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        team = [
            {"name": data.pop(f"{r}_name"), "role": r, "present": data.pop(f"{r}_present")}
            for r, _l in CORE_TEAM
        ]
        return {**data, "team": team}


class ConfirmWorkloadForm(_InspectionForm):
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False, widget=TEXTAREA)


class ConfirmSpendingForm(_InspectionForm):
    amount = forms.IntegerField(
        label=_("Kinh phí được xác nhận (đồng)"), min_value=1, max_value=10**13, required=False
    )


class TerminateForm(TaskStepForm):
    decision_number = forms.CharField(label=_("Số quyết định chấm dứt hợp đồng"), max_length=60)
    signed_on = date_field(_("Ngày ký"), not_after_today=True)
    signer = forms.CharField(label=_("Người ký"), max_length=120)
    reason = forms.CharField(label=_("Lý do"), max_length=4000, widget=TEXTAREA)
    refund_amount = forms.IntegerField(
        label=_("Số kinh phí phải thu hồi (đồng)"), min_value=0, max_value=10**13
    )


# --- acceptance to recognition or refund ----------------------------------------------------------
class RecordAcceptanceForm(TaskStepForm):
    refund_amount = forms.IntegerField(
        label=_("Số kinh phí phải thu hồi nếu “Không đạt” (đồng)"),
        min_value=0, max_value=10**13, required=False,
    )  # fmt: skip


class CorrectionsForm(TaskStepForm):
    report = _file(_("Báo cáo hoàn thiện hồ sơ đánh giá, nghiệm thu"))
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False, widget=TEXTAREA)


class RecognitionForm(TaskStepForm):
    decision_number = forms.CharField(label=_("Số quyết định công nhận kết quả"), max_length=60)
    signed_on = date_field(_("Ngày ký"), not_after_today=True)
    signer = forms.CharField(label=_("Người ký"), max_length=120)


class RefundForm(TaskStepForm):
    amount = forms.IntegerField(label=_("Số tiền đã nộp trả (đồng)"), min_value=1, max_value=10**13)
    paid_on = date_field(_("Ngày nộp"), not_after_today=True)
    reference = forms.CharField(label=_("Chứng từ nộp tiền"), max_length=120, required=False)


class ApplicationForm(forms.Form):
    """An organisation's application to a call (or its dossier for a direct assignment):
    the organisation it files for, the PI, the budget asked for, the proposal."""

    host = forms.ModelChoiceField(label=_("Tổ chức đăng ký chủ trì"), queryset=None)
    pi = forms.ModelChoiceField(
        label=_("Chủ nhiệm nhiệm vụ"),
        queryset=None,
        help_text=_("Cá nhân đã có trong danh sách của tổ chức."),
    )
    state_budget = forms.IntegerField(
        label=_("Kinh phí đề nghị từ ngân sách (đồng)"), min_value=1, max_value=10**13
    )
    other_budget = forms.IntegerField(
        label=_("Kinh phí từ nguồn khác (đồng)"), min_value=0, max_value=10**13, required=False
    )
    proposal = _file(_("Thuyết minh nhiệm vụ"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Investigator

        orgs = (
            user.host_organisations.filter(is_active=True)
            if getattr(user, "is_authenticated", False)
            else HostOrganisation.objects.none()
        )
        self.fields["host"].queryset = orgs
        self.fields["pi"].queryset = Investigator.objects.filter(organisation__in=orgs)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["other_budget"] = data.get("other_budget") or 0
        return data


# --- the host's proposal -----------------------------------------------------------------------
class ProposeForm(forms.Form):
    """A proposal for ordering (đề xuất đặt hàng) by one of the user's organisations."""

    proposer = forms.ModelChoiceField(
        label=_("Tổ chức đề xuất"),
        queryset=HostOrganisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Chọn một tổ chức mà tài khoản của bạn thuộc về.")},
    )
    title = forms.CharField(label=_("Tên nhiệm vụ đề xuất"), max_length=500)
    year = forms.IntegerField(
        label=_("Năm đặt hàng"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Nhập năm bằng chữ số, ví dụ 2025.")},
    )
    programme = forms.ChoiceField(
        label=_("Chương trình"), choices=Programme.choices, initial=Programme.PROVINCIAL
    )
    task_type = forms.ChoiceField(
        label=_("Loại nhiệm vụ"), choices=CouncilSubject.TaskType.choices, initial="technology"
    )
    field = forms.CharField(label=_("Lĩnh vực"), max_length=120, required=False)
    summary = forms.CharField(
        label=_("Mục tiêu, nội dung chính, sản phẩm dự kiến"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, user=None, any_organisation: bool = False, **kwargs):
        """The page offers the user's organisations; the API reads any active one and
        leaves the refusal to the service (403 `not_host` for someone else's)."""
        super().__init__(*args, **kwargs)
        orgs = HostOrganisation.objects.none()
        if any_organisation:
            orgs = HostOrganisation.objects.filter(is_active=True)
        elif user is not None and getattr(user, "is_authenticated", False):
            orgs = user.host_organisations.filter(is_active=True)
        self.fields["proposer"].queryset = orgs.order_by("name")
        self.fields["year"].initial = timezone.localdate().year + 1


# --- the register's filters -----------------------------------------------------------------------
def _officers():
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name=Role.SPECIALIST, division__code=MANAGING_DIVISION)
            | Q(st_tasks_followed__isnull=False)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class OfficerFilter(django_filters.ModelChoiceFilter):
    field_class = OfficerChoiceField


class TaskFilter(django_filters.FilterSet):
    """The register's filters: stage, programme, field, year, host, officer, text."""

    q = django_filters.CharFilter(
        label=_("Tìm (mã, tên, tổ chức, chủ nhiệm)"), method="search", max_length=100
    )
    stage = django_filters.ChoiceFilter(
        label=_("Giai đoạn"), choices=Stage.choices, empty_label=_("Tất cả")
    )
    programme = django_filters.ChoiceFilter(
        label=_("Chương trình"), choices=Programme.choices, empty_label=_("Tất cả")
    )
    field = django_filters.CharFilter(label=_("Lĩnh vực"), lookup_expr="icontains", max_length=120)
    year = django_filters.NumberFilter(label=_("Năm"), min_value=2000, max_value=2100)
    host = django_filters.ModelChoiceFilter(
        label=_("Tổ chức chủ trì"),
        queryset=HostOrganisation.objects.order_by("name"),
        empty_label=_("Tất cả"),
    )
    officer = OfficerFilter(
        label=_("Chuyên viên theo dõi"), queryset=_officers(), empty_label=_("Tất cả")
    )
    o = django_filters.OrderingFilter(
        label=_("Sắp xếp"),
        fields=(("year", "year"), ("code", "code"), ("next_due_on", "due")),
        field_labels={"year": _("Năm"), "code": _("Mã"), "next_due_on": _("Hạn gần nhất")},
        empty_label=_("Năm mới nhất"),
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def search(self, queryset, name, value):
        words = " ".join(value.split())
        if not words:
            return queryset
        return queryset.filter(
            Q(code__icontains=words)
            | Q(title__icontains=words)
            | Q(host__name__icontains=words)
            | Q(proposer__name__icontains=words)
            | Q(pi__full_name__icontains=words)
        )
