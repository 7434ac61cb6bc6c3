"""What the result registrations tell the managers' views about their ledger rows: they
are one-stop dossiers (the desk's rows, on its dossier model), shown on the desk's case
page, with the desk's steps."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.registry import LedgerSource

from .kind import PROCEDURE_CODE

KIND_LABELS = {
    "check": _("Kiểm tra tính đầy đủ của hồ sơ"),
    "result": _("Thời hạn giải quyết"),
    "step": _("Thời hạn bước xử lý"),
    "apology": _("Phát hành phiếu xin lỗi"),
    "supplement": _("Bổ sung hồ sơ"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _case_url(object_id: str, dossier_code: str) -> str:
    # the desk's staff case page, by the dossier's code (a URL name, not an import)
    return reverse("permits:staff-dossier", kwargs={"code": dossier_code}) if dossier_code else ""


def sources() -> list[LedgerSource]:
    return [LedgerSource("permits.dossier", (PROCEDURE_CODE,), _case_url, kind_label)]
