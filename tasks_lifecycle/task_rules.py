"""The time limits of a provincial S&T task (nhiệm vụ KH&CN), as pure functions.

Plain dates and numbers in, plain values out: no database of our own, no clock, no
settings. Every limit is catalogue data (`LIMITS`: amount, unit, direction, legal basis,
who owes it) with the national default; the province's version (the task catalogue,
editable in the admin) is passed in as a `Limit` or a mapping of them. The rules of the
councils themselves (size, quorum, ballots, papers) stay in `rules.py`.

Units: "working" (ngày làm việc: the engine's Vietnamese calendar), "calendar" (ngày),
"month" (tháng: the corresponding day, or the month's last day, Civil Code Art 148).
A period counts from the day after its event. A period someone must act in that ends on
a day off moves to the next working day (Civil Code Arts 147–148) when the limit
`rolls`; a limit counted back ("at least N before") or a lateness test does not move.

Legal basis (legal/khoa-hoc-va-cong-nghe.md), cited in each limit:
- TT 06/2023/TT-BKHCN Art 12(9): the council's recommendations, with the method, within
  05 working days; Art 15(1): review and approval within 15 days of the council's
  result; Art 15(2): publication within 15 days of the approval.
- TT 20/2023/TT-BKHCN Art 3(2): the call is public for 30 days; Art 3(3): a second call
  within 06 months of the start of the first; Art 4(2)(c), 4(4)(b): no application
  while an acceptance dossier is more than 30 days late; Art 7(1): opening within 07
  working days of the close; Art 11(12): the winner revises within 20 days; Art
  13(1)(a): the budget appraisal team meets within 10 days; Art 15(1): the host
  finalises within 15 days; Art 15(3)(a): the approval decision within 15 days, its
  duration including at most 03 months to prepare the acceptance dossier; Art 11(8)(b):
  an "Xuất sắc" result of the host or PI within 05 years breaks a tie.
- TT 04/2015/TT-BKHCN Art 6(1): inspection once a year from the contract's effect (Sơn
  La: every 6 months, the seed report); Art 8(2)(b): the host notified 05 working days
  before; Art 11: workload confirmed within 10, spending within 20 working days;
  Art 12: one extension, ≤ 06 months (≤ 24-month tasks) or ≤ 12 months, requested at
  least 01 month before the contract ends.
- TT 11/2014/TT-BKHCN Art 7(1): the dossier within 30 days of the contract end (or its
  extension); Art 7(3): validity notice in 03, supplement in 05 working days; Art 9(1):
  the council set up within 15 working days; Art 10(2): the meeting within 30 days;
  Art 13(1)(c): a dossier more than 06 months late is "Không đạt"; Art 13(3):
  corrections within 30 working days; Art 15(2): the amount to refund after "Không
  đạt"; Art 15(4): the host and PI restricted from new calls; Art 17(2): the recognition
  decision within 10 working days of receiving the documents.

Two entries are dated points rather than periods (amount 0): the contract end and each
scheduled inspection; they name the ledger rows of those dates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import ModuleType

from django.utils.translation import gettext as _

from workflows import calendar as vn_calendar

from .rules import (
    D08,
    KINDS,
    MEMBER,
    TT04,
    TT06,
    TT11,
    TT20,
    KindRule,
    add_months,
    quorum_problems,
)

WORKING, CALENDAR, MONTH = "working", "calendar", "month"
AFTER, BEFORE = "after", "before"
# who owes the date: the managing division, the People's Committee (its Chairman signs),
# the host organisation and its PI, the council (its secretary, for the division)
DIVISION, COMMITTEE, HOST, COUNCIL = "division", "committee", "host", "council"
OWNERS = (DIVISION, COMMITTEE, HOST, COUNCIL)
GK = "[GK]"
SEED = "[Seed]"
TT14 = "Thông tư số 14/2014/TT-BKHCN"
ND11 = "Nghị định số 11/2014/NĐ-CP"
END = "ngày kết thúc hợp đồng"


@dataclass(frozen=True)
class Limit:
    """One time limit: `amount` `unit`s `direction` its event, owed by `owner`."""

    code: str
    name: str
    amount: int
    unit: str
    legal_basis: str
    owner: str
    stage: str
    event: str  # what the period counts from (Vietnamese, for the pages)
    direction: str = AFTER
    rolls: bool = True


def _l(code, name, amount, unit, basis, owner, stage, event, **kw) -> tuple[str, Limit]:
    return code, Limit(code, name, amount, unit, basis, owner, stage, event, **kw)


LIMITS: dict[str, Limit] = dict(
    [
        # A. identification and ordering
        _l(
            "recommendation",
            "Hoàn thiện kiến nghị của Hội đồng (kèm phương thức tuyển chọn/giao trực tiếp)",
            5,
            WORKING,
            f"khoản 9 Điều 12 {TT06}",
            COUNCIL,
            "identification",
            "phiên họp Hội đồng xác định nhiệm vụ",
        ),
        _l(
            "approval",
            "Rà soát và trình phê duyệt danh mục nhiệm vụ đặt hàng",
            15,
            CALENDAR,
            f"khoản 1 Điều 15 {TT06}; Điều 27 {D08}",
            COMMITTEE,
            "approval",
            "có kết quả làm việc của Hội đồng",
        ),
        _l(
            "publication",
            "Công bố công khai danh mục nhiệm vụ đã phê duyệt",
            15,
            CALENDAR,
            f"khoản 2 Điều 15 {TT06}",
            DIVISION,
            "publication",
            "ngày phê duyệt",
        ),
        # B. selection or direct assignment
        _l(
            "call",
            "Thông báo tuyển chọn công khai",
            30,
            CALENDAR,
            f"khoản 2 Điều 3 {TT20}",
            DIVISION,
            "call",
            "ngày bắt đầu thông báo",
        ),
        _l(
            "second_call",
            "Thông báo tuyển chọn lần 2 (khi không có hồ sơ hợp lệ)",
            6,
            MONTH,
            f"khoản 3 Điều 3 {TT20}",
            DIVISION,
            "call",
            "ngày bắt đầu thông báo tuyển chọn lần 1",
            rolls=False,
        ),
        _l(
            "opening",
            "Mở, kiểm tra hồ sơ đăng ký tuyển chọn (biên bản mở hồ sơ)",
            7,
            WORKING,
            f"khoản 1 Điều 7 {TT20}",
            DIVISION,
            "opening",
            "kết thúc thời hạn nhận hồ sơ",
        ),
        _l(
            "revision",
            "Hoàn thiện thuyết minh theo kết luận của Hội đồng tuyển chọn",
            20,
            CALENDAR,
            f"khoản 12 Điều 11 {TT20}",
            HOST,
            "revision",
            "Hội đồng thông qua biên bản họp",
        ),
        _l(
            "excellent_lookback",
            "Thời gian xét ưu tiên chủ nhiệm, tổ chức chủ trì đã có nhiệm vụ xếp loại Xuất sắc",
            60,
            MONTH,
            f"điểm b khoản 8 Điều 11 {TT20} (05 năm tính đến thời điểm đăng ký)",
            HOST,
            "selection",
            "ngày đăng ký thực hiện nhiệm vụ",
            direction=BEFORE,
            rolls=False,
        ),
        # C. budget appraisal
        _l(
            "budget_meeting",
            "Họp Tổ thẩm định kinh phí",
            10,
            CALENDAR,
            f"điểm a khoản 1 Điều 13 {TT20}",
            DIVISION,
            "budget",
            "nhận thuyết minh đã hoàn thiện",
        ),
        _l(
            "budget_finalise",
            "Tổ chức chủ trì hoàn thiện hồ sơ theo kết luận Tổ thẩm định",
            15,
            CALENDAR,
            f"khoản 1 Điều 15 {TT20}",
            HOST,
            "budget",
            "hoàn thành thẩm định kinh phí",
        ),
        _l(
            "budget_approval",
            "Trình phê duyệt tổ chức chủ trì, chủ nhiệm, kinh phí, phương thức khoán chi, "
            "thời gian thực hiện",
            15,
            CALENDAR,
            f"điểm a khoản 3 Điều 15 {TT20}",
            DIVISION,
            "budget",
            "nhận hồ sơ đã hoàn thiện theo kết luận Tổ thẩm định",
        ),
        _l(
            "acceptance_preparation",
            "Thời gian hoàn thiện hồ sơ phục vụ đánh giá, nghiệm thu (tối đa, tính trong thời "
            "gian thực hiện)",
            3,
            MONTH,
            f"điểm a khoản 3 Điều 15 {TT20}",
            HOST,
            "budget",
            "thời gian thực hiện nhiệm vụ",
            rolls=False,
        ),
        # E. periodic inspection and extension
        _l(
            "inspection_interval",
            "Kiểm tra, đánh giá định kỳ",
            12,
            MONTH,
            f"khoản 1 Điều 6 {TT04} (định kỳ 01 năm 01 lần)",
            DIVISION,
            "inspection",
            "ngày hợp đồng có hiệu lực",
        ),
        _l(
            "inspection_interval_son_la",
            "Kiểm tra, đánh giá định kỳ 6 tháng (tỉnh Sơn La)",
            6,
            MONTH,
            f"Thực tiễn của Sở KH&CN Sơn La, báo cáo quý I/2024 {SEED}; khoản 1 Điều 6 {TT04}",
            DIVISION,
            "inspection",
            "ngày hợp đồng có hiệu lực",
        ),
        # a dated point, not a period: the row of each scheduled inspection (its date is
        # the schedule's, every `inspection_interval` from the contract's effect)
        _l(
            "inspection_due",
            "Kiểm tra, đánh giá định kỳ đến hạn",
            0,
            CALENDAR,
            f"khoản 1 Điều 6 {TT04}; lịch kiểm tra định kỳ của tỉnh",
            DIVISION,
            "inspection",
            "ngày đến hạn theo lịch kiểm tra định kỳ",
            rolls=False,
        ),
        _l(
            "inspection_notice",
            "Thông báo cho tổ chức chủ trì trước khi kiểm tra",
            5,
            WORKING,
            f"điểm b khoản 2 Điều 8 {TT04}",
            DIVISION,
            "inspection",
            "ngày kiểm tra",
            direction=BEFORE,
            rolls=False,
        ),
        _l(
            "workload_confirmation",
            "Xác nhận khối lượng công việc",
            10,
            WORKING,
            f"khoản 1 Điều 11 {TT04}",
            DIVISION,
            "inspection",
            "kết thúc kiểm tra",
        ),
        _l(
            "spending_confirmation",
            "Xác nhận kinh phí thực hiện",
            20,
            WORKING,
            f"khoản 2 Điều 11 {TT04}",
            DIVISION,
            "inspection",
            "kết thúc kiểm tra",
        ),
        _l(
            "contract_end",
            "Kết thúc thời gian thực hiện hợp đồng",
            0,
            CALENDAR,
            f"Hợp đồng thực hiện nhiệm vụ (mẫu hợp đồng theo Thông tư số 05/2014/TT-BKHCN); "
            f"khoản 1 Điều 7 {TT11}",
            HOST,
            "contract",
            "ngày kết thúc hợp đồng (hoặc thời điểm được gia hạn)",
            rolls=False,
        ),
        _l(
            "extension_window",
            "Đề nghị gia hạn chậm nhất trước khi kết thúc hợp đồng",
            1,
            MONTH,
            f"khoản 2 Điều 12 {TT04}",
            HOST,
            "contract",
            "ngày kết thúc hợp đồng",
            direction=BEFORE,
            rolls=False,
        ),
        *(
            _l(code, name, months, MONTH, f"khoản 1 Điều 12 {TT04}", HOST, "contract", END)
            for code, name, months in (
                ("extension_short", "Gia hạn tối đa (nhiệm vụ không quá 24 tháng)", 6),
                ("extension_long", "Gia hạn tối đa (nhiệm vụ trên 24 tháng)", 12),
            )
        ),
        _l(
            "extension_threshold",
            "Thời gian thực hiện làm ngưỡng gia hạn 6/12 tháng",
            24,
            MONTH,
            f"khoản 1 Điều 12 {TT04}",
            HOST,
            "contract",
            "thời gian thực hiện theo hợp đồng",
        ),
        # F. acceptance
        _l(
            "acceptance_dossier",
            "Nộp hồ sơ đánh giá, nghiệm thu",
            30,
            CALENDAR,
            f"khoản 1 Điều 7 {TT11}",
            HOST,
            "acceptance",
            "kết thúc hợp đồng (hoặc thời điểm được gia hạn)",
        ),
        _l(
            "acceptance_limit_warning",
            "Cảnh báo sắp quá 06 tháng nộp hồ sơ nghiệm thu",
            5,
            MONTH,
            f"Cảnh báo trước 01 tháng so với điểm c khoản 1 Điều 13 {TT11} {GK}",
            HOST,
            "acceptance",
            "kết thúc hợp đồng (hoặc thời điểm được gia hạn)",
            rolls=False,
        ),
        _l(
            "acceptance_limit",
            "Nộp hồ sơ chậm quá 06 tháng: xếp loại Không đạt",
            6,
            MONTH,
            f"điểm c khoản 1 Điều 13 {TT11}",
            HOST,
            "acceptance",
            "kết thúc hợp đồng (hoặc thời điểm được gia hạn)",
            rolls=False,  # a lateness test, as rules.acceptance_late
        ),
        _l(
            "validity_notice",
            "Thông báo tính hợp lệ của hồ sơ nghiệm thu",
            3,
            WORKING,
            f"khoản 3 Điều 7 {TT11}",
            DIVISION,
            "acceptance",
            "ngày nhận hồ sơ",
        ),
        _l(
            "supplement",
            "Bổ sung hồ sơ nghiệm thu chưa hợp lệ",
            5,
            WORKING,
            f"khoản 3 Điều 7 {TT11}",
            HOST,
            "acceptance",
            "ngày nhận thông báo hồ sơ chưa hợp lệ",
        ),
        _l(
            "acceptance_council_setup",
            "Thành lập Hội đồng tư vấn đánh giá, nghiệm thu",
            15,
            WORKING,
            f"khoản 1 Điều 9 {TT11}",
            DIVISION,
            "acceptance",
            "ngày nhận được hồ sơ hợp lệ",
        ),
        _l(
            "acceptance_meeting",
            "Phiên họp Hội đồng nghiệm thu",
            30,
            CALENDAR,
            f"khoản 2 Điều 10 {TT11}",
            COUNCIL,
            "acceptance",
            "ngày có quyết định thành lập hội đồng",
        ),
        _l(
            "corrections",
            "Hoàn thiện hồ sơ theo kết luận của Hội đồng nghiệm thu",
            30,
            WORKING,
            f"khoản 3 Điều 13 {TT11}",
            HOST,
            "acceptance",
            "có kết quả đánh giá",
        ),
        _l(
            "recognition",
            "Quyết định công nhận kết quả thực hiện nhiệm vụ",
            10,
            WORKING,
            f"khoản 2 Điều 17 {TT11} (trong 10 ngày làm việc kể từ khi nhận đủ tài liệu)",
            DIVISION,
            "acceptance",
            "chủ tịch hội đồng xác nhận hoàn thiện hồ sơ",
        ),
        _l(
            "bar_after_fail",
            "Không được tham gia tuyển chọn, giao trực tiếp sau kết quả Không đạt",
            24,
            MONTH,
            f"khoản 4 Điều 15 {TT11} (xử lý nhiệm vụ Không đạt); thời hạn theo quy định "
            f"của tỉnh {GK}",
            HOST,
            "acceptance",
            "ngày có kết luận của Hội đồng nghiệm thu",
            rolls=False,
        ),
        # registration of task results (one-stop)
        _l(
            "registration",
            "Cấp Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ KH&CN",
            5,
            WORKING,
            f"{ND11}; {TT14} (văn bản chưa có trong kho pháp lý) {GK}",
            DIVISION,
            "registration",
            "ngày nhận hồ sơ hợp lệ",
        ),
    ]
)


def limit(code: str | Limit, **overrides) -> Limit:
    """The limit (a code: the national default), with the province's overrides."""
    lim = code if isinstance(code, Limit) else LIMITS[code]
    return replace(lim, **overrides) if overrides else lim


