from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_catalogue(sender, **kwargs) -> None:
    from .catalogue import catalogue_install

    catalogue_install()


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao")

    def ready(self) -> None:
        from workflows import registry

        from . import demo, reporting, staff_app
        from .models import MODEL_LABEL, PROCEDURE_CODE

        # the catalogue entry (reminder ladder) is data every installation needs
        post_migrate.connect(_install_catalogue, sender=self, dispatch_uid="directives-catalogue")
        registry.demo_seeders.append(demo.seed_directives)
        registry.site_applications.append(staff_app.DirectivesStaffApp())
        registry.ledger_sources.append(
            registry.LedgerSource(
                model=MODEL_LABEL,
                procedure_codes=(PROCEDURE_CODE,),
                case_url=reporting.case_url,
                kind_label=reporting.kind_label,
            )
        )
        registry.report_figures.append(reporting.report_figures)
