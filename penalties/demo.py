"""Demo data of the penalty procedure: the department's Q1/2024 history, and a current
set of cases dated from today.

The history (seed/bao-cao-khcn-quy-I-2024.txt, section 4): inspection conclusion
02/KL-TTra of 22/12/2023 on clinics and gold shops in Sơn La city; the 08 gold
businesses penalised after it — 07 paid 74,000,000 đ in all (the amount of each is
invented, marked as an example, and they sum to the report's figure), 01 has not paid
11,000,000 đ: received 29/12/2023, due 08/01/2024, a reminder letter, an instalment
request refused (below the threshold), the surcharge running (368,500 đ on
15/03/2024); the 03 penalty-proposal dossiers on gold jewellery shops received in
Q1/2024; the surprise checks of 08/QĐ-SKHCN (15/01/2024, amended by 45/QĐ-SKHCN of
05/03/2024) in Sông Mã, Sốp Cộp, Bắc Yên and Phù Yên; the Q2/2024 inspection of LPG
traders, planned. Everything is replayed through the services on the real dates. After
the quarter (`_carry_over`) the unpaid case goes to enforcement (account deduction,
October 2024) and is collected, and the three proposals are decided and paid, so
nothing of 2024 is still open, years late, today.

The current set: one case in each stage and warning, on dates counted back from the
day it is first loaded (recorded, explanation, awaiting signature above the Chief
Inspector's competence, delivery due, awaiting payment, overdue with a reminder letter,
deemed delivered on refusal, instalments, postponement, enforcement, the time-bar
warning, time-barred, paid after a partial payment with surcharge).

Idempotent: the history is loaded once (found by its conclusion), the current set once
(found by its record numbers). Names of businesses are illustrative.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from workflows.demo import DEMO_PASSWORD, Timeline, demo_user
from workflows.roles import Role

from . import services
from .catalogue import catalogue_install
from .models import DeliveryAttempt, Inspection, PenaltyCase, Status

V = services.Violator
GOLD = "Kinh doanh vàng trang sức sử dụng phương tiện đo nhóm 2 (cân) chưa được kiểm định"
ARTICLE = "Nghị định số 119/2017/NĐ-CP (sửa đổi bởi Nghị định số 126/2021/NĐ-CP)"

# the 07 businesses that paid (amounts are examples summing to 74,000,000 đ) and the one
# that did not (11,000,000 đ, the report's figure)
PAID = [
    ("Cửa hàng vàng bạc Kim Thành", 15_000_000, date(2024, 1, 3)),
    ("Cửa hàng vàng bạc Ngọc Bích", 12_000_000, date(2024, 1, 4)),
    ("Doanh nghiệp tư nhân vàng bạc Phú Quý Sơn La", 11_000_000, date(2024, 1, 5)),
    ("Cửa hàng vàng bạc Bảo Tín Tô Hiệu", 10_000_000, date(2024, 1, 5)),
    ("Cửa hàng vàng bạc Hoàng Long", 9_000_000, date(2024, 1, 8)),
    ("Cửa hàng vàng bạc Thành Đạt", 9_000_000, date(2024, 1, 8)),
    ("Cửa hàng vàng bạc Minh Châu", 8_000_000, date(2024, 1, 8)),
]
UNPAID = ("Cửa hàng vàng bạc Quang Hưng", 11_000_000)
PROPOSALS = [
    ("Cửa hàng vàng trang sức Kim Ngân", date(2024, 2, 26), 6_000_000),
    ("Cửa hàng vàng mỹ nghệ Hồng Phúc", date(2024, 3, 12), 7_500_000),
    ("Cửa hàng vàng trang sức Thịnh Vượng", date(2024, 3, 25), 5_000_000),
]


def _staff() -> dict:
    User = get_user_model()
    return {
        "inspector": User.objects.filter(username="thanhtra").first(),
        # the Chief Inspector: head of the inspectorate (Chánh Thanh tra Sở)
        "chief": demo_user(
            "chanhthanhtra",
            Role.HEAD_OF_DIVISION,
            last="Lò Văn",
            first="Hùng",
            division="thanh-tra",
        ),
        "director": User.objects.filter(username="giamdoc").first(),
        "accountant": User.objects.filter(username="ketoan").first(),
    }


def _fresh(pk: int) -> PenaltyCase:
    return PenaltyCase.objects.get(pk=pk)


class _Case:
    """A demo case built step by step on a timeline (its pk known after the first)."""

    def __init__(
        self,
        s,
        timeline: Timeline,
        name: str,
        number: str,
        record_on: date,
        *,
        organisation=True,
        example=True,
        inspection=None,
    ):
        self.s, self.t, self.pk, self.name = s, timeline, None, name
        self.t.at(
            record_on,
            f"{name}: biên bản",
            lambda: self._open(number, record_on, organisation, example, inspection),
        )

    @classmethod
    def of(cls, s, timeline: Timeline, case: PenaltyCase) -> _Case:
        """A case already in the database, continued on `timeline`."""
        c = cls.__new__(cls)
        c.s, c.t, c.pk, c.name = s, timeline, case.pk, case.violator_name
        return c

    def _open(self, number, record_on, organisation, example, inspection):
        case = services.case_open(
            actor=self.s["inspector"],
            violator=V(self.name, organisation, "Thành phố Sơn La"),
            record_number=number,
            record_on=record_on,
            violation=GOLD,
            legal_article=ARTICLE,
            inspection=inspection,
            is_example=example,
        )
        self.pk = case.pk

    def at(self, day: date, label: str, fn) -> _Case:
        self.t.at(day, f"{self.name}: {label}", lambda: fn(_fresh(self.pk)))
        return self

    def decide(self, day, amount, signer="chief"):
        self.at(
            day,
            "trình ký",
            lambda c: services.decision_propose(case=c, actor=self.s["inspector"], amount=amount),
        )
        return self.at(
            day, "ký quyết định", lambda c: services.decision_sign(case=c, actor=self.s[signer])
        )

    def deliver(self, day, outcome=DeliveryAttempt.Outcome.RECEIVED):
        return self.at(
            day,
            "giao quyết định",
            lambda c: services.delivery_record(
                case=c, actor=self.s["inspector"], on=day, outcome=outcome
            ),
        )

    def pay(self, day, amount, number):
        return self.at(
            day,
            "nộp tiền",
            lambda c: services.payment_record(
                case=c, actor=self.s["accountant"], number=number, value_date=day, amount=amount
            ),
        )

    def pay_all(self, day, number):
        from .selectors import case_money, cases_with_money

        def run(c):
            due = case_money(cases_with_money().get(pk=c.pk), on=day).total_due
            return services.payment_record(
                case=c, actor=self.s["accountant"], number=number, value_date=day, amount=due
            )

        return self.at(day, "nộp đủ", run)


def _daily(timeline: Timeline, *days: date) -> None:
    for day in days:
        timeline.at(day, "công việc hằng ngày", lambda day=day: services.penalties_daily(today=day))


def _history(s) -> Timeline:
    t = Timeline()
    conclusion = Inspection.objects.create(
        kind=Inspection.Kind.CONCLUSION,
        number="02/KL-TTra",
        issued_on=date(2023, 12, 22),
        title="Kết luận thanh tra việc chấp hành pháp luật về an toàn bức xạ, đo lường đối với "
        "cơ sở khám, chữa bệnh và kinh doanh vàng có sử dụng thiết bị bức xạ và phương "
        "tiện đo nhóm 2 trên địa bàn thành phố Sơn La",
        subjects="Cơ sở khám, chữa bệnh; 08 cơ sở kinh doanh vàng, thành phố Sơn La",
    )
    Inspection.objects.create(
        kind=Inspection.Kind.SURPRISE,
        number="08/QĐ-SKHCN",
        issued_on=date(2024, 1, 15),
        amended_by="45/QĐ-SKHCN ngày 05/03/2024",
        title="Kiểm tra đột xuất việc chấp hành pháp luật về tiêu chuẩn, đo lường, chất lượng "
        "trong kinh doanh vàng, trang sức, mỹ nghệ",
        subjects="Các huyện Sông Mã, Sốp Cộp, Bắc Yên, Phù Yên",
    )
    Inspection.objects.create(
        kind=Inspection.Kind.PLAN,
        planned_for="Quý II/2024",
        title="Thanh tra về tiêu chuẩn, đo lường, chất lượng đối với hàng hóa nhóm 2 của các cơ "
        "sở sản xuất, kinh doanh khí dầu mỏ hóa lỏng (LPG)",
        subjects="Cơ sở sản xuất, kinh doanh LPG trên địa bàn tỉnh",
    )
    record_on, decided_on, received = date(2023, 12, 22), date(2023, 12, 26), date(2023, 12, 29)
    for n, (name, amount, paid_on) in enumerate(PAID, start=1):
        c = _Case(s, t, name, f"{n:02d}/BB-VPHC", record_on, inspection=conclusion)
        c.decide(decided_on, amount).deliver(received).pay(paid_on, amount, f"KB-2024-{n:04d}")
    name, amount = UNPAID
    c = _Case(s, t, name, "08/BB-VPHC", record_on, inspection=conclusion)
    c.decide(decided_on, amount).deliver(received)
    _daily(t, date(2024, 1, 9))
    c.at(
        date(2024, 1, 9),
        "văn bản đôn đốc",
        lambda x: services.reminder_send(case=x, actor=s["inspector"]),
    )
    c.at(
        date(2024, 1, 22),
        "từ chối nộp nhiều lần",
        lambda x: services.instalments_decide(
            case=x, actor=s["chief"], approve=False, requested_on=date(2024, 1, 19)
        ),
    )
    for name, day, _amount in PROPOSALS:
        proposal = Inspection.objects.create(
            kind=Inspection.Kind.PROPOSAL,
            issued_on=day,
            title=f"Hồ sơ đề nghị xử phạt vi phạm hành chính: {name}",
            subjects="Cơ sở kinh doanh vàng trang sức, mỹ nghệ",
        )
        _Case(s, t, name, f"{day:%d%m}/BB-VPHC", day, inspection=proposal)
    return t


def _carry_over(s) -> Timeline:
    """After the quarter: the arrear goes to enforcement and is collected; the three
    proposals are decided and paid."""
    t = Timeline()
    unpaid = PenaltyCase.objects.filter(record_number="08/BB-VPHC").first()
    if unpaid is not None and unpaid.status == Status.OVERDUE:
        c = _Case.of(s, t, unpaid)
        c.at(
            date(2024, 10, 15),
            "quyết định cưỡng chế",
            lambda x: services.enforcement_decide(case=x, actor=s["chief"], measure="account"),
        )
        c.pay_all(date(2024, 11, 5), "KB-2024-CC01")
    for n, (name, _day, amount) in enumerate(PROPOSALS, start=1):
        case = PenaltyCase.objects.filter(violator_name=name, status=Status.RECORDED).first()
        if case is None:
            continue
        c = _Case.of(s, t, case)
        c.decide(date(2024, 4, 2), amount).deliver(date(2024, 4, 5))
        c.pay(date(2024, 4, 12), amount, f"KB-2024-DN{n:02d}")
    return t


def _current(s, today: date) -> Timeline:
    t = Timeline()
    T = lambda n: today - timedelta(days=n)  # noqa: E731
    N = "HT-{}/BB-VPHC".format

    _Case(s, t, "Cơ sở kinh doanh vàng Thanh Hà (Mai Sơn)", N(1), T(2))
    c = _Case(s, t, "Cửa hàng vàng Phúc Lộc (Mộc Châu)", N(2), T(3), organisation=False)
    c.at(
        T(3),
        "yêu cầu giải trình",
        lambda x: services.explanation_request(
            case=x, actor=s["inspector"], note="Người vi phạm đề nghị giải trình bằng văn bản"
        ),
    )
    c = _Case(s, t, "Công ty TNHH Vàng bạc đá quý Tây Bắc", N(3), T(6))
    c.at(
        T(4),
        "trình ký",
        lambda x: services.decision_propose(case=x, actor=s["inspector"], amount=60_000_000),
    )
    _Case(s, t, "Cửa hàng vàng Hưng Thịnh (Yên Châu)", N(4), T(4)).decide(T(1), 7_000_000)
    _Case(s, t, "Cửa hàng vàng Kim Long (Thuận Châu)", N(5), T(10)).decide(T(7), 8_000_000).deliver(
        T(5)
    )
    c = _Case(s, t, "Cửa hàng vàng Đức Tài (Quỳnh Nhai)", N(6), T(50)).decide(T(45), 9_000_000)
    c.deliver(T(40))
    _daily(t, T(25))
    c.at(T(25), "văn bản đôn đốc", lambda x: services.reminder_send(case=x, actor=s["inspector"]))
    c = _Case(s, t, "Cửa hàng vàng Ngọc Ánh (Sông Mã)", N(7), T(20)).decide(T(18), 6_000_000)
    c.deliver(T(16), DeliveryAttempt.Outcome.REFUSED)
    c = _Case(s, t, "Hộ kinh doanh vàng Lò Văn Sơn (Sốp Cộp)", N(8), T(40), organisation=False)
    c.decide(T(38), 20_000_000).deliver(T(35))
    c.at(
        T(30),
        "nộp nhiều lần",
        lambda x: services.instalments_decide(
            case=x,
            actor=s["chief"],
            approve=True,
            requested_on=T(31),
            hardship_certified=True,
            schedule=[
                (T(10), 8_000_000),
                (today + timedelta(days=30), 6_000_000),
                (today + timedelta(days=60), 6_000_000),
            ],
        ),
    )
    c.pay(T(10), 8_000_000, f"KB-HT-{today:%y%m%d}-08")
    c = _Case(s, t, "Hộ kinh doanh vàng Cầm Thị Hoa (Bắc Yên)", N(9), T(30), organisation=False)
    c.decide(T(28), 5_000_000).deliver(T(25))
    c.at(
        T(20),
        "hoãn thi hành",
        lambda x: services.postponement_decide(
            case=x,
            actor=s["chief"],
            approve=True,
            requested_on=T(21),
            hardship_certified=True,
            until=today + timedelta(days=40),
        ),
    )
    c = _Case(s, t, "Cửa hàng vàng Tiến Phát (Phù Yên)", N(10), T(305)).decide(T(300), 12_000_000)
    c.deliver(T(297))
    _daily(t, T(280))
    c.at(
        T(250),
        "quyết định cưỡng chế",
        lambda x: services.enforcement_decide(case=x, actor=s["chief"], measure="salary"),
    )
    c = _Case(s, t, "Cửa hàng vàng Minh Khai (Vân Hồ)", N(11), T(335)).decide(T(330), 10_000_000)
    c.deliver(T(327))
    _daily(t, T(310))
    c.at(T(310), "văn bản đôn đốc", lambda x: services.reminder_send(case=x, actor=s["inspector"]))
    c.at(
        T(285),
        "chuẩn bị cưỡng chế",
        lambda x: services.enforcement_prepare(
            case=x, actor=s["inspector"], note="Đã xác minh tài khoản tại ngân hàng thương mại"
        ),
    )
    c = _Case(s, t, "Cửa hàng vàng Thái Bình (Mường La)", N(12), T(400)).decide(T(395), 4_000_000)
    c.deliver(T(392))
    _daily(t, T(375), T(29))
    c = _Case(s, t, "Công ty CP Vàng bạc Sơn La", N(13), T(70)).decide(
        T(65), 30_000_000, signer="director"
    )
    c.deliver(T(62)).pay(T(48), 10_000_000, f"KB-HT-{today:%y%m%d}-13a")
    _daily(t, T(45))
    c.pay_all(T(20), f"KB-HT-{today:%y%m%d}-13b")
    _daily(t, today)
    return t


def seed_penalties(stdout=None) -> dict:
    """The demo of the penalty procedure (idempotent)."""
    catalogue_install()
    s = _staff()
    if not all(s.values()):
        return {}
    today = timezone.localdate()
    skipped: list[str] = []
    if not Inspection.objects.filter(number="02/KL-TTra").exists():
        history = _history(s)
        history.run(today=today)
        skipped += history.skipped
    carry = _carry_over(s)
    carry.run(today=today)
    skipped += carry.skipped
    if not PenaltyCase.objects.filter(record_number__startswith="HT-").exists():
        current = _current(s, today)
        current.run(window=(today - timedelta(days=14), today), today=today)
        skipped += current.skipped
    if stdout is not None:
        stdout.write(
            f"Xử phạt vi phạm hành chính mẫu: {PenaltyCase.objects.count()} hồ sơ "
            f"(quý I/2024 và hồ sơ hiện tại, tính đến ngày {today:%d/%m/%Y}); Chánh "
            f"Thanh tra: chanhthanhtra / {DEMO_PASSWORD}."
        )
        for line in skipped:
            stdout.write(f"  bỏ qua: {line}")
    return {"skipped": skipped}