def _pick(code: str, limits: Mapping[str, Limit] | None) -> Limit:
    return (limits or {}).get(code) or LIMITS[code]


def due_on(lim: Limit, event_on: date, *, cal: ModuleType = vn_calendar) -> date:
    """The date a limit falls on, counted from its event."""
    sign = 1 if lim.direction == AFTER else -1
    if lim.unit == WORKING:
        return cal.add_working_days(event_on, sign * lim.amount)
    if lim.unit == CALENDAR:
        day = event_on + timedelta(days=sign * lim.amount)
    elif lim.unit == MONTH:
        day = add_months(event_on, sign * lim.amount)
    else:
        raise ValueError(f"unknown unit {lim.unit!r}")
    return cal.next_working_day_on_or_after(day) if lim.rolls else day


def _due(code: str):
    def fn(event_on: date, *, limits: Mapping[str, Limit] | None = None, cal=vn_calendar):
        return due_on(_pick(code, limits), event_on, cal=cal)

    fn.__name__ = f"{code}_due_on"
    fn.__doc__ = f"The date of the limit {code!r} (see LIMITS) counted from its event."
    return fn


recommendation_due_on = _due("recommendation")
approval_due_on = _due("approval")
publication_due_on = _due("publication")
call_closes_on = _due("call")
second_call_latest_on = _due("second_call")
opening_due_on = _due("opening")
revision_due_on = _due("revision")
budget_meeting_due_on = _due("budget_meeting")
budget_finalise_due_on = _due("budget_finalise")
budget_approval_due_on = _due("budget_approval")
inspection_notice_latest_on = _due("inspection_notice")
workload_confirmation_due_on = _due("workload_confirmation")
spending_confirmation_due_on = _due("spending_confirmation")
extension_request_last_day = _due("extension_window")
acceptance_dossier_due_on = _due("acceptance_dossier")
acceptance_limit_on = _due("acceptance_limit")
validity_notice_due_on = _due("validity_notice")
supplement_due_on = _due("supplement")
acceptance_council_setup_due_on = _due("acceptance_council_setup")
acceptance_meeting_due_on = _due("acceptance_meeting")
corrections_due_on = _due("corrections")
recognition_due_on = _due("recognition")
registration_due_on = _due("registration")


