from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditEntry,
    CalendarException,
    ClockEvent,
    Deadline,
    Division,
    LadderStep,
    LegalClock,
    Procedure,
    ProcedureVersion,
    StatisticsExport,
    StatisticsSnapshot,
    TimeLimitRule,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "email", "division", "is_active"]
    list_filter = ["groups", "division", "is_active", "is_staff"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Đơn vị và liên hệ"), {"fields": ["division", "phone", "language"]}),
    ]


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note", "legal_reference"]
    list_filter = ["kind"]
    date_hierarchy = "date"


class TimeLimitInline(admin.TabularInline):
    model = TimeLimitRule
    extra = 0


class LadderInline(admin.TabularInline):
    model = LadderStep
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "field"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "label", "applies_from"]
    list_filter = ["procedure"]
    inlines = [TimeLimitInline, LadderInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services: visible, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "content_type", "object_id", "action", "from_state", "to_state", "actor"]
    list_filter = ["content_type", "action"]
    search_fields = ["object_id", "note"]
    list_select_related = ["actor", "content_type"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = [
        "dossier_code",
        "kind",
        "procedure_code",
        "due_date",
        "state",
        "paused",
        "escalation_level",
        "owner_user",
        "owner_division",
    ]
    list_filter = ["state", "paused", "procedure_code", "kind", "owner_division"]
    search_fields = ["dossier_code", "title"]
    date_hierarchy = "due_date"
    list_select_related = ["owner_user", "owner_division"]


class ClockEventInline(admin.TabularInline):
    model = ClockEvent
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LegalClock)
class LegalClockAdmin(ReadOnlyAdmin):
    list_display = [
        "content_type",
        "object_id",
        "amount",
        "unit",
        "started_on",
        "state",
        "due_date",
    ]
    list_filter = ["state", "unit"]
    inlines = [ClockEventInline]


@admin.register(StatisticsSnapshot)
class StatisticsSnapshotAdmin(ReadOnlyAdmin):
    """Approved statistics: frozen, shown only (approving is on the statistics page)."""

    list_display = ("period", "version", "approved_by", "approved_at", "note")
    list_filter = ("period",)
    list_select_related = ("approved_by",)


@admin.register(StatisticsExport)
class StatisticsExportAdmin(ReadOnlyAdmin):
    list_display = ("period", "status", "progress", "requested_by", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("requested_by",)
