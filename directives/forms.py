"""The forms of the assignment pages (the API reads the same values with serializers)."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.forms import date_field
from workflows.models import Division
from workflows.periods import Quarter

from . import access, rules
from .models import Assignment, OutgoingKind, Source, SourceKind, Status

WARNINGS = [
    (rules.OVERDUE, _("Quá hạn")),
    (rules.DUE_TODAY, _("Đến hạn hôm nay")),
    (rules.DUE_SOON, _("Sắp đến hạn (3 ngày làm việc)")),
]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.division})" if obj.division_id else name


def division_staff(division=None):
    qs = (
        get_user_model()
        .objects.filter(
            is_active=True,
            division__isnull=False,
            groups__name__in=access.DIVISION_STAFF_ROLES,
        )
        .select_related("division")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return qs.filter(division=division) if division is not None else qs


def _quarters():
    today = timezone.localdate()
    q, first = Quarter.containing(today).next(), Quarter(2023, 1)
    out = []
    while q >= first:
        out.append((q.code, q.label))
        q = q.previous()
    return out


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class AssignmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm (số văn bản, nội dung, mã)"), method="search", max_length=100
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=Status.choices, empty_label=_("Tất cả")
    )
    warning = django_filters.ChoiceFilter(
        label=_("Cảnh báo"), choices=WARNINGS, method="by_warning", empty_label=_("Tất cả")
    )
    division = django_filters.ModelChoiceFilter(
        label=_("Phòng (chủ trì hoặc phối hợp)"),
        queryset=Division.objects.filter(is_active=True).order_by("name"),
        method="by_division",
        empty_label=_("Tất cả"),
    )
    officer = PersonFilter(
        label=_("Cán bộ thực hiện"), queryset=division_staff(), empty_label=_("Tất cả")
    )
    quarter = django_filters.ChoiceFilter(
        label=_("Quý"), choices=_quarters, method="by_quarter", empty_label=_("Tất cả")
    )

    class Meta:
        model = Assignment
        fields: list[str] = []

    def search(self, queryset, name, value):
        words = " ".join(value.split())
        if not words:
            return queryset
        return queryset.filter(
            Q(source_number__icontains=words)
            | Q(outgoing_number__icontains=words)
            | Q(content__icontains=words)
            | Q(code__icontains=words)
        )

    def by_warning(self, queryset, name, value):
        today = timezone.localdate()
        open_ = queryset.filter(status__in=[Status.RECEIVED, Status.IN_PROGRESS])
        if value == rules.OVERDUE:
            return open_.filter(last_day__lt=today)
        if value == rules.DUE_TODAY:
            return open_.filter(last_day=today)
        return open_.filter(last_day__gt=today, last_day__lte=rules.soon_until(today))

    def by_division(self, queryset, name, value):
        through = Assignment.supporting_divisions.through
        supports = through.objects.filter(assignment_id=OuterRef("pk"), division_id=value.pk)
        return queryset.filter(Q(lead_division_id=value.pk) | Exists(supports))

    def by_quarter(self, queryset, name, value):
        from .reporting import handled_in

        q = Quarter.parse(value)
        return queryset.filter(pk__in=handled_in(q.start, q.end).values("pk"))


class AssignmentForm(forms.Form):
    source = forms.ChoiceField(label=_("Cơ quan giao"), choices=Source.choices)
    source_kind = forms.ChoiceField(label=_("Loại văn bản giao"), choices=SourceKind.choices)
    source_number = forms.CharField(label=_("Số văn bản giao"), max_length=60)
    source_date = date_field(_("Ngày văn bản giao"), not_after_today=True)
    content = forms.CharField(
        label=_("Nội dung nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 3})
    )
    received_on = date_field(_("Ngày nhận"), not_after_today=True)
    due_on = date_field(_("Hạn hoàn thành"))
    lead_division = forms.ModelChoiceField(
        label=_("Phòng chủ trì"), queryset=Division.objects.filter(is_active=True)
    )
    supporting_divisions = forms.ModelMultipleChoiceField(
        label=_("Phòng phối hợp"),
        queryset=Division.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    officer = PersonChoiceField(
        label=_("Cán bộ thực hiện (để trống: lãnh đạo phòng phân công sau)"),
        queryset=division_staff(),
        required=False,
    )

    def clean(self):
        data = super().clean()
        for p in rules.check_new(
            source_date=data.get("source_date"),
            received_on=data.get("received_on"),
            due_on=data.get("due_on"),
            today=timezone.localdate(),
        ):
            if p.field in self.fields and p.field not in self.errors:
                self.add_error(p.field, p.message)
        officer, lead = data.get("officer"), data.get("lead_division")
        if officer is not None and lead is not None and officer.division_id != lead.pk:
            self.add_error("officer", _("Cán bộ thực hiện phải thuộc phòng chủ trì."))
        return data


class AssignForm(forms.Form):
    officer = PersonChoiceField(label=_("Cán bộ thực hiện"), queryset=division_staff())
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None:
            self.fields["officer"].queryset = division_staff(assignment.lead_division)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung tiến độ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    file = forms.FileField(label=_("Tệp đính kèm (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)


class ExtendForm(forms.Form):
    new_due_on = date_field(_("Hạn mới"))
    reason = forms.CharField(label=_("Lý do gia hạn"), widget=forms.Textarea(attrs={"rows": 2}))
    approval = forms.CharField(
        label=_("Văn bản UBND tỉnh đồng ý gia hạn (nếu có)"), required=False, max_length=200
    )

    def __init__(self, *args, assignment=None, **kwargs):
        self.assignment = assignment
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.assignment is not None and data.get("new_due_on"):
            for p in rules.check_extension(
                is_open=True,
                due_on=self.assignment.due_on,
                new_due_on=data["new_due_on"],
                reason=data.get("reason") or "x",
            ):
                self.add_error(p.field or None, p.message)
        return data


class CompleteForm(forms.Form):
    outgoing_kind = forms.ChoiceField(label=_("Loại văn bản"), choices=OutgoingKind.choices)
    outgoing_number = forms.CharField(label=_("Số văn bản"), max_length=60)
    outgoing_date = date_field(_("Ngày văn bản"), not_after_today=True)
    completed_on = date_field(
        _("Ngày hoàn thành (để trống: ngày văn bản)"), required=False, not_after_today=True
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args, assignment=None, **kwargs):
        self.assignment = assignment
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.assignment is not None and data.get("outgoing_date"):
            for p in rules.check_completion(
                received_on=self.assignment.received_on,
                completed_on=data.get("completed_on"),
                document_number=data.get("outgoing_number") or "x",
                document_date=data["outgoing_date"],
                today=timezone.localdate(),
            ):
                name = {"document_date": "outgoing_date"}.get(p.field, p.field)
                if name in self.fields and name not in self.errors:
                    self.add_error(name, p.message)
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do, văn bản của UBND tỉnh"), widget=forms.Textarea(attrs={"rows": 2})
    )
    cancelled_on = date_field(
        _("Ngày dừng thực hiện (để trống: hôm nay)"), required=False, not_after_today=True
    )

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Sổ theo dõi nhiệm vụ (.xlsx hoặc .csv)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chọn tệp .xlsx hoặc .csv."))
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return f
