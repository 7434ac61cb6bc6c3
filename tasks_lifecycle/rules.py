"""The rules of S&T councils (hội đồng tư vấn), as pure functions.

Plain values in, plain values out: no database, no clock, no settings. The numbers of
each council kind (size, roles, quorum, lead times) are catalogue data: `KINDS` holds
the national defaults with their legal basis; the services pass the province's version
(the `CouncilKind` rows, editable in the admin) as a `KindRule`.

Legal basis (legal/khoa-hoc-va-cong-nghe.md):
- Decree 08/2014/NĐ-CP Art 32(2): chair, vice-chair, two reviewers, a scientific
  secretary and members; Art 33(1): a meeting needs at least 2/3 of the members,
  including the chair or a vice-chair with written authority, every reviewer and the
  scientific secretary.
- TT 06/2023/TT-BKHCN (identification) Art 10(2): 7–11 members, 2 reviewers per
  proposal; Art 11(2): quorum as Decree 08; Art 11(4): papers 5 working days before;
  Art 12(6)-(7): a ballot is "Đạt yêu cầu" when every content is; "Thực hiện" needs
  more than 3/4 of the ballots "Đạt yêu cầu".
- TT 20/2023/TT-BKHCN (selection) Art 8(1): 7–9 members; Art 8(2): who may not sit;
  Art 8(4): budget appraisal team of 5; Art 9(1): papers 7 working days before (3 for
  budget appraisal); Art 10(2)(a): quorum 2/3 with the chair or authorised vice-chair
  and the 2 reviewers; Art 10(3)(c): questions 5 working days before; Art 11(5)(d): a
  ballot more than 20 % from the mean of all members' totals is invalid; Art 11(7)-(8):
  the winner; Art 12: the criteria by task type (100 points); Art 13(1)(b): the budget
  appraisal team needs 4/5 including the council's chair, vice-chair or a reviewer.
- TT 11/2014/TT-BKHCN (acceptance) Art 9(3): 9 members, host staff may sit but not as
  chair, vice-chair, reviewer or secretary; Art 9(5): who may not sit; Art 10(1): papers
  7 working days before; Art 10(2): meeting within 30 days, every written review in 1
  working day before, quorum; Art 10(6): conclusions within 2 working days;
  Art 13(1)(c), 13(2): the classes.
- TT 04/2015/TT-BKHCN (inspection) Art 5(1)-(2): 4 core members; Art 8(2)(b): the host
  notified 5 working days before; Art 9(2): at least 3 of the 4 core members.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

CHAIR, VICE_CHAIR, REVIEWER, SECRETARY, MEMBER = (
    "chair",
    "vice_chair",
    "reviewer",
    "secretary",
    "member",
)
ROLES = (CHAIR, VICE_CHAIR, REVIEWER, SECRETARY, MEMBER)

XUAT_SAC, DAT, KHONG_DAT = "xuat_sac", "dat", "khong_dat"
ACCEPTANCE_VOTES = (XUAT_SAC, DAT, KHONG_DAT)

D08 = "Nghị định số 08/2014/NĐ-CP"
TT06 = "Thông tư số 06/2023/TT-BKHCN"
TT20 = "Thông tư số 20/2023/TT-BKHCN"
TT11 = "Thông tư số 11/2014/TT-BKHCN"
TT04 = "Thông tư số 04/2015/TT-BKHCN"


@dataclass(frozen=True)
class Quorum:
    """Who must be there: at least `numerator/denominator` of the members, and the
    roles the rule names."""

    numerator: int
    denominator: int
    chair_or_authorised_vice: bool = True  # the chair, or a vice-chair with written authority
    all_reviewers: bool = True
    secretary: bool = True
    any_of: tuple[str, ...] = ()  # at least one of these roles present
    legal_basis: str = ""


@dataclass(frozen=True)
class KindRule:
    """A council kind: size, roles, quorum, ballot form, tally rule, time limits."""

    code: str
    name: str
    size_min: int
    size_max: int
    size_basis: str
    quorum: Quorum
    reviewers_per_subject: int = 2
    vice_chairs: tuple[int, int] = (1, 1)  # (min, max)
    secretaries: tuple[int, int] = (1, 1)
    ballot_form: str = "none"  # identification | selection | acceptance | opinion | none
    papers_lead_working_days: int = 7
    papers_basis: str = ""
    questions_lead_working_days: int = 0
    reviews_lead_working_days: int = 0
    reviews_basis: str = ""
    conclusions_working_days: int = 2
    conclusions_basis: str = ""
    meeting_within_days: int = 0
    host_staff_member_only: bool = False  # host staff may sit as plain members
    legal_basis: str = ""
    extra: Mapping = field(default_factory=dict)


KINDS: dict[str, KindRule] = {
    "identification": KindRule(
        code="identification",
        name="Hội đồng tư vấn xác định nhiệm vụ",
        size_min=7,
        size_max=11,
        size_basis=f"khoản 2 Điều 10 {TT06}",
        quorum=Quorum(2, 3, legal_basis=f"khoản 2 Điều 11 {TT06}; khoản 1 Điều 33 {D08}"),
        ballot_form="identification",
        papers_lead_working_days=5,
        papers_basis=f"khoản 4 Điều 11 {TT06}",
        conclusions_working_days=5,
        conclusions_basis=f"khoản 9 Điều 12 {TT06} (hoàn thiện kiến nghị)",
        legal_basis=f"Điều 10–12 {TT06}",
    ),
    "selection": KindRule(
        code="selection",
        name="Hội đồng tư vấn tuyển chọn, giao trực tiếp",
        size_min=7,
        size_max=9,
        size_basis=f"điểm a khoản 1 Điều 8 {TT20}",
        quorum=Quorum(2, 3, secretary=False, legal_basis=f"điểm a khoản 2 Điều 10 {TT20}"),
        ballot_form="selection",
        papers_lead_working_days=7,
        papers_basis=f"khoản 1 Điều 9 {TT20}",
        questions_lead_working_days=5,
        conclusions_working_days=2,
        conclusions_basis="Quy chế của Sở (gửi kết luận) [GK]",
        legal_basis=f"Điều 8–12 {TT20}",
    ),
    "acceptance": KindRule(
        code="acceptance",
        name="Hội đồng tư vấn đánh giá, nghiệm thu",
        size_min=9,
        size_max=9,
        size_basis=f"khoản 3 Điều 9 {TT11}",
        quorum=Quorum(2, 3, legal_basis=f"điểm b khoản 2 Điều 10 {TT11}"),
        ballot_form="acceptance",
        papers_lead_working_days=7,
        papers_basis=f"khoản 1 Điều 10 {TT11}",
        reviews_lead_working_days=1,
        reviews_basis=f"điểm a khoản 2 Điều 10 {TT11}",
        conclusions_working_days=2,
        conclusions_basis=f"khoản 6 Điều 10 {TT11}",
        meeting_within_days=30,
        host_staff_member_only=True,
        legal_basis=f"Điều 9–13 {TT11}",
    ),
    "budget_appraisal": KindRule(
        code="budget_appraisal",
        name="Tổ thẩm định kinh phí",
        size_min=5,
        size_max=5,
        size_basis=f"khoản 4 Điều 8 {TT20}",
        quorum=Quorum(
            4,
            5,
            chair_or_authorised_vice=False,
            all_reviewers=False,
            secretary=False,
            any_of=(CHAIR, VICE_CHAIR, REVIEWER),
            legal_basis=f"điểm b khoản 1 Điều 13 {TT20}",
        ),
        reviewers_per_subject=1,  # the council's chair, vice-chair or reviewer on the team
        papers_lead_working_days=3,
        papers_basis=f"khoản 1 Điều 9 {TT20}",
        conclusions_working_days=2,
        conclusions_basis="Quy chế của Sở (gửi kết luận) [GK]",
        legal_basis=f"khoản 4 Điều 8, Điều 13–14 {TT20}",
    ),
    "inspection": KindRule(
        code="inspection",
        name="Đoàn kiểm tra, đánh giá định kỳ",
        size_min=4,
        size_max=6,
        size_basis=f"Điều 5 {TT04} (04 thành viên chính và các thành phần khác)",
        quorum=Quorum(
            3,
            4,
            chair_or_authorised_vice=False,
            all_reviewers=False,
            secretary=False,
            legal_basis=f"khoản 2 Điều 9 {TT04}",
        ),
        reviewers_per_subject=0,
        vice_chairs=(0, 1),
        secretaries=(0, 1),
        papers_lead_working_days=5,
        papers_basis=f"điểm b khoản 2 Điều 8 {TT04} (thông báo trước 05 ngày làm việc)",
        conclusions_working_days=10,
        conclusions_basis=f"{TT04} (xác nhận khối lượng trong 10 ngày làm việc)",
        legal_basis=f"Điều 5–10 {TT04}",
    ),
    "advisory": KindRule(
        code="advisory",
        name="Hội đồng tư vấn khoa học và công nghệ (tư vấn công nghệ dự án đầu tư)",
        size_min=5,
        size_max=11,
        size_basis=f"khoản 2 Điều 32 {D08}; số lượng theo quy chế của Sở [GK]",
        quorum=Quorum(2, 3, legal_basis=f"khoản 1 Điều 33 {D08}"),
        ballot_form="opinion",
        papers_lead_working_days=5,
        papers_basis="Quy chế của Sở [GK]",
        conclusions_working_days=2,
        conclusions_basis="Quy chế của Sở [GK]",
        legal_basis=f"Điều 32–33 {D08}",
    ),
}

# TT 20/2023 Art 12: the criteria of a selection ballot by task type (code, name, max points),
# and which of them are "content and implementation plan" (the last tie-break).
SELECTION_CRITERIA: dict[str, dict] = {
    "technology": {
        "name": "Đề tài nghiên cứu ứng dụng và phát triển công nghệ (khoản 1 Điều 12)",
        "criteria": [
            ("tong_quan", "Tổng quan tình hình nghiên cứu", 12),
            ("noi_dung", "Nội dung, nhân lực, phương pháp nghiên cứu và kỹ thuật sử dụng", 24),
            ("san_pham", "Sản phẩm khoa học và công nghệ", 16),
            ("ung_dung", "Khả năng ứng dụng kết quả vào sản xuất và đời sống", 16),
            ("kha_thi", "Tính khả thi về kế hoạch và kinh phí thực hiện", 16),
            ("nang_luc", "Năng lực của tổ chức và cá nhân thực hiện", 16),
        ],
        "content": ["noi_dung"],
    },
    "social": {
        "name": "Đề tài khoa học xã hội và nhân văn, đề án khoa học (khoản 2 Điều 12)",
        "criteria": [
            ("tong_quan", "Tổng quan tình hình nghiên cứu", 12),
            ("noi_dung", "Nội dung và hoạt động hỗ trợ nghiên cứu", 12),
            ("phuong_phap", "Cách tiếp cận và phương pháp nghiên cứu", 12),
            ("kha_thi", "Tính khả thi về kế hoạch và kinh phí thực hiện", 20),
            ("san_pham", "Sản phẩm, lợi ích kết quả và phương án chuyển giao", 24),
            ("nang_luc", "Năng lực của tổ chức và cá nhân thực hiện", 20),
        ],
        "content": ["noi_dung", "phuong_phap"],
    },
    "project": {
        "name": "Dự án (khoản 4 Điều 12)",
        "criteria": [
            ("tong_quan", "Tổng quan về công nghệ và thị trường của dự án", 8),
            ("noi_dung", "Nội dung và phương án triển khai", 20),
            ("cong_nghe", "Tính mới và tính khả thi của công nghệ", 12),
            ("hieu_qua", "Khả năng phát triển và hiệu quả kinh tế - xã hội", 12),
            ("san_pham", "Sản phẩm khoa học và công nghệ", 16),
            ("tai_chinh", "Phương án tài chính", 16),
            ("nang_luc", "Năng lực của tổ chức và cá nhân thực hiện", 16),
        ],
        "content": ["noi_dung"],
    },
}

# TT 06/2023 Art 12(6), Mẫu C1-PĐG: the contents of an identification ballot [GK: the names]
IDENTIFICATION_CONTENTS = [
    ("cap_thiet", "Tính cấp thiết của nhiệm vụ"),
    ("muc_tieu", "Mục tiêu và nội dung phù hợp"),
    ("san_pham", "Sản phẩm dự kiến và khả năng ứng dụng"),
    ("khong_trung_lap", "Không trùng lặp với nhiệm vụ đã và đang thực hiện"),
]

ACCEPTANCE_FORM = [(XUAT_SAC, "Xuất sắc"), (DAT, "Đạt"), (KHONG_DAT, "Không đạt")]
OPINION_FORM = [("dong_y", "Đồng ý"), ("khong_dong_y", "Không đồng ý")]


def kind_rule(kind: str | KindRule, **overrides) -> KindRule:
    """The rule of a kind (a code: the national default), with the province's overrides."""
    rule = kind if isinstance(kind, KindRule) else KINDS[kind]
    return replace(rule, **overrides) if overrides else rule


