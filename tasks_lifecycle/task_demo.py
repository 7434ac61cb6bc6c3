"""Demo data of the provincial S&T tasks: the Q1/2024 history of the report and a
current set dated from today, over every stage and warning.

The history (seed/bao-cao-khcn-quy-I-2024.txt):
- the ordering of "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam…": proposed,
  screened, before the identification council of January 2024, recommended for
  competitive selection, on the ordered list of Decision 250/QĐ-UBND (06/02/2024),
  published; its selection goes on in the current set;
- the IP-development programme list of Decision 252/QĐ-UBND (06/02/2024), with two tasks
  (examples) through their own identification council;
- the 5 brand projects carried over from 2021–2023 (taken over at their contracts, which
  ended on 31/12/2023): "Gạo Phù Yên" and "Rượu Hang Chú" accepted by the councils of
  Q1, the other three (examples) in Q2/2024;
- the 29 tasks under 6-monthly inspection in the first half of 2024: the 5 projects of
  the IP programme the report names, carried over from 2022, and 24 examples, all taken
  over on 02/01/2024 (the day the system starts following them).
The report gives no dates, people or budgets for the tasks: those are examples, and
titles the report does not give end in "(ví dụ)".

The current set covers each stage of the lifecycle and each warning of the ledger
(approval or publication due, contract end in 30 days, extension window closing,
acceptance dossier overdue, the 6-month "Không đạt" risk, validity notice due, …).

Every step goes through the task and council services with the clock moved to its day
(`workflows.demo.Timeline`), planned on the councils' timelines so that a task and the
councils that decide on it are replayed together. Idempotent: a task is found by its
title and not planned twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from workflows.calendar import add_working_days, next_working_day_on_or_after
from workflows.demo import Timeline, demo_user
from workflows.roles import Role

from . import task_acceptance as ta
from . import task_progress as tp
from . import task_selection as tsel
from . import task_services as ts
from .demo import (
    ACCEPTANCE_ROLES,
    HOST_BRANDS,
    IDENTIFICATION_DAT,
    PI_GAO,
    SEVEN_ROLES,
    _pdf,
    _vote,
)
from .models import Council, HostOrganisation, Inspection, Investigator, Method, Programme, Task
from .task_catalogue import current_version, task_limits
from .task_import import task_take_over
from .task_rules import add_months, inspection_schedule

SAM = (
    "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam làm cơ sở xác định vùng "
    "trồng phù hợp trên địa bàn tỉnh Sơn La"
)
GAO = (
    "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Gạo Phù Yên” cho sản phẩm Gạo "
    "của huyện Phù Yên, tỉnh Sơn La"
)
HANG_CHU = (
    "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Rượu Hang Chú” cho sản phẩm "
    "Rượu Hang Chú của huyện Bắc Yên, tỉnh Sơn La"
)
TAY_BAC = "Trường Đại học Tây Bắc"
ORGS = [
    HOST_BRANDS,
    TAY_BAC,
    "Viện Khoa học Kỹ thuật Nông lâm nghiệp miền núi phía Bắc",
    "Trung tâm Khuyến nông Sơn La",
    "Trường Cao đẳng Nông Lâm Sơn La",
    "Viện Nghiên cứu Rau quả",
    "Viện Dược liệu",
]
# each organisation's demo account (its staff who file for it)
ORG_USERS = [
    "tochuc",
    "dhtaybac",
    "viennlmn",
    "khuyennong",
    "cdnonglam",
    "vienrauqua",
    "vienduoclieu",
]
# investigators (examples): name, title, organisation index, demo account
PIS = [
    (PI_GAO, "ThS.", 0, "chunhiem"),
    ("Hoàng Văn Tâm", "ThS.", 0, None),
    ("Lò Thị Hồng", "TS.", 1, None),
    ("Cầm Văn Thắng", "TS.", 2, None),
    ("Lò Văn Hưng", "KS.", 3, None),
    ("Vì Thị Hạnh", "ThS.", 4, None),
    ("Đèo Văn Thành", "TS.", 5, None),
    ("Quàng Thị Yến", "ThS.", 1, None),
    ("Nguyễn Thị Thu Hà", "TS.", 6, None),
    ("Trần Thị Mai Anh", "ThS.", 0, None),
]
IDENT_POOL = ["hoa", "tuan", "dung", "hung", "thu", "lan", "minh", "khanh", "nga", "son", "hai"]
SELECTION_POOL = ["hoa", "tuan", "hung", "dung", "thu", "lan", "minh"]
BUDGET_POOL = ["khanh", "tuan", "minh", "nga", "lan"]
# a selection ballot, 80 of 100 points (TT 20/2023 Art 12(1), research on technology)
POINTS = {"tong_quan": 10, "noi_dung": 20, "san_pham": 13, "ung_dung": 13, "kha_thi": 12,
          "nang_luc": 12}  # fmt: skip
SYSTEM_START = date(2024, 1, 2)  # the day the division takes over the running tasks
UBND_SIGNER = "Phó Chủ tịch UBND tỉnh (ví dụ)"
# the inspection team's 4 core members (TT 04/2015 Art 5), examples
TEAM = [
    {"name": "Đỗ Thị Hạnh", "role": "managing_leader", "present": True},
    {"name": "Hoàng Văn Nam", "role": "managing_officer", "present": True},
    {"name": "Lường Thị Lan", "role": "finance_leader", "present": True},
    {"name": "Lò Thị Thảo (ví dụ)", "role": "finance_officer", "present": False},
]
SELF_EVALUATION = (
    "Nhiệm vụ đã hoàn thành đầy đủ nội dung, sản phẩm theo hợp đồng; tổ chức chủ trì tự "
    "đánh giá đạt yêu cầu."
)

# the 5 projects of the IP programme the report names (carried over from 2022)
IP_PROJECTS = [
    "Đăng ký bảo hộ, xây dựng và triển khai hệ thống quản lý nhãn hiệu chứng nhận “Mắc ca "
    "Sơn La” cho sản phẩm Mắc ca của tỉnh Sơn La",
    "Đăng ký bảo hộ, xây dựng và triển khai hệ thống quản lý nhãn hiệu chứng nhận “Dứa Sơn "
    "La” cho sản phẩm Dứa của tỉnh Sơn La",
    "Xây dựng mô hình khai thác hiệu quả nhãn hiệu chứng nhận “Cá Sông Đà Sơn La”",
    "Khai thác và phát triển chỉ dẫn địa lý “Yên Châu” cho sản phẩm quả xoài tròn của huyện "
    "Yên Châu, tỉnh Sơn La",
    "Đăng ký bảo hộ, xây dựng và triển khai hệ thống quản lý nhãn hiệu chứng nhận “Chè Tà "
    "Xùa Bắc Yên” cho sản phẩm chè Tà Xùa của huyện Bắc Yên, tỉnh Sơn La",
]
BRAND_EXAMPLES = [
    "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Cà phê Sơn La” (ví dụ)",
    "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Mận hậu Mộc Châu” (ví dụ)",
    "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Nhãn Sông Mã” (ví dụ)",
]
CROPS = [
    "cà phê chè", "chanh leo", "bơ sáp", "sơn tra", "mắc ca", "lúa nếp Tan", "xoài Úc",
    "nho hạ đen", "cam lòng vàng", "táo mèo", "chè Shan tuyết", "dâu tây",
]  # fmt: skip
DISTRICTS = ["Mộc Châu", "Mai Sơn", "Thuận Châu", "Yên Châu", "Sông Mã", "Bắc Yên"]
IP_LIST = [
    "Đăng ký bảo hộ nhãn hiệu chứng nhận “Sơn tra Sơn La” (ví dụ)",
    "Xây dựng chỉ dẫn địa lý “Mộc Châu” cho sản phẩm chè Shan tuyết (ví dụ)",
    "Quản lý và phát triển nhãn hiệu chứng nhận “Cá Sông Đà” cho sản phẩm cá lồng (ví dụ)",
]


def inspected_examples() -> list[str]:
    """The 24 example tasks under inspection in 2024 (with the 5 IP projects: 29)."""
    return [
        f"Ứng dụng tiến bộ kỹ thuật trong sản xuất {CROPS[i % 12]} tại huyện "
        f"{DISTRICTS[i % 6]} (ví dụ {i + 1})"
        for i in range(24)
    ]


class People:
    """The demo accounts the tasks need, on top of `workflows.demo.seed_engine`."""

    def __init__(self) -> None:
        User = get_user_model()
        self.officer = demo_user(
            "cvqlkh", Role.SPECIALIST, last="Hoàng Văn", first="Nam", division="qlkh"
        )
        self.head = demo_user(
            "tpqlkh", Role.HEAD_OF_DIVISION, last="Đỗ Thị", first="Hạnh", division="qlkh"
        )
        self.director = User.objects.get(username="giamdoc")
        self.orgs = {name: HostOrganisation.objects.get_or_create(name=name)[0] for name in ORGS}
        for name, username in zip(ORGS, ORG_USERS, strict=True):
            user = demo_user(username, Role.APPLICANT, last=name, first="")
            self.orgs[name].users.add(user)
        self.host = User.objects.get(username="tochuc")
        self.tay_bac = User.objects.get(username="dhtaybac")
        self.pis = {}
        for name, title, org, username in PIS:
            user = None
            if username:
                last, first = name.rsplit(" ", 1)
                user = demo_user(username, Role.APPLICANT, last=last, first=first)
                self.orgs[ORGS[org]].users.add(user)
            self.pis[name], _created = Investigator.objects.get_or_create(
                full_name=name,
                defaults={
                    "academic_title": title,
                    "organisation": self.orgs[ORGS[org]],
                    "user": user,
                },
            )

    def host_of(self, task: Task):
        """A demo account of the task's host (or proposer)."""
        org = task.host or task.proposer
        return org.users.order_by("pk").first()


