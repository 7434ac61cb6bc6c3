"""The one-stop envelope's catalogue data, and the installer of a one-stop procedure.

Every one-stop procedure has the same ledger rows — the completeness check (`check`),
the officers' step budgets (`step`), the statutory result (`result`), the apology slip
to issue (`apology`) and the applicant's supplement (`supplement`) — with the same
reminder ladder, and the same parameters of the apology slip (Mẫu 04). A procedure's
entry is its own data (legal basis, checklist, limits, fees) plus these.
`version_install` is idempotent: it creates what is missing and leaves an admin's edits
alone. Rules marked [GK] are internal budgets or unverified general knowledge, kept as
configurable defaults (DOMAIN.md legend).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from workflows.models import DayUnit, LadderStep, Procedure, ProcedureVersion, TimeLimitRule

INTERNAL = "Quy chế phối hợp nội bộ của Sở (định mức thời gian từng bước) [GK]"
APOLOGY_BASIS = "Điều 19 Nghị định số 61/2018/NĐ-CP (Mẫu 04) — chậm nhất 01 ngày trước ngày hẹn trả"
IN_APP_EMAIL = ["in_app", "email"]

# (deadline kind, step kind, offset, unit, recipient, template)
LADDER = [
    ("check", "reminder", -1, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("check", "escalation", 0, DayUnit.WORKING, "division_head", "deadline_due_today"),
    ("check", "escalation", 1, DayUnit.WORKING, "director", "deadline_overdue"),
    ("step", "reminder", -1, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("step", "escalation", 0, DayUnit.WORKING, "division_head", "deadline_due_today"),
    ("step", "escalation", 1, DayUnit.WORKING, "director", "deadline_overdue"),
    ("result", "reminder", -3, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("result", "escalation", -2, DayUnit.WORKING, "division_head", "apology_required"),
    ("result", "escalation", 0, DayUnit.WORKING, "director", "deadline_due_today"),
    ("result", "escalation", 1, DayUnit.WORKING, "director", "deadline_overdue"),
    ("apology", "reminder", 0, DayUnit.WORKING, "owner", "apology_required"),
    ("apology", "escalation", 0, DayUnit.WORKING, "director", "apology_required"),
    ("supplement", "reminder", 0, DayUnit.WORKING, "applicant", "applicant_reminder"),
    ("supplement", "reminder", 5, DayUnit.WORKING, "applicant", "applicant_reminder"),
]


def apology_parameters(*, new_date_working_days: int) -> dict:
    """When the apology slip (Mẫu 04) is drafted and issued, and the new date it offers."""
    return {
        "apology_new_date_working_days": {"value": new_date_working_days, "legal_basis": INTERNAL},
        "apology_draft_lead_working_days": {"value": 2, "legal_basis": INTERNAL},
        "apology_issue_lead_working_days": {"value": 1, "legal_basis": APOLOGY_BASIS},
    }


def step_rules(*, appraisal, review, signing) -> list[tuple]:
    """The internal step budgets, each (working days, extension cap), and the
    applicant's supplement reminder, as `version_install` rules."""
    return [
        ("appraisal", "Thẩm định hồ sơ, lập biên bản thẩm định", appraisal[0], DayUnit.WORKING,
         INTERNAL, appraisal[1]),
        ("review", "Lãnh đạo phòng xem xét, trình ký", review[0], DayUnit.WORKING, INTERNAL,
         review[1]),
        ("signing", "Lãnh đạo Sở ký", signing[0], DayUnit.WORKING, INTERNAL, signing[1]),
        ("supplement", "Tổ chức, cá nhân bổ sung hồ sơ", 10, DayUnit.WORKING,
         "Nhắc tổ chức, cá nhân khi yêu cầu bổ sung còn mở [GK]", 0),
    ]  # fmt: skip


@transaction.atomic
def version_install(
    *,
    code: str,
    name_vi: str,
    name_en: str,
    field: str,
    applies_from: date,
    label: str,
    spec: dict,
    ladder: list[tuple] = LADDER,
) -> ProcedureVersion:
    """Create the procedure `code` and its version from `applies_from`, if missing.

    `spec`: `legal_basis`, `fees`, `documents`, `parameters` and `rules` — each rule
    (stage, name, amount, unit, legal basis, extension cap). A version that exists is
    left as the admin keeps it."""
    procedure, _ = Procedure.objects.get_or_create(
        code=code, defaults={"name_vi": name_vi, "name_en": name_en, "field": field}
    )
    version, created = ProcedureVersion.objects.get_or_create(
        procedure=procedure,
        applies_from=applies_from,
        defaults={
            "label": label,
            "legal_basis": spec["legal_basis"],
            "fees": spec.get("fees", {}),
            "documents": spec["documents"],
            "parameters": spec.get("parameters", {}),
        },
    )
    if created:
        for stage, name, amount, unit, basis, max_ext in spec["rules"]:
            TimeLimitRule.objects.create(
                version=version,
                stage=stage,
                name=name,
                amount=amount,
                unit=unit,
                legal_basis=basis,
                max_extension=max_ext,
            )
        LadderStep.objects.bulk_create(
            LadderStep(
                version=version,
                deadline_kind=dkind,
                kind=skind,
                offset=offset,
                offset_unit=unit,
                recipient=recipient,
                template=template,
                channels=IN_APP_EMAIL,
            )
            for dkind, skind, offset, unit, recipient, template in ladder
        )
    return version
