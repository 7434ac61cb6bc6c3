"""The public status lookup of a dossier (tra cứu hồ sơ) by its code plus the lookup key
printed on the receipt, and the per-address rate limit that protects it.

Shared by the public page (`/tra-cuu/`) and the REST API. The answer carries only what
the one-stop desk may say to anyone holding the receipt: the status, the dates and the
changes of the legal clock — never the organisation, the people or the documents.
An unknown code and a wrong key give the same answer, after the same single query.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from workflows.models import ClockEvent, LegalClock

from .models import Dossier

NOT_FOUND_MESSAGE = _("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập.")
RATE_LIMITED_MESSAGE = _(
    "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút."
)

CODE_MAX_LENGTH = 40
KEY_MAX_LENGTH = 12
# compared against when the code is unknown, so both answers cost the same work
_DUMMY_KEY = b"\x00" * 8


def normalise_code(code: str) -> str:
    return "".join(str(code or "").split()).upper()[:CODE_MAX_LENGTH]


def normalise_key(key: str) -> str:
    return "".join(ch for ch in str(key or "") if ch not in " -\t\r\n").upper()[:KEY_MAX_LENGTH]


def _extension_count() -> Subquery:
    """How many times the legal clocks of the dossier were extended (apology slips,
    extensions with a reason), as a scalar subquery of the one lookup query."""
    events = (
        ClockEvent.objects.filter(
            Q(clock=OuterRef("check_clock")) | Q(clock=OuterRef("result_clock")),
            kind=ClockEvent.Kind.EXTEND,
        )
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(events, output_field=IntegerField()), Value(0))


def dossiers_with_public_status() -> QuerySet[Dossier]:
    """Dossiers with what `public_status` reads, in one query."""
    return Dossier.objects.select_related("check_clock", "result_clock").annotate(
        extension_count=_extension_count()
    )


def public_status(dossier: Dossier) -> dict[str, Any]:
    """The public facts of a dossier loaded by `dossiers_with_public_status`."""
    clock: LegalClock | None = dossier.result_clock or dossier.check_clock
    paused_since: date | None = None
    if clock is not None and clock.state == LegalClock.State.PAUSED:
        paused_since = clock.paused_on
    extended_units = sum(c.extended_units for c in (dossier.check_clock, dossier.result_clock) if c)
    return {
        "code": dossier.code,
        "procedure": dossier.get_kind_display(),
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "current_step": dossier.get_status_display(),
        "received_on": dossier.submitted_on,
        "accepted_on": dossier.accepted_on,
        "appointment_date": clock.due_date if clock else None,
        "decided_on": dossier.decided_on,
        "time_limit_unit": clock.unit if clock else "",
        "time_limit_unit_label": clock.get_unit_display() if clock else "",
        "paused_days": clock.paused_units if clock else 0,
        "paused_since": paused_since,
        "extension_count": int(getattr(dossier, "extension_count", 0) or 0),
        "extended_days": extended_units,
    }


def dossier_lookup(code: str, key: str) -> dict[str, Any] | None:
    """The public status of the dossier `code` if `key` is its lookup key, else None.

    One query whether the code exists or not; the key is compared in constant time.
    """
    code, key = normalise_code(code), normalise_key(key)
    dossier = dossiers_with_public_status().filter(code=code).first() if code else None
    expected = dossier.lookup_key.encode() if dossier is not None else _DUMMY_KEY
    matches = secrets.compare_digest(expected, key.encode())
    if dossier is None or not matches:
        return None
    return public_status(dossier)


def lookup_attempt_allowed(client_ip: str | None) -> bool:
    """Count one lookup attempt from `client_ip`; False once the address has used up
    `LOOKUP_RATE_LIMIT` attempts in the current window of
    `LOOKUP_RATE_WINDOW_SECONDS` (a fixed window in the shared cache)."""
    limit = int(getattr(settings, "LOOKUP_RATE_LIMIT", 10))
    window = int(getattr(settings, "LOOKUP_RATE_WINDOW_SECONDS", 60))
    cache_key = f"permits:lookup:{client_ip or 'unknown'}"
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(cache_key, 1, timeout=window)
        count = 1
    return count <= limit
