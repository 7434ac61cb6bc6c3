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

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from workflows.lookup_limit import RATE_LIMITED_MESSAGE, lookup_attempt_allowed  # noqa: F401 (re-exported)
from workflows.models import ClockEvent, DayUnit, LegalClock
from workflows.onestop import kinds
from workflows.sql import compiled_values

from .models import Dossier, Status

NOT_FOUND_MESSAGE = _("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập.")

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


# --- the lookup itself: one query, compiled once per process ----------------------------
# Building the ORM query (two joins, a correlated subquery) costs several times what
# PostgreSQL needs to run it, so its SQL is compiled once and then executed with the
# code as its only parameter; the row is read as plain values.
_CLOCK_COLUMNS = ("state", "paused_on", "due_date", "unit", "paused_units", "extended_units")
_COLUMNS = (
    "code",
    "lookup_key",
    "kind",
    "status",
    "submitted_on",
    "accepted_on",
    "decided_on",
    "check_clock_id",
    *(f"check_clock__{c}" for c in _CLOCK_COLUMNS),
    "result_clock_id",
    *(f"result_clock__{c}" for c in _CLOCK_COLUMNS),
    "extension_count",
)


def _fetch(code: str) -> dict[str, Any] | None:
    rows = compiled_values(
        "permits.lookup",
        lambda sentinel: (
            Dossier.objects.filter(code=sentinel)
            .order_by()
            .annotate(extension_count=_extension_count())
            .values_list(*_COLUMNS)[:1]
        ),
        code,
        connection,
    )
    return dict(zip(_COLUMNS, rows[0], strict=True)) if rows else None


_LABELS: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}


def _labels(kind: str, status: str, unit: str) -> tuple[str, str, str]:
    """The procedure's, the status's and the time unit's names in the active language,
    translated once per process for each combination (a few dozen)."""
    key = (get_language() or "", kind, status, unit)
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = (
            str(kinds.kind_label(kind)),
            str(Status(status).label),
            str(DayUnit(unit).label) if unit else "",
        )
    return labels


def _public_status_of_row(row: dict[str, Any]) -> dict[str, Any]:
    """`public_status` of a row read by `_fetch` (the same facts, no model objects)."""
    prefix = "result_clock__" if row["result_clock_id"] else "check_clock__"
    has_clock = bool(row["result_clock_id"] or row["check_clock_id"])
    clock = {c: row[prefix + c] for c in _CLOCK_COLUMNS} if has_clock else None
    paused_since = None
    if clock is not None and clock["state"] == LegalClock.State.PAUSED:
        paused_since = clock["paused_on"]
    extended = sum(
        row[f"{p}__extended_units"] or 0 for p in ("check_clock", "result_clock") if row[f"{p}_id"]
    )
    unit = clock["unit"] if clock else ""
    procedure, status_label, unit_label = _labels(row["kind"], row["status"], unit)
    return {
        "code": row["code"],
        "procedure": procedure,
        "status": row["status"],
        "status_label": status_label,
        "current_step": status_label,
        "received_on": row["submitted_on"],
        "accepted_on": row["accepted_on"],
        "appointment_date": clock["due_date"] if clock else None,
        "decided_on": row["decided_on"],
        "time_limit_unit": unit,
        "time_limit_unit_label": unit_label,
        "paused_days": clock["paused_units"] if clock else 0,
        "paused_since": paused_since,
        "extension_count": int(row["extension_count"] or 0),
        "extended_days": extended,
    }


def dossier_lookup(code: str, key: str) -> dict[str, Any] | None:
    """The public status of the dossier `code` if `key` is its lookup key, else None.

    One query whether the code exists or not; the key is compared in constant time.
    """
    code, key = normalise_code(code), normalise_key(key)
    row = _fetch(code) if code else None
    expected = row["lookup_key"].encode() if row is not None else _DUMMY_KEY
    matches = secrets.compare_digest(expected, key.encode())
    if row is None or not matches:
        return None
    return _public_status_of_row(row)
