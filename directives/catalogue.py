"""The catalogue entry of the assignments from the People's Committee.

The Committee sets each due date in its document, so there is no statutory time limit
to count; what the catalogue holds is the reminder ladder (working days from the due
date in force): T-3 to the officer, the due day to the head of the lead division, +1
working day to the director. Editable in the admin; `catalogue_install` is idempotent
and leaves an admin's edits alone.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from workflows.models import DayUnit, LadderStep, Procedure, ProcedureVersion

from .models import LEDGER_KIND, PROCEDURE_CODE

BASIS = (
    "Quy chế làm việc của UBND tỉnh Sơn La; Quy chế làm việc của Sở Khoa học và Công nghệ "
    "(theo dõi, đôn đốc thực hiện nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao) [GK]"
)
APPLIES_FROM = date(2020, 1, 1)
IN_APP_EMAIL = ["in_app", "email"]
# (deadline kind, step kind, offset in working days, recipient, template)
LADDER = [
    (LEDGER_KIND, "reminder", -3, "owner", "directive_reminder"),
    (LEDGER_KIND, "escalation", 0, "division_head", "directive_due_today"),
    (LEDGER_KIND, "escalation", 1, "director", "directive_overdue"),
]


def _p(value, basis: str) -> dict:
    return {"value": value, "legal_basis": basis}


@transaction.atomic
def catalogue_install() -> ProcedureVersion:
    procedure, _ = Procedure.objects.get_or_create(
        code=PROCEDURE_CODE,
        defaults={
            "name_vi": "Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao",
            "name_en": "Assignments from the provincial People's Committee and its Chairman",
            "field": "Văn phòng Sở",
        },
    )
    version, created = ProcedureVersion.objects.get_or_create(
        procedure=procedure,
        applies_from=APPLIES_FROM,
        defaults={
            "label": "Quy chế làm việc",
            "legal_basis": BASIS,
            "parameters": {
                "due_soon_working_days": _p(3, BASIS),
                "day_off_moves_due": _p(True, "Điều 148 Bộ luật Dân sự 2015"),
            },
        },
    )
    if created:
        LadderStep.objects.bulk_create(
            LadderStep(
                version=version,
                deadline_kind=dk,
                kind=sk,
                offset=off,
                offset_unit=DayUnit.WORKING,
                recipient=rcpt,
                template=tpl,
                channels=IN_APP_EMAIL,
            )
            for dk, sk, off, rcpt, tpl in LADDER
        )
    return version