# --- selection and the approval of the host --------------------------------------------------
def second_call_problems(
    *,
    first_opens_on: date,
    opens_on: date,
    limits: Mapping[str, Limit] | None = None,
    cal: ModuleType = vn_calendar,
) -> list[str]:
    """Why a second call starting on `opens_on` is refused (Vietnamese); [] if it is within
    the limit (06 months) counted from the start of the first call (TT 20/2023 Art 3(3))."""
    lim = _pick("second_call", limits)
    latest = due_on(lim, first_opens_on, cal=cal)
    if opens_on <= latest:
        return []
    return [
        _(
            "Thông báo tuyển chọn lần 2 phải bắt đầu trong thời hạn %(n)02d tháng kể từ ngày "
            "bắt đầu thông báo lần 1 (%(first)s), chậm nhất ngày %(last)s (%(basis)s); ngày bắt "
            "đầu đề nghị: %(on)s."
        )
        % {
            "n": lim.amount,
            "first": f"{first_opens_on:%d/%m/%Y}",
            "last": f"{latest:%d/%m/%Y}",
            "basis": lim.legal_basis,
            "on": f"{opens_on:%d/%m/%Y}",
        }
    ]


def excellent_since(on: date, *, limits: Mapping[str, Limit] | None = None) -> date:
    """The first day an "Xuất sắc" result still counts for the tie-break of an application
    filed on `on` (05 years back, TT 20/2023 Art 11(8)(b))."""
    return due_on(_pick("excellent_lookback", limits), on)


