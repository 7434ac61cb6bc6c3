"""Serializers of the assignments API: what is shown, and what each action takes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflows.api_serializers import Serializer
from workflows.models import Division

from . import rules, selectors
from .models import (
    Assignment,
    Extension,
    OutgoingKind,
    ProgressNote,
    Result,
    Source,
    SourceKind,
    Status,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
WARNING_CHOICES = [
    ("", "—"),
    (rules.OVERDUE, _("Quá hạn")),
    (rules.DUE_TODAY, _("Đến hạn hôm nay")),
    (rules.DUE_SOON, _("Sắp đến hạn")),
]


def _date(**kwargs):
    return serializers.DateField(input_formats=DATE_FORMATS, **kwargs)


class ProgressNoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = ProgressNote
        fields = ["id", "at", "author", "text", "has_file", "original_name"]

    def get_has_file(self, obj) -> bool:
        return bool(obj.file)


class AssignmentExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = ["old_due_on", "new_due_on", "reason", "approval", "at"]


class AssignmentListSerializer(serializers.ModelSerializer):
    source = serializers.ChoiceField(choices=Source.choices)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    result = serializers.ChoiceField(choices=[("", "—"), *Result.choices])
    outgoing_kind = serializers.ChoiceField(choices=[("", "—"), *OutgoingKind.choices])
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_label = serializers.CharField(read_only=True)
    outgoing_label = serializers.CharField(read_only=True)
    lead_division = serializers.SlugRelatedField(slug_field="code", read_only=True)
    supporting_divisions = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    officer_name = serializers.SerializerMethodField()
    warning = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "code",
            "source",
            "source_kind",
            "source_number",
            "source_date",
            "source_label",
            "content",
            "received_on",
            "due_on",
            "original_due_on",
            "lead_division",
            "supporting_divisions",
            "officer",
            "officer_name",
            "status",
            "status_label",
            "warning",
            "completed_on",
            "result",
            "outgoing_kind",
            "outgoing_number",
            "outgoing_date",
            "outgoing_label",
        ]
        read_only_fields = fields

    def get_officer_name(self, obj) -> str:
        return obj.officer.get_full_name() if obj.officer_id else ""

    def get_warning(self, obj) -> str:
        return selectors.warning_of(obj)


class AssignmentDetailSerializer(AssignmentListSerializer):
    notes = ProgressNoteSerializer(many=True, read_only=True)
    extensions = AssignmentExtensionSerializer(many=True, read_only=True)

    class Meta(AssignmentListSerializer.Meta):
        fields = [
            *AssignmentListSerializer.Meta.fields,
            "cancelled_on",
            "cancel_reason",
            "notes",
            "extensions",
        ]
        read_only_fields = fields


class AssignmentCreateSerializer(Serializer):
    source = serializers.ChoiceField(choices=Source.choices)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    source_number = serializers.CharField(max_length=60)
    source_date = _date()
    content = serializers.CharField()
    received_on = _date()
    due_on = _date()
    lead_division = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.filter(is_active=True)
    )
    supporting_divisions = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Division.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    officer = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True
    )


class AssignmentAssignSerializer(Serializer):
    officer = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class AssignmentNoteInSerializer(Serializer):
    text = serializers.CharField(max_length=4000)
    file = serializers.FileField(required=False)


class AssignmentExtendSerializer(Serializer):
    new_due_on = _date()
    reason = serializers.CharField()
    approval = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class AssignmentCompleteSerializer(Serializer):
    outgoing_kind = serializers.ChoiceField(choices=OutgoingKind.choices)
    outgoing_number = serializers.CharField(max_length=60)
    outgoing_date = _date()
    completed_on = _date(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class AssignmentCancelSerializer(Serializer):
    reason = serializers.CharField()
    cancelled_on = _date(required=False, allow_null=True, default=None)


class AssignmentImportUploadSerializer(Serializer):
    file = serializers.FileField(help_text=_("Sổ theo dõi nhiệm vụ, .xlsx hoặc .csv (UTF-8)"))


class AssignmentImportResultSerializer(Serializer):
    batch = serializers.IntegerField(source="batch.pk")
    created = serializers.IntegerField()
    completed = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField())
