from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_catalogue(sender, **kwargs) -> None:
    from .catalogue import catalogue_install

    catalogue_install()


class TaskRegistrationConfig(AppConfig):
    name = "tasks_lifecycle.registration"
    label = "task_registration"
    verbose_name = _("Đăng ký kết quả thực hiện nhiệm vụ KH&CN")

    def ready(self) -> None:
        from workflows import registry
        from workflows.onestop import kinds

        from . import demo, kind

        kinds.register(kind.RESULT_REGISTRATION)
        post_migrate.connect(
            _install_catalogue, sender=self, dispatch_uid="task-registration-catalogue"
        )
        registry.demo_seeders.append(demo.seed_registrations)
        from .report import registration_figures

        registry.report_figures.append(registration_figures)
        registry.statistics_sources.append(kind.RESULT_REGISTRATION_STATISTICS)
        # the managers' views: what the rows of this app's ledger are and where they lead
        from .ledger_source import sources

        registry.ledger_sources.extend(sources())
