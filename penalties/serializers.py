"""Serializers of the penalty API: what is shown, and what each action takes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflows.api_serializers import Serializer

from . import access
from .models import DeliveryAttempt, Inspection, PenaltyCase, Relief, TreasuryReceipt
from .selectors import case_money, next_date
from .services import ENFORCEMENT_MEASURES

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = TreasuryReceipt
        fields = ["number", "value_date", "amount", "statement"]


class ReliefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Relief
        fields = [
            "kind",
            "state",
            "requested_on",
            "decided_on",
            "starts_on",
            "ends_on",
            "schedule",
            "reason",
            "number",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["on", "by_post", "outcome", "note"]


class CaseListSerializer(serializers.ModelSerializer):
    paid = serializers.SerializerMethodField()
    surcharge_today = serializers.SerializerMethodField()
    total_due = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    next_date = serializers.SerializerMethodField()

    class Meta:
        model = PenaltyCase
        fields = [
            "id",
            "record_number",
            "decision_number",
            "violator_name",
            "amount",
            "paid",
            "surcharge_today",
            "total_due",
            "status",
            "status_label",
            "payment_due",
            "limitation_on",
            "next_date",
        ]

    def _money(self, obj):
        cache = obj.__dict__.setdefault("_money", case_money(obj))
        return cache

    def get_paid(self, obj) -> int:
        return self._money(obj).paid

    def get_surcharge_today(self, obj) -> int:
        return self._money(obj).surcharge

    def get_total_due(self, obj) -> int:
        return self._money(obj).total_due

    def get_next_date(self, obj) -> str | None:
        day, _label = next_date(obj)
        return day.isoformat() if day else None


class CaseDetailSerializer(CaseListSerializer):
    receipts = ReceiptSerializer(many=True, read_only=True)
    reliefs = ReliefSerializer(many=True, read_only=True)
    deliveries = DeliverySerializer(many=True, read_only=True)
    personal_data_shown = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "violator_is_organisation",
            "violator_address",
            "violator_id_number",
            "record_on",
            "violation",
            "decision_case",
            "decision_due",
            "explanation_due",
            "signer",
            "decided_on",
            "delivery_due",
            "delivered_on",
            "deemed_delivered",
            "reminder_sent_on",
            "enforcement_measure",
            "enforcement_number",
            "receipts",
            "reliefs",
            "deliveries",
            "personal_data_shown",
        ]

    def get_personal_data_shown(self, obj) -> bool:
        return access.sees_personal_data(self.context["request"].user)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not data["personal_data_shown"]:
            data["violator_address"] = ""
            data["violator_id_number"] = ""
        return data


class CaseOpenSerializer(Serializer):
    violator_name = serializers.CharField(max_length=300)
    violator_is_organisation = serializers.BooleanField(default=True)
    violator_address = serializers.CharField(max_length=400, required=False, default="")
    violator_id_number = serializers.CharField(max_length=40, required=False, default="")
    record_number = serializers.CharField(max_length=60)
    record_on = serializers.DateField(input_formats=DATE_FORMATS)
    violation = serializers.CharField(max_length=4000)
    legal_article = serializers.CharField(max_length=300, required=False, default="")
    transferred = serializers.BooleanField(default=False)
    inspection = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects.all(), required=False, allow_null=True, default=None
    )


class NoteSerializer(Serializer):
    note = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


class RequiredNoteSerializer(Serializer):
    note = serializers.CharField(max_length=4000)


class ReasonSerializer(Serializer):
    reason = serializers.CharField(max_length=4000)


class ProposeSerializer(Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=10_000_000_000)
    payment_days = serializers.IntegerField(min_value=1, max_value=365, required=False)


class SignSerializer(Serializer):
    number = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    by_chairman = serializers.BooleanField(
        default=False,
        help_text=_(
            "Giám đốc Sở ghi nhận quyết định do Chủ tịch UBND tỉnh ký (số tiền vượt thẩm quyền "
            "của Sở): bắt buộc nhập số quyết định."
        ),
    )
    decided_on = serializers.DateField(
        input_formats=DATE_FORMATS,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Ngày Chủ tịch UBND tỉnh ký (chỉ khi by_chairman); mặc định hôm nay."),
    )


class DeliverySerializerIn(Serializer):
    on = serializers.DateField(input_formats=DATE_FORMATS)
    outcome = serializers.ChoiceField(choices=DeliveryAttempt.Outcome.choices)
    by_post = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class PaymentSerializer(Serializer):
    number = serializers.CharField(max_length=60)
    value_date = serializers.DateField(input_formats=DATE_FORMATS)
    amount = serializers.IntegerField(min_value=1, max_value=10_000_000_000)


class InstalmentItemSerializer(Serializer):
    due = serializers.DateField(input_formats=DATE_FORMATS)
    amount = serializers.IntegerField(min_value=1, max_value=10_000_000_000)


class InstalmentsSerializer(Serializer):
    approve = serializers.BooleanField()
    requested_on = serializers.DateField(input_formats=DATE_FORMATS)
    hardship_certified = serializers.BooleanField(default=False)
    schedule = InstalmentItemSerializer(many=True, required=False, default=list)
    reason = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


class PostponementSerializer(Serializer):
    approve = serializers.BooleanField()
    requested_on = serializers.DateField(input_formats=DATE_FORMATS)
    until = serializers.DateField(
        input_formats=DATE_FORMATS, required=False, allow_null=True, default=None
    )
    hardship_certified = serializers.BooleanField(default=False)
    reason = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


class EnforcementSerializer(Serializer):
    measure = serializers.ChoiceField(choices=list(ENFORCEMENT_MEASURES.items()))
    number = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)


class StatementUploadSerializer(Serializer):
    file = serializers.FileField(help_text=_("Sao kê Kho bạc: CSV (UTF-8) hoặc Excel .xlsx."))


class StatementResultSerializer(Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    matched = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    report = serializers.ListField(child=serializers.DictField())


class LookupRequestSerializer(Serializer):
    decision_number = serializers.CharField(max_length=60)
    key = serializers.CharField(max_length=20)


class LookupResultSerializer(Serializer):
    decision_number = serializers.CharField()
    decided_on = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    payment_due = serializers.DateField(allow_null=True)
    principal = serializers.IntegerField()
    paid = serializers.IntegerField()
    surcharge_today = serializers.IntegerField()
    total_due = serializers.IntegerField()
    on = serializers.DateField()
    treasury_account = serializers.CharField()


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "number",
            "issued_on",
            "title",
            "subjects",
            "amended_by",
            "planned_for",
            "is_example",
        ]
        read_only_fields = ["id", "is_example"]