def duration_problems(
    *, duration_months: int | None, prep_months: int | None, limits=None
) -> list[str]:
    """Why the duration of an approval decision is refused (Vietnamese): it counts whole
    months, and includes the time to prepare the acceptance dossier, at most 03 months
    (TT 20/2023 Art 15(3)(a)). [] when it is acceptable."""
    lim = _pick("acceptance_preparation", limits)
    problems = []
    if not duration_months or duration_months <= 0:
        problems.append(_("Thời gian thực hiện nhiệm vụ (số tháng) phải lớn hơn 0."))
    if prep_months is None or prep_months < 0:
        problems.append(
            _("Cần ghi thời gian hoàn thiện hồ sơ phục vụ đánh giá, nghiệm thu (số tháng).")
        )
    elif prep_months > lim.amount:
        problems.append(
            _(
                "Thời gian hoàn thiện hồ sơ phục vụ đánh giá, nghiệm thu không quá %(max)02d "
                "tháng (%(basis)s); quyết định ghi %(m)d tháng."
            )
            % {"max": lim.amount, "basis": lim.legal_basis, "m": prep_months}
        )
    elif duration_months and duration_months > 0 and prep_months >= duration_months:
        problems.append(
            _(
                "Thời gian hoàn thiện hồ sơ nghiệm thu (%(m)d tháng) nằm trong thời gian thực "
                "hiện nhiệm vụ (%(d)d tháng) và phải ngắn hơn."
            )
            % {"m": prep_months, "d": duration_months}
        )
    return problems


