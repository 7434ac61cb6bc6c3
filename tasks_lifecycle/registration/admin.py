"""The register of result registrations, read-only: every change goes through the
one-stop desk's services (the kind's hooks), never through the admin's forms."""

from django.contrib import admin

from workflows.admin import ReadOnlyAdmin

from .models import ResultRegistration


@admin.register(ResultRegistration)
class ResultRegistrationAdmin(ReadOnlyAdmin):
    list_display = ["number", "task_title", "pi_name", "acceptance_class", "issued_on", "task"]
    list_filter = ["acceptance_class", "issued_on"]
    search_fields = ["number", "task_title", "task_code", "pi_name"]
    list_select_related = ["task"]
