from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_catalogue(sender, **kwargs) -> None:
    from .catalogue import catalogue_install

    catalogue_install()


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("Xử phạt vi phạm hành chính")

    def ready(self) -> None:
        from workflows import registry

        from . import demo, flows, staff_app

        # the catalogue entry is data every installation needs, not only the demo
        post_migrate.connect(_install_catalogue, sender=self, dispatch_uid="penalties-catalogue")
        registry.demo_seeders.append(demo.seed_penalties)
        # the inspectorate's sentences of the quarterly report
        from .report import penalty_report_figures

        registry.report_figures.append(penalty_report_figures)
        # the managers' views: what the rows of this app's ledger are and where they lead
        from .ledger_source import sources

        registry.ledger_sources.extend(sources())
        registry.flow_viewsets.append(flows.PenaltyFlowViewset(flows.PenaltyFlow))
        registry.site_applications.append(staff_app.PenaltiesStaffApp())