# --- periodic inspection ------------------------------------------------------------------
def inspection_schedule(
    *,
    effective_on: date,
    contract_end: date,
    interval: Limit | None = None,
    cal: ModuleType = vn_calendar,
) -> list[date]:
    """The dates periodic inspections are due: every `interval` months from the contract's
    effect, each counted from the effect date (31/08 + 6 → 29/02, + 12 → 31/08: no
    month-end drift), moved to the next working day; none on or after the contract end
    (acceptance takes over)."""
    interval = interval or LIMITS["inspection_interval"]
    if interval.unit != MONTH:
        raise ValueError("an inspection interval is counted in months")
    dates, k = [], 1
    while (raw := add_months(effective_on, k * interval.amount)) < contract_end:
        dates.append(cal.next_working_day_on_or_after(raw) if interval.rolls else raw)
        k += 1
    return dates


# the inspection team's core members (TT 04/2015 Art 5(1)-(2)): a leader and an officer of
# the unit managing the task and of the unit managing its budget
CORE_TEAM_ROLES = ("managing_leader", "managing_officer", "finance_leader", "finance_officer")
TEAM_ROLES = (*CORE_TEAM_ROLES, "professional", "proposer", "other")


def inspection_team_problems(
    team: Sequence[Mapping], *, host_leader: str, rule: KindRule | None = None
) -> list[str]:
    """Why the team that met may not inspect (Vietnamese, naming the rule); [] when it
    may: the team names its 4 core members, at least 3 of them present (the inspection
    kind's quorum, `rule`: the province's `CouncilKind`), and the host's leadership
    attends (TT 04/2015 Art 5, 9(2)). `team` rows: name, role, present."""
    rule = rule or KINDS["inspection"]
    basis = rule.quorum.legal_basis
    problems = []
    unnamed = [r for r in team if not str(r.get("name") or "").strip()]
    if unnamed:
        problems.append(_("Cần ghi họ tên từng thành viên đoàn kiểm tra."))
    bad = sorted({str(r.get("role")) for r in team if r.get("role") not in TEAM_ROLES})
    if bad:
        problems.append(_("Thành phần không hợp lệ: %(roles)s.") % {"roles": ", ".join(bad)})
    core = [r for r in team if r.get("role") in CORE_TEAM_ROLES]
    if sorted(r["role"] for r in core) != sorted(CORE_TEAM_ROLES):
        problems.append(
            _(
                "Đoàn kiểm tra có 04 thành viên chính: 01 lãnh đạo và 01 chuyên viên đơn vị "
                "quản lý nhiệm vụ, 01 lãnh đạo và 01 chuyên viên đơn vị quản lý kinh phí "
                "(khoản 1, 2 Điều 5 %(tt)s)."
            )
            % {"tt": TT04}
        )
    else:
        problems += quorum_problems(
            "inspection",
            roles=[MEMBER] * len(core),
            present=[bool(r.get("present")) for r in core],
            rule=rule,
        )
    if not (host_leader or "").strip():
        problems.append(
            _("Cần có đại diện lãnh đạo tổ chức chủ trì nhiệm vụ tham dự (%(basis)s).")
            % {"basis": basis}
        )
    return problems