def _num(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(str(value)))
    return Fraction(value)


def _out(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else float(round(value, 4))


# --- identification -----------------------------------------------------------------------
def identification_ballot_dat(contents: Mapping[str, str]) -> bool:
    """A ballot is "Đạt yêu cầu" when every content on it is (TT 06/2023 Art 12(6))."""
    return bool(contents) and all(v == DAT for v in contents.values())


def identification_recommended(votes: Sequence[bool]) -> bool:
    """ "Thực hiện" needs MORE than 3/4 of the ballots "Đạt yêu cầu" (TT 06/2023 Art 12(7))."""
    return bool(votes) and 4 * sum(1 for v in votes if v) > 3 * len(votes)


# --- selection ------------------------------------------------------------------------------
def valid_ballots(totals: Sequence[float]) -> list[bool]:
    """A ballot whose total is MORE than 20 % away from the mean of all members' totals is
    invalid (TT 20/2023 Art 11(5)(d)); exactly 20 % is still valid. Exact arithmetic."""
    if not totals:
        return []
    values = [_num(t) for t in totals]
    mean = sum(values) / len(values)
    return [abs(v - mean) * 5 <= abs(mean) for v in values]


def _application_tally(app: Mapping) -> dict:
    ballots = list(app["ballots"])
    present = len(ballots)
    totals = [sum(_num(p) for p in b.values()) for b in ballots]
    valid = valid_ballots(totals)
    kept = [b for b, ok in zip(ballots, valid, strict=True) if ok]
    kept_totals = [t for t, ok in zip(totals, valid, strict=True) if ok]
    mean = sum(kept_totals) / len(kept_totals) if kept_totals else Fraction(0)
    criteria = sorted({c for b in ballots for c in b})
    zeros = {c: sum(1 for b in ballots if _num(b.get(c, 0)) == 0) for c in criteria}
    # "quá 1/4 số thành viên có mặt cho điểm không": counted over the members present
    zero_fail = [c for c in criteria if 4 * zeros[c] > present]
    qualified = bool(kept) and mean >= 70 and not zero_fail
    bonus = mean / 10 if app.get("host_proposed") and mean >= 70 else Fraction(0)
    content = list(app.get("content_criteria") or [])
    content_mean = (
        sum(sum(_num(b.get(c, 0)) for c in content) for b in kept) / len(kept)
        if kept
        else Fraction(0)
    )
    reasons = []
    if not kept:
        reasons.append("no_valid_ballot")
    elif mean < 70:
        reasons.append("mean_below_70")
    if zero_fail:
        reasons.append("zero_by_more_than_a_quarter")
    return {
        "id": app["id"],
        "present": present,
        "totals": [_out(t) for t in totals],
        "valid": valid,
        "mean": _out(mean),
        "zeros": zeros,
        "zero_fail": zero_fail,
        "bonus": _out(bonus),
        "total": _out(mean + bonus),
        "content_mean": _out(content_mean),
        "state_budget": int(app.get("state_budget") or 0),
        "past_excellent": bool(app.get("past_excellent")),
        "qualified": qualified,
        "reasons": reasons,
        "_key": (mean + bonus, content_mean),
    }


def selection_tally(applications: Sequence[Mapping]) -> dict:
    """Every intermediate value of a selection (TT 20/2023 Art 11(5)-(8)): per application
    its totals, which ballots are valid, the mean of the valid ones, the zero rule, the
    host bonus, its total; the ranking; the winner and the tie-break used.

    A tie on every key (total, state budget, a past "Xuất sắc", content mean) leaves no
    winner: `tied` lists the applications, for the council to decide and minute."""
    rows = [_application_tally(a) for a in applications]
    ranked = sorted(
        (r for r in rows if r["qualified"]),
        key=lambda r: (-r["_key"][0], r["state_budget"], not r["past_excellent"], -r["_key"][1]),
    )
    winner, tie_break, tied = None, None, []
    if ranked:
        top = ranked[0]
        level = [r for r in ranked if r["_key"][0] == top["_key"][0]]
        if len(level) == 1:
            winner = top["id"]
        else:
            for name, key in (
                ("state_budget", lambda r: r["state_budget"]),
                ("past_excellent", lambda r: not r["past_excellent"]),
                ("content", lambda r: -r["_key"][1]),
            ):
                best = min(key(r) for r in level)
                level = [r for r in level if key(r) == best]
                if len(level) == 1:
                    winner, tie_break = level[0]["id"], name
                    break
            else:
                tied = [r["id"] for r in level]
    for r in rows:
        del r["_key"]
    return {
        "applications": rows,
        "ranking": [r["id"] for r in ranked],
        "winner": winner,
        "tie_break": tie_break,
        "tied": tied,
    }


def selection_winner(applications: Sequence[Mapping]) -> str | None:
    """The winning application's id, or None when none qualifies (a second call follows)
    or a tie remains on every key."""
    return selection_tally(applications)["winner"]


# --- acceptance ---------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day (Civil Code Art 148)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def acceptance_late(*, contract_end: date, dossier_submitted_on: date, months: int = 6) -> bool:
    """The dossier came more than 6 months after the contract end (or its extension)."""
    return dossier_submitted_on > add_months(contract_end, months)


def acceptance_class(
    votes: Sequence[str], *, contract_end: date, dossier_submitted_on: date
) -> str:
    """TT 11/2014 Art 13(2), 13(1)(c): "xuat_sac" when at least 3/4 of those present vote
    Xuất sắc and none Không đạt; "khong_dat" when more than 1/3 vote Không đạt or the
    dossier came more than 6 months after the contract end; otherwise "dat"."""
    if not votes:
        raise ValueError("no vote")
    bad = [v for v in votes if v not in ACCEPTANCE_VOTES]
    if bad:
        raise ValueError(f"unknown votes {bad!r}")
    n = len(votes)
    fails = sum(1 for v in votes if v == KHONG_DAT)
    excellent = sum(1 for v in votes if v == XUAT_SAC)
    if acceptance_late(contract_end=contract_end, dossier_submitted_on=dossier_submitted_on):
        return KHONG_DAT
    if 3 * fails > n:
        return KHONG_DAT
    if 4 * excellent >= 3 * n and fails == 0:
        return XUAT_SAC
    return DAT


def opinion_passed(votes: Sequence[bool]) -> bool:
    """An advisory council's conclusion passes with more than 3/4 agreeing (the rule of
    TT 06/2023 Art 11(5) applied to the Department's advisory councils) [GK]."""
    return identification_recommended(votes)


# --- meeting ------------------------------------------------------------------------------
def quorum_met(
    kind: str,
    *,
    roles: Sequence[str],
    present: Sequence[bool],
    vice_chair_authorised: bool = False,
    rule: KindRule | None = None,
) -> bool:
    """Whether the members present make a quorum under the kind's rule."""
    return not quorum_problems(
        kind, roles=roles, present=present, vice_chair_authorised=vice_chair_authorised, rule=rule
    )


def quorum_problems(
    kind: str,
    *,
    roles: Sequence[str],
    present: Sequence[bool],
    vice_chair_authorised: bool = False,
    rule: KindRule | None = None,
) -> list[str]:
    """Why the members present make no quorum (Vietnamese, naming the rule); [] if they do."""
    rule = rule or KINDS[kind]
    q = rule.quorum
    if len(roles) != len(present):
        raise ValueError("roles and present differ in length")
    n = len(roles)
    here = [r for r, p in zip(roles, present, strict=True) if p]
    basis = q.legal_basis
    problems = []
    if n == 0 or len(here) * q.denominator < q.numerator * n:
        problems.append(
            _("Có mặt %(here)d/%(n)d thành viên, chưa đủ %(num)d/%(den)d (%(basis)s).")
            % {"here": len(here), "n": n, "num": q.numerator, "den": q.denominator, "basis": basis}
        )
    if q.chair_or_authorised_vice and CHAIR not in here:
        if VICE_CHAIR not in here:
            problems.append(
                _("Vắng Chủ tịch và Phó Chủ tịch hội đồng (%(basis)s).") % {"basis": basis}
            )
        elif not vice_chair_authorised:
            problems.append(
                _(
                    "Chủ tịch vắng mặt: Phó Chủ tịch chủ trì cần giấy ủy quyền bằng văn bản "
                    "(%(basis)s)."
                )
                % {"basis": basis}
            )
    if q.all_reviewers and sum(1 for r in here if r == REVIEWER) < roles.count(REVIEWER):
        problems.append(_("Vắng ủy viên phản biện (%(basis)s).") % {"basis": basis})
    if q.secretary and SECRETARY in roles and SECRETARY not in here:
        problems.append(_("Vắng ủy viên thư ký khoa học (%(basis)s).") % {"basis": basis})
    if q.any_of and not set(q.any_of) & set(here):
        problems.append(
            _("Cần có mặt Chủ tịch, Phó Chủ tịch hoặc ủy viên phản biện (%(basis)s).")
            % {"basis": basis}
        )
    return problems


# --- composition ---------------------------------------------------------------------------
ROLE_LABELS = {
    CHAIR: "Chủ tịch",
    VICE_CHAIR: "Phó Chủ tịch",
    REVIEWER: "Ủy viên phản biện",
    SECRETARY: "Ủy viên thư ký khoa học",
    MEMBER: "Ủy viên",
}


def composition_problems(
    kind: str | KindRule,
    *,
    roles: Sequence[str],
    reviewer_subjects: Sequence[int],
    subjects: int,
    person_ids: Sequence | None = None,
) -> list[str]:
    """Why a council's members do not make the kind's composition (Vietnamese, naming the
    rule); [] when they do. `roles[i]` is member i's role; `reviewer_subjects` the
    subject index each reviewer reviews; `person_ids` (optional) who each member is."""
    rule = kind_rule(kind)
    n = len(roles)
    problems = []
    if not rule.size_min <= n <= rule.size_max:
        size = (
            f"{rule.size_min:02d}"
            if rule.size_min == rule.size_max
            else f"{rule.size_min:02d}–{rule.size_max:02d}"
        )
        problems.append(
            _("%(kind)s có %(size)s thành viên (%(basis)s); hiện có %(n)d.")
            % {"kind": rule.name, "size": size, "basis": rule.size_basis, "n": n}
        )
    bad = sorted({r for r in roles if r not in ROLES})
    if bad:
        problems.append(_("Vai trò không hợp lệ: %(roles)s.") % {"roles": ", ".join(bad)})
    counts = {r: roles.count(r) for r in ROLES}
    if counts[CHAIR] != 1:
        problems.append(
            _("Hội đồng có đúng 01 Chủ tịch (%(basis)s); hiện có %(n)d.")
            % {"basis": rule.size_basis, "n": counts[CHAIR]}
        )
    for role, (low, high) in ((VICE_CHAIR, rule.vice_chairs), (SECRETARY, rule.secretaries)):
        if not low <= counts[role] <= high:
            problems.append(
                _("Hội đồng cần %(low)d–%(high)d %(role)s (%(basis)s); hiện có %(n)d.")
                % {
                    "low": low,
                    "high": high,
                    "role": ROLE_LABELS[role].lower() if role != VICE_CHAIR else ROLE_LABELS[role],
                    "basis": rule.legal_basis,
                    "n": counts[role],
                }
            )
    need = rule.reviewers_per_subject
    if need:
        for s in range(subjects):
            have = sum(1 for x in reviewer_subjects if x == s)
            if have != need:
                problems.append(
                    _(
                        "Mỗi đối tượng đánh giá cần %(need)02d ủy viên phản biện (%(basis)s); "
                        "đối tượng thứ %(i)d có %(have)d."
                    )
                    % {"need": need, "basis": rule.legal_basis, "i": s + 1, "have": have}
                )
    if person_ids is not None and len(set(person_ids)) != len(person_ids):
        problems.append(_("Mỗi người chỉ giữ một vai trò trong một hội đồng."))
    return problems


# --- conflicts of interest -----------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def conflict_reasons(
    person: Mapping,
    subjects: Sequence[Mapping],
    *,
    kind: str | KindRule,
    role: str = MEMBER,
) -> list[str]:
    """Why `person` may not sit on a council deciding `subjects` (TT 20/2023 Art 8(2);
    TT 11/2014 Art 9(5)): the principal investigator, a participant, staff of the host
    organisation (on an acceptance council they may sit as a plain member, TT 11/2014
    Art 9(3)(b)), a relative of the PI or a participant. Names are compared without
    case or spacing differences. [] when there is no conflict."""
    rule = kind_rule(kind)
    name = _norm(person.get("name", ""))
    organisation = _norm(person.get("organisation", ""))
    relatives = {_norm(r) for r in person.get("relatives") or [] if _norm(r)}
    reasons = []
    for s in subjects:
        title = s.get("title", "")
        pi = _norm(s.get("pi", ""))
        participants = {_norm(p) for p in s.get("participants") or [] if _norm(p)}
        host = _norm(s.get("host_organisation", ""))
        if name and name == pi:
            reasons.append(_("Là chủ nhiệm của “%(t)s”.") % {"t": title})
        elif name and name in participants:
            reasons.append(_("Là thành viên tham gia thực hiện “%(t)s”.") % {"t": title})
        member_only = rule.host_staff_member_only and role == MEMBER
        if organisation and host and organisation == host and not member_only:
            reasons.append(
                _("Thuộc tổ chức chủ trì “%(t)s” (%(org)s).")
                % {"t": title, "org": s.get("host_organisation", "")}
            )
        kin = relatives & ({pi} | participants)
        if kin:
            reasons.append(
                _("Có người thân là chủ nhiệm hoặc thành viên thực hiện “%(t)s”.") % {"t": title}
            )
    return reasons


# --- time limits ----------------------------------------------------------------------------
def papers_due_on(
    meeting_on: date,
    kind: str | KindRule,
    *,
    add_working_days: Callable[[date, int], date],
) -> date:
    """The last day to dispatch the papers: the kind's lead time in working days before
    the meeting (7 selection and acceptance, 5 identification)."""
    return add_working_days(meeting_on, -kind_rule(kind).papers_lead_working_days)


def reviews_due_on(
    meeting_on: date,
    kind: str | KindRule,
    *,
    add_working_days: Callable[[date, int], date],
) -> date:
    """The last day for the written reviews (acceptance: 1 working day before); without a
    rule of its own, the day before the meeting."""
    lead = kind_rule(kind).reviews_lead_working_days or 1
    return add_working_days(meeting_on, -lead)


def conclusions_due_on(
    meeting_on: date, kind: str | KindRule, *, add_working_days: Callable[[date, int], date]
) -> date:
    return add_working_days(meeting_on, kind_rule(kind).conclusions_working_days)
