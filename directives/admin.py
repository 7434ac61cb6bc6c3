"""Read-only admin views of the assignments: every change goes through the services
(the staff pages, the API and the import)."""

from django.contrib import admin

from workflows.admin import ReadOnlyAdmin

from .models import Assignment, Extension, ImportBatch, ProgressNote


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "source_number",
        "source_date",
        "lead_division",
        "officer",
        "due_on",
        "status",
        "result",
    ]
    list_filter = ["status", "result", "source", "lead_division"]
    search_fields = ["code", "source_number", "outgoing_number", "content"]
    list_select_related = ["lead_division", "officer"]


@admin.register(ProgressNote)
class ProgressNoteAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "author", "at"]
    list_select_related = ["assignment", "author"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "old_due_on", "new_due_on", "actor", "at"]
    list_select_related = ["assignment", "actor"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "rows", "actor", "at"]
    list_select_related = ["actor"]