_PKS: dict[str, int] = {}  # title → pk, once the task exists (a demo reads it often)


def _task(title: str) -> Task:
    pk = _PKS.get(title)
    task = Task.objects.filter(pk=pk).first() if pk else None
    if task is None or task.title != title:
        task = Task.objects.filter(title=title).order_by().first()
    if task is None:  # its first step was refused (reported): the rest is skipped too
        raise ts.TaskRefused(f"chưa có nhiệm vụ “{title[:60]}”", code="demo_missing")
    _PKS[title] = task.pk
    return task


class Plan:
    """Dated steps of one task on a timeline (the task is found by its title)."""

    def __init__(self, timeline: Timeline, title: str) -> None:
        self.t, self.title = timeline, title

    def at(self, day: date, label: str, action: Callable[[Task], object]) -> Plan:
        self.t.at(day, f"{self.title[:60]}: {label}", lambda: action(_task(self.title)))
        return self

    def start(self, day: date, label: str, action: Callable[[], object]) -> Plan:
        self.t.at(day, f"{self.title[:60]}: {label}", action)
        return self


def _contract(number: str, effective: date, ends: date, budget: int) -> dict:
    half = budget // 2
    return {
        "number": number,
        "signed_on": effective,
        "effective_on": effective,
        "starts_on": effective,
        "ends_on": ends,
        "budget": budget,
        "instalments": [
            (effective + timedelta(days=14), half),
            (add_months(effective, 12), budget - half),
        ],
    }


