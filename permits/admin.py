"""Read-only admin views of the radiation dossiers: every change goes through the
services (the staff pages and the API), never through the admin's forms.

An admin user whose role has no step in the procedure (`permits.access`) sees neither
the personal fields of a dossier nor its uploaded files, nor a certificate's scope and
the holder's address (they carry the worker's birth date and ID-card number)."""

from django.contrib import admin

from workflows.admin import ReadOnlyAdmin

from . import access
from .models import ApologySlip, Device, Document, Dossier, Permit, SupplementRequest


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DeviceInline(ReadOnlyInline):
    model = Device
    fields = ["category", "model_name", "serial_number", "manufacturer", "fee"]


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["item", "original_name", "content_type", "size", "issued_on", "is_current"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "status", "organisation_name", "submitted_on", "decided_on"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["code", "organisation_name", "business_registration_no"]
    date_hierarchy = "submitted_on"
    list_select_related = ["procedure_version__procedure"]
    exclude = ["lookup_key"]
    inlines = [DeviceInline, DocumentInline]

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not access.sees_personal_data(request.user, obj):
            exclude += access.PERSONAL_FIELDS
        return exclude

    def get_inlines(self, request, obj):
        if access.sees_personal_data(request.user, obj):
            return self.inlines
        return [i for i in self.inlines if i is not DocumentInline]


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "holder_name", "issued_on", "valid_until", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["number", "holder_name"]

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not access.sees_personal_data(request.user):
            exclude += ["scope", "holder_address"]
        return exclude


@admin.register(SupplementRequest)
class SupplementRequestAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "number", "requested_on", "answered_on"]


@admin.register(ApologySlip)
class ApologySlipAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "state", "old_date", "new_date", "issue_by", "issued_on"]
    list_filter = ["state"]
