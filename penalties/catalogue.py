"""The catalogue entry of the penalty procedure (Law on Handling Administrative
Violations 2012, amended 2020; DOMAIN.md §4).

Every time limit, rate and threshold is data with its legal basis and the date it
applies from, installed into the engine's procedure catalogue (editable in the admin).
A case keeps the version it started under. Two versions: from 01/01/2022 (the 2020
amendment in force; enforcement under Decree 166/2013/NĐ-CP) and from the date Decree
296/2025/NĐ-CP replaced Decree 166/2013 for enforcement. Rules marked [GK] are
unverified general knowledge kept as configurable defaults (DOMAIN.md legend).
`catalogue_install` is idempotent and leaves an admin's edits alone.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from workflows.models import DayUnit, LadderStep, Procedure, ProcedureVersion, TimeLimitRule

from .models import PROCEDURE_CODE

LAW = "Luật Xử lý vi phạm hành chính 2012 (sửa đổi, bổ sung năm 2020)"
ND118 = "Nghị định số 118/2021/NĐ-CP"
ND166 = "Nghị định số 166/2013/NĐ-CP"
ND296 = "Nghị định số 296/2025/NĐ-CP"
LAW_2020_FROM = date(2022, 1, 1)
# The day Decree 296/2025 applies from is not in the texts we hold [GK]: edit it in the
# admin when the department confirms it.
ND296_FROM = date(2026, 1, 1)

SIGNER_TIERS = [
    # [GK] Art. 46 Law (Chief Inspector of a department: up to 50 % of the field's
    # maximum, at most 50,000,000 đ … ); amounts per Decree 119/2017 as amended by
    # 126/2021 to be checked by the department. From the lowest signer up.
    {"role": "chief_inspector", "individual_max": 25_000_000, "organisation_max": 50_000_000},
    {"role": "director", "individual_max": 50_000_000, "organisation_max": 100_000_000},
    {"role": "chairman", "individual_max": 100_000_000, "organisation_max": 200_000_000},
]

POSTPONEMENT_VERSIONS = [
    {
        "applies_from": "2013-07-01",
        "label": "Điều 76 Luật XLVPHC 2012",
        "individual_min": 3_000_000,
        "organisation_min": None,
        "legal_basis": "Khoản 1 Điều 76 Luật Xử lý vi phạm hành chính 2012",
        "verified": True,
    },
    {
        "applies_from": "2022-01-01",
        "label": "Điều 76 sửa đổi 2020 [GK]",
        "individual_min": 2_000_000,
        "organisation_min": 100_000_000,
        "legal_basis": "Khoản 1 Điều 76 Luật XLVPHC sửa đổi năm 2020 (chưa đối chiếu văn bản) [GK]",
        "verified": False,
    },
]

INSTALMENT_VERSIONS = [
    {
        "applies_from": "2013-07-01",
        "individual_min": 20_000_000,
        "organisation_min": 200_000_000,
        "legal_basis": "Điều 79 Luật Xử lý vi phạm hành chính 2012 [GK]",
    },
    {
        "applies_from": "2022-01-01",
        "individual_min": 15_000_000,
        "organisation_min": 150_000_000,
        "legal_basis": "Khoản 1 Điều 79 Luật XLVPHC sửa đổi năm 2020",
    },
]


def _p(value, basis: str) -> dict:
    return {"value": value, "legal_basis": basis}


def _parameters(enforcement_basis: str) -> dict:
    return {
        "surcharge_rate": _p("0.0005", f"Điểm a khoản 1 Điều 78 {LAW}; Điều 5 {ND118}"),
        "explanation_months": _p(1, f"Khoản 2 Điều 66 {LAW}"),
        "complex_extra_months": _p(1, f"Khoản 2 Điều 66 {LAW}"),
        "limitation_years": _p(1, f"Khoản 1 Điều 74 {LAW}"),
        "third_posting": _p(3, f"Khoản 2 Điều 70 {LAW}"),
        "reminder_letter_days_after": _p(1, "Quy chế phối hợp của Sở [GK]"),
        "enforcement_prepare_days_after": _p(30, "Quy chế phối hợp của Sở [GK]"),
        "enforcement_decision_days_before_limitation": _p(60, "Quy chế phối hợp của Sở [GK]"),
        "instalment_max_count": _p(3, f"Khoản 2 Điều 79 {LAW}"),
        "instalment_max_months": _p(6, f"Khoản 2 Điều 79 {LAW}"),
        "instalment_first_min_percent": _p(40, f"Khoản 2 Điều 79 {LAW}"),
        "instalment_versions": _p(INSTALMENT_VERSIONS, f"Điều 79 {LAW}"),
        "postponement_versions": _p(POSTPONEMENT_VERSIONS, f"Điều 76 {LAW}"),
        "postponement_max_months": _p(3, f"Khoản 1 Điều 76 {LAW}"),
        "signer_tiers": _p(SIGNER_TIERS, f"Điều 46, 52 {LAW} [GK]"),
        "enforcement_basis": _p(enforcement_basis, enforcement_basis),
        "treasury_account": _p(
            "Tài khoản thu phạt vi phạm hành chính số 3949 của Sở KH&CN tại Kho bạc Nhà nước "
            "tỉnh Sơn La (ví dụ)",
            "Thông tư số 18/2023/TT-BTC [GK]",
        ),
    }


RULES = [
    (
        "explanation",
        "Giải trình của người vi phạm",
        5,
        DayUnit.WORKING,
        f"Điều 61 {LAW} (mặc định của Sở) [GK]",
    ),
    ("decision", "Ra quyết định xử phạt", 7, DayUnit.WORKING, f"Khoản 1 Điều 66 {LAW}"),
    (
        "decision_transferred",
        "Ra quyết định xử phạt (chuyển người có thẩm quyền)",
        10,
        DayUnit.WORKING,
        f"Khoản 1 Điều 66 {LAW}",
    ),
    ("delivery", "Giao quyết định xử phạt", 2, DayUnit.WORKING, f"Khoản 1 Điều 70 {LAW}"),
    ("payment", "Nộp tiền phạt", 10, DayUnit.CALENDAR, f"Khoản 1 Điều 73 {LAW}"),
    (
        "relief_decision",
        "Quyết định về đề nghị hoãn / nộp nhiều lần",
        5,
        DayUnit.CALENDAR,
        f"Khoản 2 Điều 76 {LAW}",
    ),
]

IN_APP_EMAIL = ["in_app", "email"]
# (deadline kind, step kind, offset, unit, recipient, template)
LADDER = [
    ("decision", "reminder", -2, DayUnit.WORKING, "owner", "deadline_reminder"),
    ("decision", "escalation", 0, DayUnit.WORKING, "division_head", "deadline_due_today"),
    ("delivery", "reminder", 0, DayUnit.WORKING, "owner", "deadline_due_today"),
    ("payment", "reminder", -3, DayUnit.CALENDAR, "owner", "deadline_reminder"),
    ("reminder_letter", "reminder", 0, DayUnit.CALENDAR, "owner", "deadline_due_today"),
    ("enforcement_prep", "reminder", 0, DayUnit.CALENDAR, "owner", "deadline_due_today"),
    ("enforcement_prep", "escalation", 0, DayUnit.CALENDAR, "division_head", "deadline_due_today"),
    (
        "enforcement_decision",
        "escalation",
        -14,
        DayUnit.CALENDAR,
        "division_head",
        "deadline_reminder",
    ),
    ("enforcement_decision", "escalation", 0, DayUnit.CALENDAR, "director", "deadline_due_today"),
    ("limitation", "escalation", -90, DayUnit.CALENDAR, "division_head", "deadline_reminder"),
    ("limitation", "escalation", -60, DayUnit.CALENDAR, "director", "deadline_reminder"),
    ("limitation", "escalation", -30, DayUnit.CALENDAR, "division_head", "deadline_reminder"),
    ("limitation", "escalation", -30, DayUnit.CALENDAR, "director", "deadline_reminder"),
    ("limitation", "escalation", -7, DayUnit.CALENDAR, "director", "deadline_due_today"),
    ("instalment", "reminder", -3, DayUnit.CALENDAR, "owner", "deadline_reminder"),
    ("relief_decision", "reminder", 0, DayUnit.CALENDAR, "division_head", "deadline_due_today"),
]

VERSIONS = [
    (
        LAW_2020_FROM,
        "Luật XLVPHC sửa đổi 2020; cưỡng chế theo NĐ 166/2013",
        f"{LAW}; {ND118}; cưỡng chế: {ND166}",
        f"{ND166} (Điều 5–8: khấu trừ lương, tài khoản; kê biên tài sản, bán đấu giá)",
    ),
    (
        ND296_FROM,
        "Luật XLVPHC sửa đổi 2020; cưỡng chế theo NĐ 296/2025",
        f"{LAW}; {ND118}; cưỡng chế: {ND296} (thay thế {ND166})",
        f"{ND296} (thay thế {ND166})",
    ),
]


@transaction.atomic
def catalogue_install() -> list[ProcedureVersion]:
    """Create the penalty procedure and its versions, if missing."""
    procedure, _ = Procedure.objects.get_or_create(
        code=PROCEDURE_CODE,
        defaults={
            "name_vi": "Xử phạt vi phạm hành chính và thu tiền phạt",
            "name_en": "Administrative penalties and collection of fines",
            "field": "Thanh tra khoa học và công nghệ",
        },
    )
    versions = []
    for applies_from, label, basis, enforcement in VERSIONS:
        version, created = ProcedureVersion.objects.get_or_create(
            procedure=procedure,
            applies_from=applies_from,
            defaults={
                "label": label[:60],
                "legal_basis": basis,
                "parameters": _parameters(enforcement),
            },
        )
        if created:
            TimeLimitRule.objects.bulk_create(
                TimeLimitRule(
                    version=version, stage=stage, name=name, amount=amount, unit=unit, legal_basis=b
                )
                for stage, name, amount, unit, b in RULES
            )
            LadderStep.objects.bulk_create(
                LadderStep(
                    version=version,
                    deadline_kind=dk,
                    kind=sk,
                    offset=off,
                    offset_unit=unit,
                    recipient=rcpt,
                    template=tpl,
                    channels=IN_APP_EMAIL,
                )
                for dk, sk, off, unit, rcpt, tpl in LADDER
            )
        versions.append(version)
    return versions