class TaskDemo:
    """The tasks' part of the councils' timelines (`demo.seed_councils(plans=…)`)."""

    def __init__(self, today: date) -> None:
        self.p = People()
        self.today = today
        self.known = set(Task.objects.values_list("title", flat=True))
        self._fresh: set[str] = set()  # planned in this run
        self.interval = task_limits(current_version(today))["inspection_interval"]

    def _new(self, title: str) -> bool:
        if title in self.known:
            return False
        self.known.add(title)
        self._fresh.add(title)
        return True

    # --- building blocks --------------------------------------------------------------
    def propose(self, tl, title, day, *, by=None, org=TAY_BAC, year=2024, **kw) -> Plan:
        actor = by or (self.p.tay_bac if org == TAY_BAC else self.p.host)
        return Plan(tl, title).start(
            day,
            "đề xuất",
            lambda: ts.task_propose(
                actor=actor, proposer=self.p.orgs[org], title=title, year=year, **kw
            ),
        )

    def take_over(
        self, tl, title, *, effective, ends, budget, pi, org=HOST_BRANDS, on=SYSTEM_START,
        programme=Programme.PROVINCIAL, year=None,
    ) -> Plan:  # fmt: skip
        p = self.p

        def act():
            from .models import Contract

            n = Contract.objects.count() + 1
            contract = _contract(
                f"{n:02d}/{effective.year}/HĐ-KHCN (ví dụ)", effective, ends, budget
            )
            return task_take_over(
                actor=p.officer,
                title=title,
                year=year or effective.year,
                host=p.orgs[org],
                pi=p.pis[pi],
                programme=programme,
                officer=p.officer,
                decision={
                    "number": f"{100 + n}/QĐ-UBND (ví dụ)",
                    "signed_on": effective - timedelta(days=20),
                    "signer": UBND_SIGNER,
                },
                contract=contract,
            )

        plan = Plan(tl, title).start(on, "tiếp nhận nhiệm vụ chuyển tiếp", act)
        self.inspections(plan, effective=effective, ends=ends, since=on)
        return plan

    def identification(
        self, plan_council, tl, title, tasks, *, created, meeting, decision, failed=(),
        until="closed",
    ):  # fmt: skip
        """An identification council on `tasks` (all "Đạt" but those in `failed`)."""
        n = 5 + 2 * len(tasks)
        no = {"contents": dict.fromkeys(IDENTIFICATION_DAT["contents"], "khong_dat")}
        plan_council(
            tl,
            {
                "title": title,
                "kind": "identification",
                "subjects": [{"task": t} for t in tasks],
                # two reviewers for each task (Art 10–12 TT 06/2023)
                "members": IDENT_POOL[: 5 + 2 * len(tasks)],
                "roles": ["chair", "vice_chair", "secretary"]
                + ["reviewer"] * (2 * len(tasks))
                + ["member"] * 2,
                "decision": decision,
                "created": created,
                "dispatched": add_working_days(created, 2),
                "reviews": add_working_days(meeting, -2),
                "meeting": meeting,
                "closed": add_working_days(meeting, 2),
                "votes": [[no if t in failed else IDENTIFICATION_DAT] * n for t in tasks],
                "conclusion": "Đề nghị đưa các nhiệm vụ đạt yêu cầu vào danh mục đặt hàng.",
                "until": until,
            },
        )

    def to_identification(self, plan: Plan, council_title: str, *, sent, recommended, method):
        p = self.p
        from .models import Council

        plan.at(
            sent,
            "đưa ra Hội đồng xác định",
            lambda t: ts.task_send_to_identification(
                task=t, actor=p.officer, council=Council.objects.get(title=council_title)
            ),
        )
        if recommended:
            plan.at(
                recommended,
                "kiến nghị",
                lambda t: ts.task_recommend(task=t, actor=p.officer, method=method),
            )
        return plan

    def ordered(self, plan: Plan, *, number, signed_on, published=None, title=""):
        p = self.p
        plan.at(
            signed_on,
            f"phê duyệt {number}",
            lambda t: ts.task_approve(
                task=t, actor=p.head, number=number, signed_on=signed_on, signer=UBND_SIGNER,
                title=title,
            ),
        )  # fmt: skip
        if published:
            plan.at(published, "công bố", lambda t: ts.task_publish(task=t, actor=p.officer))
        return plan

    def dossier(self, plan: Plan, filed: date, *, valid: date | None = None, missing=()):
        p = self.p
        plan.at(
            filed,
            "nộp hồ sơ nghiệm thu",
            lambda t: ts.task_file_dossier(
                task=t, actor=p.host_of(t), self_evaluation=SELF_EVALUATION
            ),
        )
        if missing:
            plan.at(
                add_working_days(filed, 2),
                "yêu cầu bổ sung",
                lambda t: ts.task_request_supplement(
                    task=t, actor=p.officer, missing=list(missing)
                ),
            )
        if valid:
            plan.at(
                valid, "hồ sơ hợp lệ", lambda t: ts.task_accept_dossier(task=t, actor=p.officer)
            )
        return plan

    # --- the history of Q1/2024 ---------------------------------------------------------
    def history(self, tl: Timeline, plan_council) -> None:
        p = self.p
        if self._new(SAM):
            plan = self.propose(tl, SAM, date(2023, 10, 2), field="Nông nghiệp")
            plan.at(date(2023, 10, 9), "rà soát", lambda t: ts.task_screen(task=t, actor=p.officer))
            self.to_identification(
                plan,
                "Hội đồng tư vấn xác định nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024",
                sent=date(2024, 1, 11),
                recommended=date(2024, 1, 25),
                method=Method.SELECTION,
            )
            self.ordered(
                plan,
                number="250/QĐ-UBND",
                signed_on=date(2024, 2, 6),
                published=date(2024, 2, 20),
                title="Phê duyệt danh mục nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024",
            )
        ip_new = [t for t in IP_LIST if self._new(t)]
        for title in ip_new:
            plan = self.propose(
                tl, title, date(2023, 10, 16), org=HOST_BRANDS, programme=Programme.IP,
                field="Sở hữu trí tuệ",
            )  # fmt: skip
            plan.at(
                date(2023, 10, 23), "rà soát", lambda t: ts.task_screen(task=t, actor=p.officer)
            )
        if ip_new:
            council = "Hội đồng tư vấn xác định nhiệm vụ thuộc Chương trình phát triển tài sản trí tuệ năm 2024"  # noqa: E501
            self.identification(
                plan_council, tl, council, ip_new, created=date(2024, 1, 8),
                meeting=date(2024, 1, 18), decision="03/QĐ-SKHCN",
            )  # fmt: skip
            for title in ip_new:
                plan = Plan(tl, title)
                self.to_identification(
                    plan, council, sent=date(2024, 1, 9), recommended=date(2024, 1, 24),
                    method=Method.SELECTION,
                )  # fmt: skip
                self.ordered(
                    plan,
                    number="252/QĐ-UBND",
                    signed_on=date(2024, 2, 6),
                    published=date(2024, 2, 21),
                    title="Phê duyệt danh mục nhiệm vụ KH&CN đặt hàng thực hiện từ năm 2024, "
                    "thuộc Chương trình phát triển tài sản trí tuệ",
                )
        self._brands(tl, plan_council)
        self._inspected(tl)

    def _brands(self, tl, plan_council) -> None:
        councils = {
            GAO: "Hội đồng tư vấn nghiệm thu dự án nhãn hiệu chứng nhận “Gạo Phù Yên”",
            HANG_CHU: "Hội đồng tư vấn nghiệm thu dự án nhãn hiệu chứng nhận “Rượu Hang Chú”",
        }
        brands = [
            (GAO, PI_GAO, date(2024, 1, 26), date(2024, 1, 31)),
            (HANG_CHU, "Hoàng Văn Tâm", date(2024, 1, 29), date(2024, 2, 1)),
        ] + [(t, "Hoàng Văn Tâm", date(2024, 3, 25), date(2024, 3, 28)) for t in BRAND_EXAMPLES]
        for title, pi, filed, valid in brands:
            if not self._new(title):
                continue
            plan = self.take_over(
                tl, title, effective=date(2021, 3, 1), ends=date(2023, 12, 31),
                budget=950_000_000, pi=pi, programme=Programme.BRAND, year=2021,
            )  # fmt: skip
            self.dossier(plan, filed, valid=valid)
            self.accepted(plan, plan_council, title, valid, council=councils.get(title))

    def accepted(
        self, plan: Plan, plan_council, title: str, valid: date, *, council=None, votes="dat",
        refund=None,
    ) -> None:  # fmt: skip
        """The acceptance council (`council`: one of the councils' demo's own, by title;
        else one planned here) and what follows its result: corrections, recognition."""
        if council is not None:
            from .demo import _history

            spec = next(c for c in _history() if c["title"] == council)
        else:
            created = add_working_days(valid, 10)
            meeting = add_working_days(created, 12)
            council = f"Hội đồng tư vấn nghiệm thu nhiệm vụ “{title[:80]}”"
            spec = {
                "title": council,
                "kind": "acceptance",
                "subjects": [{"task": title}],
                "members": ["hoa", "lan", "tuan", "dung", "thu", "minh", "khanh", "nga", "hung"],
                "roles": ACCEPTANCE_ROLES,
                "decision": f"{60 + len(self.known) % 40}/QĐ-SKHCN (ví dụ)",
                "created": created,
                "dispatched": add_working_days(created, 2),
                "reviews": add_working_days(meeting, -3),
                "meeting": meeting,
                "closed": add_working_days(meeting, 2),
                "votes": [[_vote(votes)] * 9],
                "conclusion": "Nhiệm vụ đạt yêu cầu; chủ nhiệm hoàn thiện hồ sơ.",
                "until": "closed",
            }
            plan_council(plan.t, spec)
        self.acceptance_steps(
            plan, council, sent=spec["created"], closed=spec["closed"], refund=refund
        )

    def acceptance_steps(self, plan: Plan, council: str, *, sent, closed, refund=None, until=""):
        p = self.p
        plan.at(
            sent,
            "đưa ra Hội đồng nghiệm thu",
            lambda t: ta.task_send_to_acceptance(
                task=t, actor=p.officer, council=Council.objects.get(title=council)
            ),
        )
        if until == "council" or closed > self.today:
            return
        plan.at(
            closed,
            "ghi nhận kết quả nghiệm thu",
            lambda t: ta.task_record_acceptance(task=t, actor=p.officer, refund_amount=refund),
        )
        if refund is not None or until == "result":
            return
        corrected = add_working_days(closed, 15)
        if corrected > self.today:
            return
        plan.at(
            corrected,
            "nộp báo cáo hoàn thiện hồ sơ",
            lambda t: ta.task_submit_corrections(
                task=t, actor=p.host_of(t), report=_pdf("Bao cao hoan thien ho so")
            ),
        )
        recognised = add_working_days(corrected, 6)
        if until == "corrections" or recognised > self.today:
            return
        plan.at(
            recognised,
            "quyết định công nhận kết quả",
            lambda t: ta.task_recognise(
                task=t, actor=p.head, decision_number=f"{t.pk + 200}/QĐ-SKHCN (ví dụ)",
                signed_on=recognised, signer="Giám đốc Sở Khoa học và Công nghệ",
            ),
        )  # fmt: skip

    def inspections(self, plan: Plan, *, effective: date, ends: date, since: date) -> None:
        """Every 6-monthly inspection due from `since` up to today, held through the
        services: the notice 6 working days before, the host's reports, the team's
        minutes, the workload and spending confirmations (the steps still to come are
        left to their ledger rows)."""
        today = self.today
        for due in inspection_schedule(
            effective_on=effective, contract_end=ends, interval=self.interval
        ):
            held = next_working_day_on_or_after(due)
            notice = add_working_days(held, -6)
            if notice < since:
                continue
            if notice > today:
                break
            steps = [
                (notice, "thông báo kiểm tra", self._plan_inspection(due, held)),
                (add_working_days(held, -2), "báo cáo kiểm tra", self._reports(due)),
                (held, "biên bản kiểm tra", self._record(due)),
                (add_working_days(held, 6), "xác nhận khối lượng", self._confirm(due, "w")),
                (add_working_days(held, 14), "xác nhận kinh phí", self._confirm(due, "s")),
            ]
            for day, label, action in steps:
                if day <= today:
                    plan.at(day, label, action)

    def _inspection(self, t: Task, due: date) -> Inspection:
        return Inspection.objects.get(task=t, due_on=next_working_day_on_or_after(due))

    def _plan_inspection(self, due, held):
        return lambda t: tp.task_plan_inspection(
            task=t, actor=self.p.officer, inspection=self._inspection(t, due), planned_on=held,
            place="Trụ sở tổ chức chủ trì",
        )  # fmt: skip

    def _reports(self, due):
        return lambda t: tp.task_upload_inspection_reports(
            task=t, actor=self.p.host_of(t), inspection=self._inspection(t, due),
            progress_report=_pdf("Bao cao tien do"), spending_report=_pdf("Bao cao kinh phi"),
        )  # fmt: skip

    def _record(self, due):
        return lambda t: tp.task_record_inspection(
            task=t, actor=self.p.officer, inspection=self._inspection(t, due), team=TEAM,
            host_leader="Thủ trưởng tổ chức chủ trì (ví dụ)", outcome="on_track",
            minutes=_pdf("Bien ban kiem tra"),
        )  # fmt: skip

    def _confirm(self, due, what):
        if what == "w":
            return lambda t: tp.task_confirm_workload(
                task=t, actor=self.p.officer, inspection=self._inspection(t, due)
            )
        return lambda t: tp.task_confirm_spending(
            task=t, actor=self.p.officer, inspection=self._inspection(t, due)
        )

    def _inspected(self, tl) -> None:
        """The 29 tasks under 6-monthly inspection in 2024."""
        pis = list(self.p.pis)
        for i, title in enumerate(IP_PROJECTS):
            if self._new(title):
                self.take_over(
                    tl, title, effective=date(2022, 3, 1), ends=date(2026, 12, 31 - i),
                    budget=1_100_000_000 + 50_000_000 * i, pi=pis[i % len(pis)],
                    programme=Programme.IP, year=2022,
                )  # fmt: skip
        for i, title in enumerate(inspected_examples()):
            if self._new(title):
                effective = date(2023, 1 + i % 12, 15)
                ends = add_months(effective, 48 + i % 7) - timedelta(days=1)
                self.take_over(
                    tl, title, effective=effective, ends=ends,
                    budget=600_000_000 + 20_000_000 * i, pi=pis[(i + 2) % len(pis)],
                    org=ORGS[i % len(ORGS)], year=2023,
                )  # fmt: skip

    # --- the current set --------------------------------------------------------------
    def current(self, tl: Timeline, today: date, plan_council) -> bool:
        """Tasks at every stage and every warning, dated from `today`."""
        p = self.p
        wd = lambda n: add_working_days(today, n)  # noqa: E731
        fresh = False
        title = "Ứng dụng công nghệ IoT giám sát vườn cây ăn quả tại huyện Mộc Châu (ví dụ)"
        if self._new(title):
            fresh = True
            self.propose(tl, title, wd(-1), org=HOST_BRANDS, field="Công nghệ thông tin")
        title = "Nghiên cứu ứng dụng chế phẩm sinh học xử lý phụ phẩm cà phê (ví dụ)"
        if self._new(title):
            fresh = True
            plan = self.propose(tl, title, wd(-8), field="Nông nghiệp")
            plan.at(wd(-3), "rà soát", lambda t: ts.task_screen(task=t, actor=p.officer))
        fresh |= self._running(tl, today)
        fresh |= self._calls(tl, today)
        fresh |= self._pipeline(tl, today, plan_council)
        fresh |= self._acceptance_now(tl, today)
        fresh |= self._ended(tl, today, plan_council)
        return fresh

    # --- proposal to the host's approval, dated from today ------------------------------
    def _pipeline(self, tl, today, plan_council) -> bool:
        p = self.p
        d = lambda n: today + timedelta(days=n)  # noqa: E731
        wd = lambda n: add_working_days(today, n)  # noqa: E731
        fresh = False
        # before its identification council (papers sent, meeting in 3 working days)
        z = "Nghiên cứu sản xuất phân bón hữu cơ vi sinh từ phụ phẩm mía (ví dụ)"
        if self._new(z):
            fresh = True
            plan = self.propose(tl, z, d(-30), field="Nông nghiệp")
            plan.at(d(-25), "rà soát", lambda t: ts.task_screen(task=t, actor=p.officer))
            council = "Hội đồng tư vấn xác định nhiệm vụ KH&CN đặt hàng năm 2027, phiên 2 (ví dụ)"
            self.identification(
                plan_council, tl, council, [z], created=wd(-7), meeting=wd(3),
                decision="140/QĐ-SKHCN (ví dụ)", until="papers_sent",
            )  # fmt: skip
            self.to_identification(plan, council, sent=wd(-6), recommended=None, method="")
        a_tasks = [
            ("Ứng dụng công nghệ sấy lạnh bảo quản quả mận hậu (ví dụ)", "budget"),
            ("Xây dựng mô hình chăn nuôi bò thịt chất lượng cao (ví dụ)", "finalising"),
            ("Nghiên cứu chọn lọc giống chè Shan tuyết đầu dòng (ví dụ)", "awaiting"),
            ("Ứng dụng mô hình trồng cây dược liệu Đương quy (ví dụ)", "host_approved"),
        ]
        b_tasks = [
            ("Nghiên cứu giải pháp phòng chống sạt lở đất tại vùng cao (ví dụ)", "recommended"),
            ("Xây dựng cơ sở dữ liệu nguồn gen cây trồng bản địa (ví dụ)", "approved"),
            ("Khảo sát hiện trạng sử dụng năng lượng tái tạo (ví dụ)", "not_ordered"),
            ("Ứng dụng công nghệ nuôi cấy mô cây hoa ly (ví dụ)", "revision"),
            ("Điều tra, đánh giá tiềm năng du lịch cộng đồng vùng lòng hồ (ví dụ)", "published"),
        ]
        a_new = [t for t, _w in a_tasks if self._new(t)]
        b_new = [t for t, _w in b_tasks if self._new(t)]
        groups = [(a_new[:3], d(-72), "A1"), (a_new[3:], d(-72), "A2")]
        groups += [(b_new[:3], d(-25), "B1"), (b_new[3:], d(-25), "B2")]
        failed = [t for t, w in b_tasks if w == "not_ordered"]
        for titles, meeting, group in groups:  # at most 3 tasks a council (2 reviewers each)
            if not titles:
                continue
            fresh = True
            council = (
                f"Hội đồng tư vấn xác định nhiệm vụ KH&CN đặt hàng năm 2027, nhóm {group} (ví dụ)"
            )
            for title in titles:
                plan = self.propose(tl, title, meeting - timedelta(days=40), org=HOST_BRANDS)
                plan.at(meeting - timedelta(days=35), "rà soát",
                        lambda t: ts.task_screen(task=t, actor=p.officer))  # fmt: skip
            self.identification(
                plan_council, tl, council, titles, created=meeting - timedelta(days=24),
                meeting=meeting, decision=f"13{group}/QĐ-SKHCN (ví dụ)", failed=failed,
            )  # fmt: skip
            for title in titles:
                plan = Plan(tl, title)
                self.to_identification(plan, council, sent=meeting - timedelta(days=23),
                                       recommended=None, method="")  # fmt: skip
        what = dict(a_tasks + b_tasks)
        for title in a_new:
            self._direct(tl, plan_council, title, what[title], start=d(-69))
        for title in b_new:
            self._direct(tl, plan_council, title, what[title], start=d(-23))
        return fresh

    def _direct(self, tl, plan_council, title, until, *, start):
        """After its identification council: recommended for direct assignment to the
        organisation that proposed it, then as far as `until`."""
        p = self.p
        plan = Plan(tl, title)
        if until == "not_ordered":
            plan.at(start + timedelta(days=2), "không đặt hàng", lambda t: ts.task_not_recommend(
                task=t, actor=p.officer, reason="Hội đồng kiến nghị không thực hiện."))  # fmt: skip
            return
        plan.at(start, "kiến nghị", lambda t: ts.task_recommend(
            task=t, actor=p.officer, method=Method.DIRECT))  # fmt: skip
        if until == "recommended":
            return
        self.ordered(
            plan,
            number="1890/QĐ-UBND (ví dụ)",
            signed_on=start + timedelta(days=2),
            published=None if until == "approved" else start + timedelta(days=4),
            title="Phê duyệt danh mục nhiệm vụ KH&CN đặt hàng năm 2027 (ví dụ)",
        )
        if until in ("approved", "published"):
            return
        plan.at(start + timedelta(days=5), "hồ sơ giao trực tiếp",
                self._apply(HOST_BRANDS, "Trần Thị Mai Anh", 900_000_000))  # fmt: skip
        if until == "revision":  # the council met two working days ago
            meeting = add_working_days(self.today, -2)
        else:
            meeting = start + timedelta(days=24)
        council = f"Hội đồng tư vấn giao trực tiếp nhiệm vụ “{title[:70]}”"
        plan_council(tl, {
            "title": council, "kind": "selection",
            "subjects": [{"applications_of": title}],
            "members": SELECTION_POOL, "roles": SEVEN_ROLES,
            "decision": f"{150 + len(self.known) % 50}/QĐ-SKHCN (ví dụ)",
            "created": add_working_days(meeting, -9), "dispatched": add_working_days(meeting, -8),
            "reviews": add_working_days(meeting, -2), "meeting": meeting,
            "closed": add_working_days(meeting, 2), "votes": [[POINTS] * 7],
            "conclusion": "Đề nghị giao trực tiếp cho tổ chức, cá nhân đã đăng ký.",
            "until": "closed",
        })  # fmt: skip
        plan.at(
            add_working_days(meeting, -9),
            "đưa ra Hội đồng",
            lambda t: tsel.task_send_to_selection(
                task=t, actor=p.officer, council=Council.objects.get(title=council)
            ),
        )
        plan.at(add_working_days(meeting, 1), "kết quả giao trực tiếp",
                lambda t: tsel.task_select(task=t, actor=p.officer))  # fmt: skip
        if until == "revision":
            return
        revised = add_working_days(meeting, 6)
        plan.at(revised, "thuyết minh hoàn thiện", lambda t: tsel.task_submit_revision(
            task=t, actor=p.host_of(t), proposal=_pdf("Thuyet minh hoan thien")))  # fmt: skip
        if until == "budget":
            return
        team = f"Tổ thẩm định kinh phí nhiệm vụ “{title[:70]}”"
        team_meets = add_working_days(revised, 5)
        plan_council(tl, {
            "title": team, "kind": "budget_appraisal", "subjects": [{"task": title}],
            "members": BUDGET_POOL,
            "roles": ["chair", "vice_chair", "reviewer", "member", "secretary"],
            "decision": f"{200 + len(self.known) % 50}/QĐ-SKHCN (ví dụ)",
            "created": add_working_days(team_meets, -4),
            "dispatched": add_working_days(team_meets, -3),
            "reviews": add_working_days(team_meets, -1), "meeting": team_meets,
            "closed": add_working_days(team_meets, 1), "votes": [],
            "conclusion": "Kiến nghị tổng kinh phí 850.000.000 đồng; khoán chi từng phần; "
            "thời gian thực hiện 24 tháng.",
            "until": "closed",
        })  # fmt: skip
        plan.at(add_working_days(team_meets, 1), "kết luận thẩm định kinh phí",
                lambda t: tsel.task_appraise_budget(task=t, actor=p.officer))  # fmt: skip
        if until == "finalising":
            return
        final = add_working_days(team_meets, 5)
        plan.at(final, "hồ sơ hoàn thiện", lambda t: tsel.task_finalise(
            task=t, actor=p.host_of(t), dossier=_pdf("Ho so hoan thien")))  # fmt: skip
        if until == "awaiting":
            return
        signed = add_working_days(final, 6)
        plan.at(signed, "phê duyệt tổ chức chủ trì", lambda t: tsel.task_approve_host(
            task=t, actor=p.head, number="2105/QĐ-UBND (ví dụ)", signed_on=signed,
            signer=UBND_SIGNER, host=t.host, pi=t.pi, state_budget=850_000_000,
            lump_sum="partial", duration_months=24, acceptance_prep_months=3))  # fmt: skip

    # --- at the acceptance council, and after its result ----------------------------------
    def _acceptance_now(self, tl, today) -> bool:
        """The three tasks before the acceptance councils of the councils' demo."""
        from .demo import _current

        fresh = False
        q2 = "Nhiệm vụ KH&CN cấp tỉnh kết thúc năm 2024 (ví dụ)"
        names = ["mô hình trồng cà phê chè bền vững", "chế biến sâu quả mận Mộc Châu",
                 "nhân giống lan bản địa"]  # fmt: skip
        specs = {
            s["subjects"][0].get("task"): s for s in _current(today) if s["kind"] == "acceptance"
        }
        for i, name in enumerate(names):
            title = f"{q2}: {name}"
            spec = specs.get(title)
            if spec is None or not self._new(title):
                continue
            fresh = True
            created = spec["created"]
            valid = add_working_days(created, -4)
            filed = add_working_days(valid, -2)
            ends = filed - timedelta(days=20)
            plan = self.take_over(
                tl, title, effective=add_months(ends, -24) + timedelta(days=1), ends=ends,
                budget=750_000_000, pi=list(self.p.pis)[4 + i % 3], org=ORGS[3 + i],
                on=add_months(ends, -24) + timedelta(days=1),
            )  # fmt: skip
            self.dossier(plan, filed, valid=valid)
            self.acceptance_steps(plan, spec["title"], sent=created, closed=today, until="council")
        return fresh

    def _ended(self, tl, today, plan_council) -> bool:
        """Corrections, recognised, Không đạt with its refund, terminated."""
        p = self.p
        d = lambda n: today + timedelta(days=n)  # noqa: E731
        fresh = False
        rows = [
            ("Ứng dụng công nghệ tưới nhỏ giọt cho cây ăn quả (ví dụ)", d(-40), "dat", None),
            ("Xây dựng mô hình trồng nấm dược liệu (ví dụ)", d(-97), "xuat_sac", None),
            ("Nghiên cứu nhân giống cá bống bản địa (ví dụ)", d(-80), "khong_dat", 120_000_000),
        ]
        for i, (title, valid, votes, refund) in enumerate(rows):
            if not self._new(title):
                continue
            fresh = True
            filed = add_working_days(valid, -2)
            ends = filed - timedelta(days=25)
            start = add_months(ends, -24) + timedelta(days=1)
            plan = self.take_over(
                tl, title, effective=start, ends=ends, budget=650_000_000,
                pi=list(self.p.pis)[3 + i], org=ORGS[2 + i], on=start,
            )  # fmt: skip
            self.dossier(plan, filed, valid=valid)
            self.accepted(plan, plan_council, title, valid, votes=votes, refund=refund)
            if refund:
                paid = add_working_days(valid, 40)
                plan.at(paid, "nộp trả kinh phí (đợt 1)", self._refund(paid))
        title = "Nghiên cứu ứng dụng công nghệ in 3D trong y tế cơ sở (ví dụ)"
        if self._new(title):
            fresh = True
            start = d(-150)
            plan = self.take_over(
                tl, title, effective=start, ends=add_months(start, 30), budget=900_000_000,
                pi="Cầm Văn Thắng", org=ORGS[2], on=start,
            )  # fmt: skip
            plan.at(d(-20), "chấm dứt hợp đồng", lambda t: tp.task_terminate(
                task=t, actor=p.head, decision_number="318/QĐ-SKHCN (ví dụ)",
                signed_on=d(-20), signer="Giám đốc Sở Khoa học và Công nghệ",
                reason="Tổ chức chủ trì không còn đủ điều kiện thực hiện nhiệm vụ.",
                refund_amount=210_000_000))  # fmt: skip
        return fresh

    def _refund(self, paid: date):
        return lambda t: ta.task_record_refund(
            task=t, actor=self.p.officer, amount=50_000_000, paid_on=paid,
            reference="Giấy nộp tiền số 125 (ví dụ)",
        )  # fmt: skip

    # the ordered tasks of 2024 in their calls (Sâm, the IP list)
    def _calls(self, tl, today) -> bool:
        p = self.p
        wd = lambda n: add_working_days(today, n)  # noqa: E731
        if Task.objects.filter(title=SAM, stage="published").exists() or SAM in self._fresh:
            plan = Plan(tl, SAM)
            opens = today - timedelta(days=48)
            plan.at(opens, "thông báo tuyển chọn", lambda t: tsel.task_open_call(
                task=t, actor=p.officer, notice_number="215/TB-SKHCN (ví dụ)"))  # fmt: skip
            for day, org, pi, budget in (
                (opens + timedelta(days=9), "Viện Dược liệu", "Nguyễn Thị Thu Hà", 1_450_000_000),
                (opens + timedelta(days=20), TAY_BAC, "Lò Thị Hồng", 1_380_000_000),
            ):
                plan.at(day, f"hồ sơ đăng ký của {org}", self._apply(org, pi, budget))
            plan.at(wd(-9), "mở hồ sơ", self._open_applications(valid=True))
            sam_council = "Hội đồng tư vấn tuyển chọn tổ chức chủ trì đề tài “Sâm Việt Nam”"
            plan.at(
                wd(-5),
                "đưa ra Hội đồng tuyển chọn",
                lambda t: tsel.task_send_to_selection(
                    task=t, actor=p.officer, council=Council.objects.get(title=sam_council)
                ),
            )
        stages = [(IP_LIST[0], "open"), (IP_LIST[1], "failed"), (IP_LIST[2], "opened")]
        for title, what in stages:
            if not (
                Task.objects.filter(title=title, stage="published").exists() or title in self._fresh
            ):
                continue
            plan = Plan(tl, title)
            opens = wd(-8) if what == "open" else today - timedelta(days=50)
            plan.at(opens, "thông báo tuyển chọn", lambda t: tsel.task_open_call(
                task=t, actor=p.officer, notice_number="216/TB-SKHCN (ví dụ)"))  # fmt: skip
            if what == "opened":
                plan.at(opens + timedelta(days=12), "hồ sơ đăng ký",
                        self._apply(HOST_BRANDS, PI_GAO, 700_000_000))  # fmt: skip
            if what != "open":
                plan.at(wd(-10), "mở hồ sơ", self._open_applications(valid=what == "opened"))
        return False

    def _apply(self, org, pi, budget):
        p = self.p

        def act(t):
            user = p.orgs[org].users.order_by("pk").first()
            return tsel.task_apply(
                actor=user, task=t, host=p.orgs[org], pi=p.pis[pi], state_budget=budget,
                proposal=_pdf("Thuyet minh nhiem vu"),
            )  # fmt: skip

        return act

    def _open_applications(self, *, valid: bool):
        p = self.p

        def act(t):
            from .models import Application

            verdicts = [
                {"application": a, "valid": valid, "reason": "" if valid else "Thiếu thuyết minh"}
                for a in Application.objects.filter(task=t)
            ]
            return tsel.task_open_applications(
                task=t, actor=p.officer, verdicts=verdicts,
                attendees=[{"name": "Đỗ Thị Hạnh", "position": "Trưởng phòng QLKH&CN"},
                           {"name": "Hoàng Văn Nam", "position": "Chuyên viên"}],
            )  # fmt: skip

        return act

    def _running(self, tl, today) -> bool:
        """Tasks under contract whose dates warn today."""
        fresh = False
        rows = [
            # title, months since effect, days until the end (negative: ended), dossier
            ("Xây dựng mô hình nuôi cá tầm trong lồng tại lòng hồ Sơn La (ví dụ)", 23, 25, None),
            ("Ứng dụng công nghệ sinh học nhân giống hoa lan Hồ điệp (ví dụ)", 17, 35, None),
            ("Phát triển vùng nguyên liệu dược liệu dưới tán rừng (ví dụ)", 24, -35, None),
            ("Xây dựng mô hình sản xuất rau an toàn theo VietGAP (ví dụ)", 30, -155, None),
            ("Nghiên cứu bảo tồn nguồn gen lợn bản Sơn La (ví dụ)", 25, -12, "filed"),
            ("Chọn tạo giống lúa nếp chịu hạn cho vùng cao (ví dụ)", 26, -20, "supplement"),
            ("Ứng dụng mô hình nông nghiệp tuần hoàn tại Mai Sơn (ví dụ)", 24, -30, "valid"),
        ]
        for i, (title, months, until_end, dossier) in enumerate(rows):
            if not self._new(title):
                continue
            fresh = True
            ends = today + timedelta(days=until_end)
            effective = add_months(ends + timedelta(days=1), -months)
            plan = self.take_over(
                tl, title, effective=effective, ends=ends, budget=800_000_000,
                pi=PI_GAO if i == 0 else list(self.p.pis)[2 + i % 5],
                org=HOST_BRANDS if i == 0 else ORGS[2 + i % 4],
                on=min(effective, today), year=effective.year,
            )  # fmt: skip
            if dossier == "filed":
                self.dossier(plan, add_working_days(today, -1))
            elif dossier == "supplement":
                self.dossier(
                    plan, add_working_days(today, -6),
                    missing=["Báo cáo tổng hợp kết quả (bản có chữ ký)", "Sổ nhật ký đề tài"],
                )  # fmt: skip
            elif dossier == "valid":
                self.dossier(plan, add_working_days(today, -9), valid=add_working_days(today, -7))
        return fresh


def seed_tasks_and_councils(stdout=None) -> dict:
    """The councils' demo with the S&T tasks on the same timelines (idempotent)."""
    from .demo import seed_councils

    if not get_user_model().objects.filter(username="giamdoc").exists():
        return {}
    from django.utils import timezone

    with transaction.atomic():
        plan = TaskDemo(timezone.localdate())
    result = seed_councils(stdout, plans=[plan])
    if stdout is not None:
        stdout.write(
            f"Nhiệm vụ KH&CN mẫu: {Task.objects.count()} nhiệm vụ (quý I/2024 và hiện tại); "
            "chuyên viên cvqlkh, lãnh đạo phòng tpqlkh, tổ chức chủ trì tochuc, chủ nhiệm "
            "chunhiem."
        )
    return result
