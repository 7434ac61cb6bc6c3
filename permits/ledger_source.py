"""What the radiation procedures tell the managers' views about their ledger rows."""

from django.urls import reverse

from workflows.registry import LedgerSource

from .models import PROCEDURE_CODES
from .selectors import deadline_kind_label


def _case_url(object_id: str, dossier_code: str) -> str:
    # a dossier's rows and its permit's expiry row both carry the dossier's code
    return reverse("permits:staff-dossier", kwargs={"code": dossier_code}) if dossier_code else ""


def sources() -> list[LedgerSource]:
    codes = tuple(PROCEDURE_CODES.values())
    return [
        LedgerSource("permits.dossier", codes, _case_url, deadline_kind_label),
        LedgerSource("permits.permit", codes, _case_url, deadline_kind_label),
    ]
