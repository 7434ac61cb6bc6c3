"""What the councils and the S&T tasks tell the managers' views about their ledger rows."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.registry import LedgerSource

from .models import PROCEDURE_CODE, TASK_PROCEDURE_CODE
from .task_selectors import kind_label as task_kind_label

COUNCIL_KIND_LABELS = {
    "papers_due": _("Gửi tài liệu họp"),
    "meeting_due": _("Tổ chức phiên họp"),
    "questions_due": _("Nhận câu hỏi của thành viên"),
    "conclusions_due": _("Gửi kết luận của hội đồng"),
    "review_due": _("Nộp phiếu nhận xét"),
    "review_watch": _("Theo dõi phiếu nhận xét"),
}


def council_kind_label(kind: str) -> str:
    return str(COUNCIL_KIND_LABELS.get(kind, kind))


def _council_url(object_id: str, dossier_code: str) -> str:
    return reverse("tasks_lifecycle:council", kwargs={"pk": int(object_id)})


def _task_url(object_id: str, dossier_code: str) -> str:
    return reverse("tasks_lifecycle:task", kwargs={"pk": int(object_id)})


def sources() -> list[LedgerSource]:
    return [
        LedgerSource(
            "tasks_lifecycle.council", (PROCEDURE_CODE,), _council_url, council_kind_label
        ),
        LedgerSource("tasks_lifecycle.task", (TASK_PROCEDURE_CODE,), _task_url, task_kind_label),
    ]
