from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình và thời hạn")

    def ready(self) -> None:
        from . import (
            signals,  # noqa: F401  (calendar cache invalidation)
            viewflow_i18n,
        )

        viewflow_i18n.install()

        # the quarterly statistics of administrative procedures, in the staff Site
        from . import registry
        from .statistics_views import StatisticsApp

        registry.site_applications.append(StatisticsApp())
