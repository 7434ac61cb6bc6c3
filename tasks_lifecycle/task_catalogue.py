"""The catalogue of the S&T task lifecycle: every time limit and the reminder ladder.

The national defaults (`task_rules.LIMITS`, each with its legal basis) are installed into
the engine's procedure catalogue after every migrate: limits counted in days as
`TimeLimitRule` rows, limits counted in months as `parameters` of the version (the
engine's day units have no month). `task_catalogue_install` is idempotent and leaves
the province's edits (admin) alone. This installation is Sơn La's: the inspection
interval is installed as 6 months (the seed report), where the national default is 12.

`task_limits(version)` reads the province's version back as `Limit`s for the rules.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.db import transaction

from workflows.models import DayUnit, Procedure, ProcedureVersion, TimeLimitRule
from workflows.selectors import catalogue_derived

from . import task_rules
from .catalogue import ladder_install
from .models import TASK_PROCEDURE_CODE
from .task_rules import LIMITS, MONTH, Limit

APPLIES_FROM = date(2023, 11, 27)  # TT 20/2023 takes effect (TT 06/2023: 09/07/2023)
# the province's choices over the national defaults (code → overrides)
PROVINCE = {
    "inspection_interval": {
        "amount": LIMITS["inspection_interval_son_la"].amount,
        "legal_basis": LIMITS["inspection_interval_son_la"].legal_basis,
    },
}

# (deadline kind, step kind, offset, unit, recipient, template): the triggers
LADDER = [
    # contract end: the PI and the division 30 days before, on the day
    ("contract_end", "reminder", -30, DayUnit.CALENDAR, "owner", "deadline_reminder"),
    ("contract_end", "reminder", 0, DayUnit.CALENDAR, "owner", "deadline_due_today"),
    # the extension window closes at end − 1 month: a week before, on the day
    ("extension_window", "reminder", -7, DayUnit.CALENDAR, "owner", "deadline_reminder"),
    ("extension_window", "reminder", 0, DayUnit.CALENDAR, "owner", "deadline_due_today"),
    # the acceptance dossier: before, on the day, overdue at end + 30 days → division head
    ("acceptance_dossier", "reminder", -7, DayUnit.CALENDAR, "owner", "deadline_reminder"),
    ("acceptance_dossier", "escalation", 1, DayUnit.WORKING, "division_head", "deadline_overdue"),
    # the 6-month limit: warned at + 5 months (its own row), the director at the limit
    ("acceptance_limit_warning", "reminder", 0, DayUnit.CALENDAR, "owner", "deadline_due_today"),
    ("acceptance_limit", "reminder", -7, DayUnit.CALENDAR, "owner", "deadline_reminder"),
    ("acceptance_limit", "escalation", 0, DayUnit.CALENDAR, "director", "deadline_overdue"),
    # the second call (6 months from the first): a month before, on the day, then the head
    ("second_call", "reminder", -30, DayUnit.CALENDAR, "owner", "deadline_reminder"),
    ("second_call", "reminder", 0, DayUnit.CALENDAR, "owner", "deadline_due_today"),
    ("second_call", "escalation", 1, DayUnit.WORKING, "division_head", "deadline_overdue"),
    # every other dated step: the day before, on the day, then the division head
    *(
        row
        for kind in (
            "recommendation",
            "approval",
            "publication",
            "call",
            "opening",
            "revision",
            "budget_meeting",
            "budget_finalise",
            "budget_approval",
            "inspection_due",
            "inspection_notice",
            "workload_confirmation",
            "spending_confirmation",
            "validity_notice",
            "supplement",
            "acceptance_council_setup",
            "acceptance_meeting",
            "corrections",
            "recognition",
        )
        for row in (
            (kind, "reminder", -1, DayUnit.WORKING, "owner", "deadline_reminder"),
            (kind, "reminder", 0, DayUnit.WORKING, "owner", "deadline_due_today"),
            (kind, "escalation", 1, DayUnit.WORKING, "division_head", "deadline_overdue"),
        )
    ),
]


def _installed(code: str) -> Limit:
    return task_rules.limit(code, **PROVINCE.get(code, {}))


@transaction.atomic
def task_catalogue_install() -> ProcedureVersion:
    procedure, _ = Procedure.objects.get_or_create(
        code=TASK_PROCEDURE_CODE,
        defaults={
            "name_vi": "Nhiệm vụ khoa học và công nghệ cấp tỉnh",
            "name_en": "Provincial S&T tasks",
            "field": "Quản lý khoa học và công nghệ",
        },
    )
    version, created = ProcedureVersion.objects.get_or_create(
        procedure=procedure,
        applies_from=APPLIES_FROM,
        defaults={
            "label": "TT 06/2023, 20/2023, 04/2015, 11/2014",
            "legal_basis": "Nghị định số 08/2014/NĐ-CP; Thông tư số 06/2023/TT-BKHCN, "
            "20/2023/TT-BKHCN, 04/2015/TT-BKHCN, 11/2014/TT-BKHCN",
            "parameters": {
                code: {
                    "value": lim.amount,
                    "unit": MONTH,
                    "name": lim.name,
                    "legal_basis": lim.legal_basis,
                }
                for code in LIMITS
                if (lim := _installed(code)).unit == MONTH
            },
        },
    )
    if created:
        ladder_install(version, LADDER)
    for code in LIMITS:
        lim = _installed(code)
        if lim.unit != MONTH:
            TimeLimitRule.objects.get_or_create(
                version=version,
                stage=code,
                defaults={
                    "name": lim.name,
                    "amount": lim.amount,
                    "unit": lim.unit,
                    "legal_basis": lim.legal_basis,
                },
            )
    return version


def task_limits(version: ProcedureVersion) -> dict[str, Limit]:
    """The province's limits of `version`: the national defaults with its rows' amounts,
    units and bases (a limit missing from the version keeps the default). Cached with
    the catalogue (`workflows.selectors.catalogue_derived`); read only."""
    return catalogue_derived(("task_limits", version.pk), lambda: _task_limits(version))


def _task_limits(version: ProcedureVersion) -> dict[str, Limit]:
    out = dict(LIMITS)
    for row in version.time_limits.all():
        if row.stage in out:
            out[row.stage] = replace(
                out[row.stage], amount=row.amount, unit=row.unit, legal_basis=row.legal_basis
            )
    for code, entry in (version.parameters or {}).items():
        if code in out and isinstance(entry, dict) and "value" in entry:
            out[code] = replace(
                out[code],
                amount=int(entry["value"]),
                unit=MONTH,
                legal_basis=entry.get("legal_basis") or out[code].legal_basis,
            )
    return out


def current_version(on: date | None = None) -> ProcedureVersion:
    qs = ProcedureVersion.objects.filter(procedure__code=TASK_PROCEDURE_CODE)
    if on is not None:
        qs = qs.filter(applies_from__lte=on)
    return qs.order_by("-applies_from").first() or task_catalogue_install()
