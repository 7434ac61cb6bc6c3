from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_catalogue(sender, **kwargs) -> None:
    from .catalogue import catalogue_install
    from .task_catalogue import task_catalogue_install

    catalogue_install()
    task_catalogue_install()


class TasksLifecycleConfig(AppConfig):
    name = "tasks_lifecycle"
    verbose_name = _("Nhiệm vụ khoa học và công nghệ")

    def ready(self) -> None:
        # the council kinds are data every installation needs, not only the demo
        post_migrate.connect(
            _install_catalogue, sender=self, dispatch_uid="tasks-lifecycle-catalogue"
        )
        from workflows import registry

        from . import flows, staff_app, task_demo, task_flows

        registry.demo_seeders.append(task_demo.seed_tasks_and_councils)
        # the tasks' and councils' sentences of the quarterly report
        from .report import task_report_figures

        registry.report_figures.append(task_report_figures)
        # the managers' views: what the rows of this app's ledger are and where they lead
        from .ledger_source import sources

        registry.ledger_sources.extend(sources())
        registry.site_applications.append(staff_app.CouncilsStaffApp())
        registry.site_applications.append(staff_app.TasksStaffApp())
        for flow_class in flows.FLOWS:
            registry.flow_viewsets.append(flows.CouncilFlowViewset(flow_class))
        registry.flow_viewsets.append(task_flows.TaskFlowViewset(task_flows.TaskFlow))
