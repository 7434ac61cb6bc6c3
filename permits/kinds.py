"""The radiation procedures as kinds of one-stop dossier (`workflows.onestop.kinds`).

The desk's own kinds are declared like any other procedure's: the catalogue code, the
code prefix, the fee step, the appraising division (Phòng Công nghệ và Quản lý khoa học
cơ sở, DOMAIN.md §2) and the result the director signs — a permit or a certificate in
the register (`Permit`). Their radiation-only declarations (devices, the worker, the
previous permit) are this app's forms and columns, not `Details`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.onestop.kinds import OneStopKind, register

from .access import APPRAISAL_DIVISION
from .models import PROCEDURE_CODES, DossierKind, Permit


def _issue(case, *, actor, on):
    from .services import permit_issue

    return permit_issue(case, actor=actor, on=on)


def _result_of(dossier):
    from .selectors import dossier_permit

    return dossier_permit(dossier)


def _result_pdf(permit):
    from .documents import permit_pdf

    return permit_pdf(permit)


def _kind(kind: DossierKind, prefix: str, result, heading) -> OneStopKind:
    return OneStopKind(
        code=kind.value,
        label=kind.label,
        procedure_code=PROCEDURE_CODES[kind],
        code_prefix=prefix,
        appraisal_division=APPRAISAL_DIVISION,
        fee=True,
        result_label=result,
        result_slug="giay-phep",
        issue=_issue,
        result_of=_result_of,
        result_pdf=_result_pdf,
        organisation_heading=heading,
    )


def register_radiation_kinds() -> None:
    permit, certificate = Permit.Kind.PERMIT.label, Permit.Kind.CERTIFICATE.label
    organisation = _("Tổ chức đề nghị cấp phép")
    for kind in (DossierKind.PERMIT_NEW, DossierKind.PERMIT_RENEWAL, DossierKind.PERMIT_AMENDMENT):
        register(_kind(kind, "GPBX", permit, organisation))
    register(
        _kind(
            DossierKind.CERTIFICATE,
            "CCBX",
            certificate,
            _("Cơ sở nơi nhân viên bức xạ làm việc"),
        )
    )
