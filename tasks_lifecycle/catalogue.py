"""The catalogue of council kinds and the councils' reminder ladder.

The national defaults (`rules.KINDS`, each number with its legal basis) are installed
after every migrate; `catalogue_install` is idempotent and leaves the province's edits
(admin) alone. Rules marked [GK] are the department's practice, configurable defaults.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from workflows.models import DayUnit, LadderStep, Procedure, ProcedureVersion

from . import rules
from .models import PROCEDURE_CODE, CouncilKind

APPLIES_FROM = date(2023, 11, 27)  # TT 20/2023 takes effect (TT 06/2023: 09/07/2023)
IN_APP_EMAIL = ["in_app", "email"]

# (deadline kind, step kind, offset, unit, recipient, template)
LADDER = [
    # papers to dispatch: the secretary the day before and on the day, then the head
    ("papers_due", "reminder", -1, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("papers_due", "reminder", 0, DayUnit.WORKING, "owner", "deadline_due_today"),
    ("papers_due", "escalation", 1, DayUnit.WORKING, "division_head", "deadline_overdue"),
    # a missing review at T-1 working day: the member (review_due) and the secretary
    # (review_watch, the same date owned by the secretary)
    ("review_due", "reminder", -1, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("review_due", "reminder", 0, DayUnit.WORKING, "owner", "deadline_due_today"),
    ("review_watch", "reminder", -1, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("review_watch", "escalation", 1, DayUnit.WORKING, "division_head", "deadline_overdue"),
    ("questions_due", "reminder", -1, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("meeting_due", "reminder", -2, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("meeting_due", "escalation", 1, DayUnit.WORKING, "division_head", "deadline_overdue"),
    ("conclusions_due", "reminder", 0, DayUnit.WORKING, "owner", "deadline_due_today"),
    ("conclusions_due", "escalation", 1, DayUnit.WORKING, "division_head", "deadline_overdue"),
]


def kind_fields(rule: rules.KindRule) -> dict:
    q = rule.quorum
    return {
        "name": rule.name,
        "legal_basis": rule.legal_basis,
        "size_min": rule.size_min,
        "size_max": rule.size_max,
        "size_basis": rule.size_basis,
        "reviewers_per_subject": rule.reviewers_per_subject,
        "vice_chairs_min": rule.vice_chairs[0],
        "vice_chairs_max": rule.vice_chairs[1],
        "secretaries_min": rule.secretaries[0],
        "secretaries_max": rule.secretaries[1],
        "quorum_numerator": q.numerator,
        "quorum_denominator": q.denominator,
        "quorum_chair_or_authorised_vice": q.chair_or_authorised_vice,
        "quorum_all_reviewers": q.all_reviewers,
        "quorum_secretary": q.secretary,
        "quorum_any_of": list(q.any_of),
        "quorum_basis": q.legal_basis,
        "ballot_form": rule.ballot_form,
        "papers_lead_working_days": rule.papers_lead_working_days,
        "papers_basis": rule.papers_basis,
        "questions_lead_working_days": rule.questions_lead_working_days,
        "reviews_lead_working_days": rule.reviews_lead_working_days,
        "reviews_basis": rule.reviews_basis,
        "conclusions_working_days": rule.conclusions_working_days,
        "conclusions_basis": rule.conclusions_basis,
        "meeting_within_days": rule.meeting_within_days,
        "host_staff_member_only": rule.host_staff_member_only,
    }


def ladder_install(version: ProcedureVersion, ladder) -> None:
    """The ladder rows of a new version: (deadline kind, step kind, offset, unit,
    recipient, template) each."""
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


@transaction.atomic
def catalogue_install() -> ProcedureVersion:
    procedure, _ = Procedure.objects.get_or_create(
        code=PROCEDURE_CODE,
        defaults={
            "name_vi": "Hội đồng tư vấn khoa học và công nghệ",
            "name_en": "S&T advisory councils",
            "field": "Quản lý khoa học và công nghệ",
        },
    )
    version, created = ProcedureVersion.objects.get_or_create(
        procedure=procedure,
        applies_from=APPLIES_FROM,
        defaults={
            "label": "NĐ 08/2014; TT 06/2023, 20/2023, 11/2014, 04/2015",
            "legal_basis": "Điều 32–33 Nghị định số 08/2014/NĐ-CP; Thông tư số 06/2023/TT-BKHCN, "
            "20/2023/TT-BKHCN, 11/2014/TT-BKHCN, 04/2015/TT-BKHCN",
        },
    )
    if created:
        ladder_install(version, LADDER)
    for code, rule in rules.KINDS.items():
        CouncilKind.objects.get_or_create(
            code=code, defaults={**kind_fields(rule), "procedure_version": version}
        )
    return version
