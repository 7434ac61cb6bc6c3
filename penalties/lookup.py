"""The public lookup of what a penalty decision still asks to be paid, by its number
plus the key printed on the decision. The answer carries the money only (principal,
paid, surcharge today, total due, the treasury account) — never the violator, the
violation or anyone's personal data. An unknown number and a wrong key give the same
answer; attempts are rate-limited per address like the dossier lookup."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.selectors import procedure_version

from .models import Status
from .selectors import case_money, cases_with_money

NOT_FOUND_MESSAGE = _("Không tìm thấy quyết định với số quyết định và mã tra cứu đã nhập.")
_DUMMY = b"\x00" * 8


def normalise_number(value: str) -> str:
    return " ".join(str(value or "").split())[:60]


def normalise_key(value: str) -> str:
    return "".join(ch for ch in str(value or "") if ch not in " -\t\r\n").upper()[:12]


def penalty_lookup(number: str, key: str) -> dict[str, Any] | None:
    number, key = normalise_number(number), normalise_key(key)
    case = cases_with_money().filter(decision_number__iexact=number).first() if number else None
    expected = case.lookup_key.encode() if case is not None and case.lookup_key else _DUMMY
    if case is None or not secrets.compare_digest(expected, key.encode()):
        return None
    today = timezone.localdate()
    money = case_money(case, on=today)
    version = procedure_version(case.procedure_version_id)
    return {
        "decision_number": case.decision_number,
        "decided_on": case.decided_on,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "payment_due": case.payment_due,
        "principal": money.principal,
        "paid": money.paid,
        "surcharge_today": money.surcharge,
        "total_due": money.total_due,
        "on": today,
        "treasury_account": version.param("treasury_account", ""),
    }