# --- extension ----------------------------------------------------------------------------
def _extension_limit(duration_months: int, limits: Mapping[str, Limit] | None) -> Limit:
    threshold = _pick("extension_threshold", limits).amount
    return _pick("extension_short" if duration_months <= threshold else "extension_long", limits)


def extension_max_months(duration_months: int, *, limits: Mapping[str, Limit] | None = None) -> int:
    """≤ 06 months for a task of at most 24 months, ≤ 12 months for a longer one."""
    return _extension_limit(duration_months, limits).amount


def extension_end(contract_end: date, months: int) -> date:
    """The new contract end: the corresponding day `months` later (or the month's last)."""
    return add_months(contract_end, months)


def extension_problems(
    *,
    contract_end: date,
    duration_months: int,
    extended_before: bool,
    requested_on: date,
    months: int,
    limits: Mapping[str, Limit] | None = None,
    cal: ModuleType = vn_calendar,
) -> list[str]:
    """Why an extension request is refused (Vietnamese, naming the rule); [] if it may be
    considered (TT 04/2015 Art 12)."""
    problems = []
    maximum = _extension_limit(duration_months, limits)
    if extended_before:
        problems.append(
            _("Nhiệm vụ chỉ được gia hạn 01 lần (%(basis)s); nhiệm vụ đã được gia hạn.")
            % {"basis": maximum.legal_basis}
        )
    if months <= 0:
        problems.append(_("Số tháng đề nghị gia hạn phải lớn hơn 0."))
    elif months > maximum.amount:
        problems.append(
            _(
                "Nhiệm vụ có thời gian thực hiện %(d)d tháng được gia hạn không quá %(max)d "
                "tháng (%(basis)s); đề nghị %(m)d tháng."
            )
            % {
                "d": duration_months,
                "max": maximum.amount,
                "basis": maximum.legal_basis,
                "m": months,
            }
        )
    window = _pick("extension_window", limits)
    last = due_on(window, contract_end, cal=cal)
    if requested_on > last:
        problems.append(
            _(
                "Đề nghị gia hạn phải gửi trước khi kết thúc hợp đồng ít nhất %(n)02d tháng, "
                "chậm nhất ngày %(last)s (%(basis)s); đề nghị gửi ngày %(on)s."
            )
            % {
                "n": window.amount,
                "last": f"{last:%d/%m/%Y}",
                "basis": window.legal_basis,
                "on": f"{requested_on:%d/%m/%Y}",
            }
        )
    return problems


