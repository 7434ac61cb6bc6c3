"""What the penalty procedure tells the managers' views about its ledger rows."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.registry import LedgerSource

from .models import PROCEDURE_CODE

KIND_LABELS = {
    "explanation": _("Giải trình của người vi phạm"),
    "decision": _("Ra quyết định xử phạt"),
    "delivery": _("Giao quyết định xử phạt"),
    "payment": _("Nộp tiền phạt"),
    "reminder_letter": _("Gửi thư nhắc nộp phạt"),
    "enforcement_prep": _("Chuẩn bị cưỡng chế"),
    "enforcement_decision": _("Ra quyết định cưỡng chế"),
    "limitation": _("Hết thời hiệu thi hành"),
    "instalment": _("Nộp tiền phạt nhiều lần (kỳ)"),
    "relief_decision": _("Quyết định về đề nghị hoãn / nộp nhiều lần"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _case_url(object_id: str, dossier_code: str) -> str:
    return reverse("penalties:case", kwargs={"pk": int(object_id)})


def sources() -> list[LedgerSource]:
    return [LedgerSource("penalties.penaltycase", (PROCEDURE_CODE,), _case_url, kind_label)]
