"""Admin of the councils: the kind catalogue and the expert pool are edited here (the
province's numbers and experts); councils are read-only — every change goes through
the services (staff pages, API), and ballots are not shown before publication."""

from django.contrib import admin

from workflows.admin import ReadOnlyAdmin

from .models import Council, CouncilKind, Expert


@admin.register(CouncilKind)
class CouncilKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "size_min", "size_max", "papers_lead_working_days",
                    "ballot_form"]  # fmt: skip
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False  # the kinds are the code's; their numbers are the province's

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["full_name", "title", "organisation", "field", "user", "is_active"]
    search_fields = ["full_name", "organisation", "field"]
    list_filter = ["is_active"]
    raw_id_fields = ["user"]


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "kind", "status", "meeting_on", "secretary"]
    list_filter = ["status", "kind"]
    search_fields = ["code", "title"]
    fields = ["code", "title", "kind", "status", "decision_number", "decision_date",
              "meeting_on", "meeting_place", "secretary", "conclusion"]  # fmt: skip