# --- acceptance ---------------------------------------------------------------------------
def acceptance_late(
    *, contract_end: date, submitted_on: date, limits: Mapping[str, Limit] | None = None
) -> bool:
    """The dossier came more than the limit (06 months) after the contract end or its
    extension: "Không đạt" whatever the votes (TT 11/2014 Art 13(1)(c))."""
    return submitted_on > acceptance_limit_on(contract_end, limits=limits)


def contract_deadlines(
    contract_end: date, *, limits: Mapping[str, Limit] | None = None, cal=vn_calendar
) -> dict[str, date]:
    """The ledger dates a contract end opens (and an extension moves): the end itself, the
    last day to request an extension, the acceptance dossier, the warning before the
    6-month limit, and the limit."""
    out = {"contract_end": contract_end}
    for code in (
        "extension_window",
        "acceptance_dossier",
        "acceptance_limit_warning",
        "acceptance_limit",
    ):
        out[code] = due_on(_pick(code, limits), contract_end, cal=cal)
    return out


# --- the bar on new calls -------------------------------------------------------------------
def bar_reasons(
    history: Sequence[Mapping],
    *,
    on: date,
    limits: Mapping[str, Limit] | None = None,
    cal: ModuleType = vn_calendar,
) -> list[str]:
    """Why a host or a PI may not apply on the day `on` (Vietnamese), from their earlier
    tasks: `failed_on` (a "Không đạt" conclusion: barred for the catalogue's period), or
    `contract_end` with `dossier_on` (None: not filed) — barred while the acceptance
    dossier is more than its limit (30 days) late (TT 20/2023 Art 4(2)(c), 4(4)(b)).
    [] when nothing bars them."""
    reasons = []
    fail = _pick("bar_after_fail", limits)
    dossier = _pick("acceptance_dossier", limits)
    for task in history:
        title = task.get("title", "")
        failed_on = task.get("failed_on")
        if failed_on and on <= due_on(fail, failed_on, cal=cal):
            until = due_on(fail, failed_on, cal=cal)
            reasons.append(
                _(
                    "Nhiệm vụ “%(t)s” bị đánh giá Không đạt ngày %(f)s: không được tham gia "
                    "tuyển chọn, giao trực tiếp đến hết ngày %(u)s (%(basis)s)."
                )
                % {
                    "t": title,
                    "f": f"{failed_on:%d/%m/%Y}",
                    "u": f"{until:%d/%m/%Y}",
                    "basis": fail.legal_basis,
                }
            )
        end = task.get("contract_end")
        if end:
            due = due_on(dossier, end, cal=cal)
            filed = task.get("dossier_on")
            if on > due and (filed is None or filed > on):
                reasons.append(
                    _(
                        "Chưa nộp hồ sơ đánh giá, nghiệm thu nhiệm vụ “%(t)s” (hạn %(d)s) "
                        "(điểm c khoản 2, điểm b khoản 4 Điều 4 %(tt)s)."
                    )
                    % {"t": title, "d": f"{due:%d/%m/%Y}", "tt": TT20}
                )
    return reasons


# --- overlap check on titles ---------------------------------------------------------------
SIMILARITY_THRESHOLD = 0.4  # the department's practice [GK]: a list to read, not a refusal


def _words(text: str) -> set[str]:
    norm = unicodedata.normalize("NFC", text or "").casefold()
    return {w for w in re.split(r"[^\w]+", norm) if w}


def similar_titles(
    title: str, earlier: Sequence[Mapping], *, threshold: float = SIMILARITY_THRESHOLD
) -> list[dict]:
    """The earlier tasks whose titles share the most syllables with `title` (Jaccard over
    the words, case and Unicode form ignored), best first, at or above `threshold`:
    the list the division reads when it checks a proposal for overlap (TT 06/2023)."""
    mine = _words(title)
    if not mine:
        return []
    out = []
    for task in earlier:
        theirs = _words(task.get("title", ""))
        if not theirs:
            continue
        score = len(mine & theirs) / len(mine | theirs)
        if score >= threshold:
            out.append(
                {"code": task.get("code", ""), "title": task["title"], "score": round(score, 2)}
            )
    return sorted(out, key=lambda r: (-r["score"], r["code"]))
