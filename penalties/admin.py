"""Read-only admin views of the penalty procedure: every change goes through the
services (the staff pages and the API). The violator's address and ID number are
hidden from an admin user without a step in the procedure."""

from django.contrib import admin

from workflows.admin import ReadOnlyAdmin

from . import access
from .models import Inspection, PenaltyCase, Relief, StatementImport, TreasuryReceipt

PERSONAL = ("violator_address", "violator_id_number")


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(ReadOnlyAdmin):
    list_display = [
        "decision_number",
        "record_number",
        "violator_name",
        "status",
        "amount",
        "paid_total",
        "payment_due",
        "limitation_on",
    ]
    list_filter = ["status"]
    search_fields = ["decision_number", "record_number", "violator_name"]

    def get_exclude(self, request, obj=None):
        return () if access.sees_personal_data(request.user) else PERSONAL


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "issued_on", "title"]


@admin.register(TreasuryReceipt)
class TreasuryReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "value_date", "amount", "statement"]
    search_fields = ["number", "case__decision_number"]


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "at", "uploaded_by", "matched", "duplicates", "unmatched"]


@admin.register(Relief)
class ReliefAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "state", "decided_on", "starts_on", "ends_on"]
