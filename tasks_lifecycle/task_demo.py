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

from workflows.calendar import add_working_days
from workflows.demo import Timeline, demo_user
from workflows.roles import Role

from . import task_services as ts
from .demo import HOST_BRANDS, IDENTIFICATION_DAT, PI_GAO
from .models import HostOrganisation, Investigator, Method, Programme, Task
from .task_import import task_take_over
from .task_rules import add_months

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
]
SYSTEM_START = date(2024, 1, 2)  # the day the division takes over the running tasks
UBND_SIGNER = "Phó Chủ tịch UBND tỉnh (ví dụ)"
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
        self.officer = demo_user("cvqlkh", Role.SPECIALIST, "Lường Văn", "Quân", "qlkh")
        self.head = demo_user("tpqlkh", Role.HEAD_OF_DIVISION, "Hoàng Thị", "Ngân", "qlkh")
        self.director = User.objects.get(username="giamdoc")
        self.orgs = {name: HostOrganisation.objects.get_or_create(name=name)[0] for name in ORGS}
        self.host = demo_user("tochuc", Role.APPLICANT, "Trung tâm Ứng dụng", "KH&CN", None)
        self.orgs[HOST_BRANDS].users.add(self.host)
        self.tay_bac = demo_user("dhtaybac", Role.APPLICANT, "Trường Đại học", "Tây Bắc", None)
        self.orgs[TAY_BAC].users.add(self.tay_bac)
        self.pis = {}
        for name, title, org, username in PIS:
            user = None
            if username:
                last, first = name.rsplit(" ", 1)
                user = demo_user(username, Role.APPLICANT, last, first, None)
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


def _task(title: str) -> Task:
    return Task.objects.get(title=title)


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

    def __init__(self) -> None:
        self.p = People()
        self.known = set(Task.objects.values_list("title", flat=True))

    def _new(self, title: str) -> bool:
        if title in self.known:
            return False
        self.known.add(title)
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

        return Plan(tl, title).start(on, "tiếp nhận nhiệm vụ chuyển tiếp", act)

    def identification(self, plan_council, tl, title, tasks, *, created, meeting, decision):
        """An identification council on `tasks` (all "Đạt" unless listed as failed)."""
        plan_council(
            tl,
            {
                "title": title,
                "kind": "identification",
                "subjects": [{"task": t} for t in tasks],
                # two reviewers for each task (Art 10–12 TT 06/2023)
                "members": ["hoa", "tuan", "dung", "hung", "thu", "lan", "minh", "khanh", "nga"][
                    : 5 + 2 * len(tasks)
                ],
                "roles": ["chair", "vice_chair", "secretary"]
                + ["reviewer"] * (2 * len(tasks))
                + ["member"] * 2,
                "decision": decision,
                "created": created,
                "dispatched": add_working_days(created, 2),
                "reviews": add_working_days(meeting, -2),
                "meeting": meeting,
                "closed": add_working_days(meeting, 2),
                "votes": [[IDENTIFICATION_DAT] * (5 + 2 * len(tasks)) for _t in tasks],
                "conclusion": "Đề nghị đưa các nhiệm vụ vào danh mục đặt hàng.",
                "until": "closed",
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
            self.accepted(plan, plan_council, title, valid)

    def accepted(self, plan: Plan, plan_council, title: str, valid: date) -> None:
        """The acceptance council and what follows it (filled in with the acceptance
        services)."""

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
                effective = date(2023, 1 + i % 12, 1)
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
        return fresh

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
                pi=PI_GAO if i == 0 else list(self.p.pis)[(i + 3) % len(self.p.pis)],
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
    with transaction.atomic():
        plan = TaskDemo()
    result = seed_councils(stdout, plans=[plan])
    if stdout is not None:
        stdout.write(
            f"Nhiệm vụ KH&CN mẫu: {Task.objects.count()} nhiệm vụ (quý I/2024 và hiện tại); "
            "chuyên viên cvqlkh, lãnh đạo phòng tpqlkh, tổ chức chủ trì tochuc, chủ nhiệm "
            "chunhiem."
        )
    return result
