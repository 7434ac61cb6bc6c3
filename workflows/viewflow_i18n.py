"""Labels of viewflow's pages that viewflow builds without gettext.

viewflow names some list columns from the attribute name (`pretty_name("process_brief")`
gives "Process brief"), the task filter from the node's Python name ("Check") and the
workflow application from its class name ("Workflow"). Those never reach a catalogue,
so they are given translatable labels here once, at start-up; the Vietnamese for every
gettext string of viewflow is in locale/vi.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _flow_task_choices(queryset):
    """The task filter's choices: "<process title> / <task title>", as the inbox shows."""
    from viewflow.workflow.fields import get_task_ref

    tasks = queryset.order_by("flow_task").values_list("flow_task", flat=True).distinct()
    return [
        (
            get_task_ref(flow_task),
            f"{flow_task.flow_class.process_title} / {flow_task.task_title or flow_task.name}",
        )
        for flow_task in tasks
    ]


def install() -> None:
    from viewflow.workflow.flow.views import dashboard, filters
    from viewflow.workflow.flow.views import list as task_lists
    from viewflow.workflow.models import Process, Task

    columns = {
        task_lists.WorkflowTaskListView.process_brief: _("Process brief"),
        task_lists.WorkflowInboxListView.created: _("Created"),
        task_lists.FlowArchiveListView.process_summary: _("Process brief"),
        dashboard.DashboardTaskListView.process_summary: _("Process brief"),
        dashboard.DashboardProcessListView.process_id: _("Process"),
        dashboard.DashboardProcessListView.active_tasks: _("Công việc đang mở"),
        Task.brief.fget: _("Brief"),
        Process.brief.fget: _("Brief"),
    }
    for column, label in columns.items():
        column.short_description = label
    filters.get_queryset_flow_task_choices = _flow_task_choices
