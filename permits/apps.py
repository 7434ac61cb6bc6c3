from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_catalogue(sender, **kwargs) -> None:
    from .catalogue import catalogue_install

    catalogue_install()


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = _("Cấp phép bức xạ")

    def ready(self) -> None:
        from workflows import registry
        from workflows.onestop import kinds

        from . import demo, services
        from .kinds import register_radiation_kinds

        # the one-stop desk: its own kinds, and its services for the other procedures'
        register_radiation_kinds()
        kinds.register_desk(services)

        # the catalogue entries are data every installation needs, not only the demo
        post_migrate.connect(_install_catalogue, sender=self, dispatch_uid="permits-catalogue")
        registry.demo_seeders.append(demo.seed_permits)
        # the radiation desk's sentences of the quarterly report
        from .report import radiation_figures

        registry.report_figures.append(radiation_figures)

        # the quarterly statistics of administrative procedures count its dossiers
        from .statistics import RADIATION_STATISTICS

        registry.statistics_sources.append(RADIATION_STATISTICS)
        # the managers' views: what the rows of this app's ledger are and where they lead
        from .ledger_source import sources

        registry.ledger_sources.extend(sources())

        # the flows of the two procedures, the one of the other one-stop kinds, and the
        # staff pages in the staff Site
        from . import flows, staff_app

        post_migrate.connect(
            flows.install_flow_permissions, sender=self, dispatch_uid="permits-flow-permissions"
        )
        registry.flow_viewsets.append(flows.RadiationFlowViewset(flows.PermitFlow))
        registry.flow_viewsets.append(flows.RadiationFlowViewset(flows.CertificateFlow))
        registry.flow_viewsets.append(flows.RadiationFlowViewset(flows.OneStopFlow))
        registry.site_applications.append(staff_app.RadiationStaffApp())
