"""Demo data of the assignments from the People's Committee.

The history: the 246 assignments the department handled in Q1/2024 (seed report, section
II.1: "tham mưu thực hiện 246 nhiệm vụ UBND tỉnh, chủ tịch UBND tỉnh giao, các nhiệm vụ
cơ bản hoàn thành trước và đúng tiến độ"), among them those the report names — Công văn
84/UBND-KGVX (08/01/2024), Quyết định 250/QĐ-UBND and 252/QĐ-UBND (06/02/2024), Tờ trình
331/TTr-SKHCN (26/02/2024), Công văn 341/SKHCN-QLKH&CN (27/02/2024), Kế hoạch 62/KH-UBND
(01/03/2024), Báo cáo 259/KHCN-KNĐMST (12/03/2024) and the report on Kế hoạch 238/KH-UBND
(09/12/2019) — with the rest generated (their numbers and contents are illustrative):
20 carried over from December 2023, 214 received in the quarter; 171 completed early, 58
on time, 5 late, 12 still in progress at the end of March and completed in April–May
2024. Around them, 10 completed in December 2023 and 5 received in April 2024, which the
quarter does not count. The history goes in through the book import (one CSV file, as the
office would), dated 03/06/2024.

The current set, through the services on dates counted back from the day it is first
loaded: waiting for an officer, in progress, due soon, due today, overdue, extended with
the Committee's agreement, completed early, on time and late, withdrawn by the Committee,
with progress notes from the lead and supporting divisions and the reminders the beat
would have sent over the last two weeks.

Idempotent: the history is found by its file name, the current set by its source numbers.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from workflows.calendar import (
    add_working_days,
    is_working_day,
    next_working_day_on_or_after,
    previous_working_day_on_or_before,
)
from workflows.demo import DEMO_PASSWORD, Timeline, demo_on, demo_user
from workflows.models import Division
from workflows.roles import Role

from . import imports, services
from .catalogue import catalogue_install
from .models import Assignment, ImportBatch, OutgoingKind, Source, SourceKind

HISTORY_FILE = "so-theo-doi-nhiem-vu-ubnd-giao-2023-2024.csv"
CURRENT_SUFFIX = "/UBND-KT"  # the current set's source numbers (illustrative)

# username, role, last name, first name, division
STAFF = [
    ("vanthu", Role.SPECIALIST, "Lường Thị", "Hoa", "van-phong"),
    ("chanhvanphong", Role.HEAD_OF_DIVISION, "Hà Văn", "Quyết", "van-phong"),
    ("cvqlkh", Role.SPECIALIST, "Hoàng Văn", "Nam", "qlkh"),
    ("tpqlkh", Role.HEAD_OF_DIVISION, "Đỗ Thị", "Hạnh", "qlkh"),
    ("chanhthanhtra", Role.HEAD_OF_DIVISION, "Lò Văn", "Hùng", "thanh-tra"),
    ("cvtdc", Role.SPECIALIST, "Tòng Văn", "Sơn", "trung-tam-tdc"),
]

# (lead division, officer) and how often the generated lines go to it
LEADS = [
    ("qlkh", "cvqlkh", 40),
    ("cn-qlkhcs", "chuyenvien", 25),
    ("van-phong", "vanthu", 20),
    ("thanh-tra", "thanhtra", 8),
    ("trung-tam-tdc", "cvtdc", 7),
]
SUPPORT = {
    "qlkh": ["cn-qlkhcs"],
    "cn-qlkhcs": ["qlkh"],
    "van-phong": ["qlkh", "cn-qlkhcs"],
    "thanh-tra": ["trung-tam-tdc"],
    "trung-tam-tdc": ["thanh-tra"],
}
TOPICS = [
    "Tham gia ý kiến dự thảo {x}",
    "Báo cáo tình hình thực hiện {x}",
    "Rà soát, đề xuất nội dung {x}",
    "Tham mưu xây dựng kế hoạch triển khai {x}",
    "Phối hợp kiểm tra, đánh giá {x}",
    "Cung cấp thông tin, số liệu phục vụ {x}",
]
SUBJECTS = [
    "Nghị quyết về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
    "Chương trình phát triển tài sản trí tuệ tỉnh Sơn La giai đoạn 2021–2025",
    "Đề án phát triển thị trường khoa học và công nghệ",
    "Kế hoạch cải cách hành chính năm 2024 của tỉnh",
    "Kế hoạch chuyển đổi số năm 2024",
    "dự án đầu tư có yếu tố công nghệ trên địa bàn tỉnh",
    "Chương trình mỗi xã một sản phẩm (OCOP) năm 2024",
    "công tác an toàn bức xạ trong y tế trên địa bàn tỉnh",
    "công tác đo lường, chất lượng hàng hóa dịp Tết Nguyên đán Giáp Thìn",
    "Hệ sinh thái khởi nghiệp đổi mới sáng tạo tỉnh Sơn La",
    "Kế hoạch phòng, chống thiên tai và ứng phó biến đổi khí hậu",
    "báo cáo kinh tế – xã hội quý I/2024",
    "Chỉ số đổi mới sáng tạo cấp tỉnh (PII) năm 2023",
    "thu hút đầu tư vào nông nghiệp công nghệ cao",
    "chất vấn của Hội đồng nhân dân tỉnh về khoa học và công nghệ",
    "kiến nghị của cử tri gửi tới kỳ họp Hội đồng nhân dân tỉnh",
]

# the assignments the report names: (source, kind, number, date, received, due, content,
# lead, outgoing kind, outgoing number, outgoing date)
NAMED = [
    (
        Source.PROVINCE,
        SourceKind.OFFICIAL_LETTER,
        "6395/UBND-KGVX",
        date(2023, 12, 28),
        date(2023, 12, 29),
        date(2024, 1, 10),
        "Tham mưu UBND tỉnh góp ý dự thảo khung Chương trình khoa học và công nghệ cấp Quốc gia",
        "qlkh",
        OutgoingKind.OFFICIAL_LETTER,
        "84/UBND-KGVX",
        date(2024, 1, 8),
    ),
    (
        Source.PROVINCE,
        SourceKind.OFFICIAL_LETTER,
        "4820/UBND-KGVX",
        date(2023, 10, 20),
        date(2023, 10, 23),
        date(2024, 2, 15),
        "Tham mưu phê duyệt danh mục nhiệm vụ khoa học và công nghệ cấp tỉnh đặt hàng năm 2024",
        "qlkh",
        OutgoingKind.DECISION,
        "250/QĐ-UBND",
        date(2024, 2, 6),
    ),
    (
        Source.PROVINCE,
        SourceKind.OFFICIAL_LETTER,
        "4821/UBND-KGVX",
        date(2023, 10, 20),
        date(2023, 10, 23),
        date(2024, 2, 15),
        "Tham mưu phê duyệt danh mục nhiệm vụ khoa học và công nghệ đặt hàng thực hiện từ năm "
        "2024 thuộc Chương trình phát triển tài sản trí tuệ trên địa bàn tỉnh Sơn La giai đoạn "
        "2021–2025 và đến năm 2030",
        "cn-qlkhcs",
        OutgoingKind.DECISION,
        "252/QĐ-UBND",
        date(2024, 2, 6),
    ),
    (
        Source.CHAIRMAN,
        SourceKind.NOTICE,
        "45/TB-UBND",
        date(2024, 2, 19),
        date(2024, 2, 20),
        date(2024, 2, 29),
        "Trình Bộ Khoa học và Công nghệ điều chỉnh Kế hoạch lựa chọn nhà thầu cung cấp nguyên "
        "vật liệu và máy móc, thiết bị dự án “Xây dựng mô hình sản xuất măng tây (Asparagus "
        "officinalis L.) tại tỉnh Sơn La”",
        "cn-qlkhcs",
        OutgoingKind.SUBMISSION,
        "331/TTr-SKHCN",
        date(2024, 2, 26),
    ),
    (
        Source.PROVINCE,
        SourceKind.OFFICIAL_LETTER,
        "512/UBND-KGVX",
        date(2024, 2, 16),
        date(2024, 2, 19),
        date(2024, 2, 28),
        "Báo cáo kết quả ứng dụng nhiệm vụ khoa học và công nghệ giai đoạn 2021–2023",
        "qlkh",
        OutgoingKind.OFFICIAL_LETTER,
        "341/SKHCN-QLKH&CN",
        date(2024, 2, 27),
    ),
    (
        Source.CHAIRMAN,
        SourceKind.OFFICIAL_LETTER,
        "298/UBND-KGVX",
        date(2024, 1, 30),
        date(2024, 1, 31),
        date(2024, 3, 5),
        "Tham mưu ban hành Kế hoạch xét tặng Giải thưởng khoa học và công nghệ tỉnh Sơn La năm "
        "2024",
        "qlkh",
        OutgoingKind.PLAN,
        "62/KH-UBND",
        date(2024, 3, 1),
    ),
    (
        Source.PROVINCE,
        SourceKind.OFFICIAL_LETTER,
        "601/UBND-KGVX",
        date(2024, 2, 27),
        date(2024, 2, 28),
        date(2024, 3, 15),
        "Báo cáo công tác thống kê ngành khoa học và công nghệ theo Thông tư số 15/2018/TT-BKHCN",
        "trung-tam-tdc",
        OutgoingKind.REPORT,
        "259/KHCN-KNĐMST",
        date(2024, 3, 12),
    ),
    (
        Source.PROVINCE,
        SourceKind.PLAN,
        "238/KH-UBND",
        date(2019, 12, 9),
        date(2024, 3, 4),
        date(2024, 3, 20),
        "Xây dựng Báo cáo kết quả thực hiện Kế hoạch số 238/KH-UBND ngày 09/12/2019 của UBND "
        "tỉnh triển khai Kế hoạch số 163-KH/TU ngày 04/10/2019 của Ban Thường vụ Tỉnh ủy",
        "qlkh",
        OutgoingKind.REPORT,
        "402/BC-SKHCN",
        date(2024, 3, 18),
    ),
    (
        Source.PROVINCE,
        SourceKind.OFFICIAL_LETTER,
        "215/UBND-KGVX",
        date(2024, 1, 22),
        date(2024, 1, 23),
        date(2024, 3, 8),
        "Tham mưu dự thảo Báo cáo tổng kết 10 năm thực hiện Nghị quyết số 37-NQ/TW ngày "
        "09/10/2014 của Bộ Chính trị về công tác lý luận và định hướng nghiên cứu đến năm 2030",
        "van-phong",
        OutgoingKind.SUBMISSION,
        "356/TTr-SKHCN",
        date(2024, 2, 28),
    ),
]
NAMED_OUTGOING = {n[9] for n in NAMED}
Q1 = (date(2024, 1, 1), date(2024, 3, 31))


def _staff() -> dict:
    for username, role, last, first, division in STAFF:
        demo_user(username, role, last=last, first=first, division=division)
    User = get_user_model()
    wanted = {
        "vanthu",
        "chanhvanphong",
        "cvqlkh",
        "tpqlkh",
        "chuyenvien",
        "truongphong",
        "thanhtra",
        "chanhthanhtra",
        "cvtdc",
        "giamdoc",
    }
    return {u.username: u for u in User.objects.filter(username__in=wanted)}


def _working_days(first: date, last: date) -> list[date]:
    days, d = [], first
    while d <= last:
        if is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    return days


class _Numbers:
    """Outgoing and source numbers that follow each other, avoiding the report's."""

    def __init__(self) -> None:
        self.out = 5
        self.src = 30

    def outgoing(self, kind: str) -> str:
        self.out += 1
        while f"{self.out}/" in " ".join(NAMED_OUTGOING):
            self.out += 1
        suffix = {
            OutgoingKind.SUBMISSION: "TTr-SKHCN",
            OutgoingKind.REPORT: "BC-SKHCN",
            OutgoingKind.PLAN: "KH-SKHCN",
        }.get(kind, "SKHCN-VP")
        return f"{self.out}/{suffix}"

    def source(self, source: str, kind: str) -> str:
        self.src += 1
        if kind == SourceKind.NOTICE:
            return f"{self.src}/TB-UBND"
        if kind == SourceKind.DECISION:
            return f"{self.src}/QĐ-UBND"
        if kind == SourceKind.PLAN:
            return f"{self.src}/KH-UBND"
        return f"{self.src}/UBND-KGVX"


def _line(rng, numbers, *, received, due, done, lead, officer, n):
    source = Source.CHAIRMAN if rng.random() < 0.3 else Source.PROVINCE
    kind = (
        SourceKind.NOTICE
        if source == Source.CHAIRMAN and rng.random() < 0.5
        else rng.choice([SourceKind.OFFICIAL_LETTER] * 6 + [SourceKind.DECISION, SourceKind.PLAN])
    )
    out_kind = rng.choice(
        [OutgoingKind.OFFICIAL_LETTER] * 5
        + [OutgoingKind.SUBMISSION, OutgoingKind.SUBMISSION, OutgoingKind.REPORT]
    )
    topic = TOPICS[n % len(TOPICS)].format(x=SUBJECTS[(n * 7) % len(SUBJECTS)])
    source_date = previous_working_day_on_or_before(received - timedelta(days=rng.randint(0, 2)))
    return {
        "source": Source(source).label,
        "source_kind": SourceKind(kind).label,
        "source_number": numbers.source(source, kind),
        "source_date": source_date,
        "content": f"{topic} (nhiệm vụ số {n + 1})",
        "received_on": received,
        "due_on": due,
        "lead_division": lead,
        "supporting": SUPPORT[lead][:1] if n % 3 == 0 else [],
        "officer": officer,
        "outgoing_kind": OutgoingKind(out_kind).label,
        "outgoing_number": numbers.outgoing(out_kind),
        "outgoing_date": done,
        "completed_on": done,
    }


def history_rows() -> list[dict]:
    """The book the history is imported from (deterministic)."""
    rng = random.Random(20240331)  # noqa: S311 - demo data, not security
    numbers = _Numbers()
    leads = [(lead, officer) for lead, officer, weight in LEADS for _ in range(weight)]
    rows: list[dict] = []
    for source, kind, number, sdate, received, due, content, lead, ok, onum, odate in NAMED:
        officer = {ld: of for ld, of, _w in LEADS}[lead]
        rows.append(
            {
                "source": Source(source).label,
                "source_kind": SourceKind(kind).label,
                "source_number": number,
                "source_date": sdate,
                "content": content,
                "received_on": received,
                "due_on": due,
                "lead_division": lead,
                "supporting": SUPPORT[lead][:1],
                "officer": officer,
                "outgoing_kind": OutgoingKind(ok).label,
                "outgoing_number": onum,
                "outgoing_date": odate,
                "completed_on": odate,
            }
        )
    # the named ones are all completed early; the plan below counts them
    dec = _working_days(date(2023, 12, 4), date(2023, 12, 29))
    q1 = _working_days(date(2024, 1, 2), date(2024, 3, 29))
    late_q1 = _working_days(date(2024, 3, 11), date(2024, 3, 29))
    april = _working_days(date(2024, 4, 1), date(2024, 4, 26))
    n = len(rows)
    named_carry = sum(1 for r in rows if r["received_on"] < Q1[0])  # 3 of the named ones
    plan = (
        # (how many, received from, kind of outcome)
        [(10, "dec_done")]  # completed in December 2023: not counted in Q1
        + [(20 - named_carry, "carry")]  # received in December, completed in January
        + [(171 - len(NAMED) - (20 - named_carry), "early")]
        + [(58, "on_time")]
        + [(5, "late")]
        + [(12, "open_at_end")]
        + [(5, "april")]  # received after the quarter: not counted
    )
    for count, outcome in plan:
        for _i in range(count):
            lead, officer = leads[rng.randrange(len(leads))]
            if outcome == "dec_done":
                received = rng.choice(dec[:10])
                due = add_working_days(received, rng.randint(5, 8))
                done = add_working_days(received, rng.randint(2, 4))
            elif outcome == "carry":
                received = rng.choice(dec[10:])
                due = max(add_working_days(received, rng.randint(8, 15)), date(2024, 1, 8))
                done = max(add_working_days(due, -rng.randint(1, 3)), date(2024, 1, 2))
            elif outcome in ("early", "on_time", "late"):
                received = rng.choice(q1[:-8])
                due = add_working_days(received, rng.randint(5, 12))
                if outcome == "early":
                    done = add_working_days(due, -rng.randint(1, 3))
                    done = max(done, add_working_days(received, 1))
                elif outcome == "on_time":
                    done = due
                else:
                    done = add_working_days(due, rng.randint(1, 3))
                if done > Q1[1]:  # keep the quarter's figures what they are
                    received, due = q1[0], add_working_days(q1[0], 10)
                    done = {"early": add_working_days(due, -2), "on_time": due}.get(
                        outcome, add_working_days(due, 2)
                    )
            elif outcome == "open_at_end":
                received = rng.choice(late_q1)
                due = next_working_day_on_or_after(date(2024, 4, rng.randint(5, 25)))
                done = add_working_days(due, -rng.randint(0, 3))
                done = max(done, date(2024, 4, 1))
            else:  # april
                received = rng.choice(april[:10])
                due = add_working_days(received, 10)
                done = add_working_days(due, -1)
            rows.append(
                _line(
                    rng,
                    numbers,
                    received=received,
                    due=due,
                    done=done,
                    lead=lead,
                    officer=officer,
                    n=n,
                )
            )
            n += 1
    return rows


def _history(s: dict) -> imports.ImportResult:
    content = imports.book_csv(history_rows())
    with demo_on(date(2024, 6, 3), 8):
        return imports.assignments_import(
            actor=s["vanthu"], file_name=HISTORY_FILE, content=content
        )


def _current(s: dict, today: date) -> Timeline:
    """One assignment in each state and warning, dated back from today."""
    t = Timeline()
    div = {d.code: d for d in Division.objects.all()}
    back = lambda n: previous_working_day_on_or_before(today - timedelta(days=n))  # noqa: E731
    seq = iter(range(1, 100))
    made: dict[str, Assignment] = {}

    def create(
        key,
        *,
        received,
        due,
        content,
        lead="qlkh",
        officer="cvqlkh",
        supporting=(),
        source=Source.PROVINCE,
        kind=SourceKind.OFFICIAL_LETTER,
    ):
        number = f"{next(seq) * 37 + 1200}{CURRENT_SUFFIX}"

        def act():
            made[key] = services.assignment_create(
                actor=s["vanthu"],
                source=source,
                source_kind=kind,
                source_number=number,
                source_date=received,
                content=content,
                received_on=received,
                due_on=due,
                lead_division=div[lead],
                supporting_divisions=[div[c] for c in supporting],
                officer=s[officer] if officer else None,
            )

        t.at(received, f"vào sổ {key}", act)

    def then(day, label, fn):
        t.at(day, label, lambda: fn(made[label.split(":")[0]]))

    create(
        "waiting",
        received=back(1),
        due=today + timedelta(days=20),
        officer=None,
        content="Tham mưu UBND tỉnh báo cáo Bộ KH&CN kết quả triển khai Chỉ thị số 38/CT-TTg "
        "về phát triển thị trường khoa học và công nghệ",
        lead="cn-qlkhcs",
    )
    create(
        "soon",
        received=back(10),
        due=add_working_days(today, 2),
        content="Góp ý dự thảo Quyết định quy định xác định nhiệm vụ KH&CN cấp tỉnh sử "
        "dụng ngân sách nhà nước",
        supporting=("cn-qlkhcs",),
    )
    create(
        "today",
        received=back(12),
        due=today,
        lead="cn-qlkhcs",
        officer="chuyenvien",
        content="Báo cáo tình hình ứng dụng tiến bộ kỹ thuật trong sản xuất nông nghiệp "
        "phục vụ phiên họp thường kỳ của UBND tỉnh",
        source=Source.CHAIRMAN,
    )
    create(
        "overdue",
        received=back(21),
        due=back(5),
        lead="van-phong",
        officer="vanthu",
        content="Tổng hợp kiến nghị của cử tri về lĩnh vực khoa học và công nghệ gửi kỳ họp "
        "Hội đồng nhân dân tỉnh",
        supporting=("qlkh", "cn-qlkhcs"),
    )
    create(
        "extended",
        received=back(25),
        due=back(3),
        content="Xây dựng dự thảo Đề án phát triển hệ sinh thái khởi nghiệp đổi mới sáng tạo "
        "tỉnh Sơn La đến năm 2030",
        supporting=("cn-qlkhcs",),
    )
    create(
        "early",
        received=back(15),
        due=today + timedelta(days=5),
        lead="trung-tam-tdc",
        officer="cvtdc",
        content="Kiểm tra đo lường, chất lượng xăng dầu trên địa bàn "
        "thành phố Sơn La theo chỉ đạo của Chủ tịch UBND tỉnh",
        source=Source.CHAIRMAN,
    )
    create(
        "on_time",
        received=back(20),
        due=back(6),
        content="Báo cáo kết quả thực hiện Chương trình phát triển tài sản trí tuệ năm "
        "2024 gửi UBND tỉnh",
    )
    create(
        "late",
        received=back(30),
        due=back(14),
        lead="thanh-tra",
        officer="thanhtra",
        content="Báo cáo kết quả thanh tra, kiểm tra chuyên ngành khoa học và công nghệ "
        "phục vụ tổng kết công tác phòng, chống tham nhũng",
    )
    create(
        "cancelled",
        received=back(18),
        due=today + timedelta(days=10),
        lead="cn-qlkhcs",
        officer="chuyenvien",
        content="Tham mưu tổ chức hội thảo giới thiệu công nghệ bảo quản nông sản sau thu hoạch",
    )
    create(
        "running",
        received=back(3),
        due=today + timedelta(days=25),
        content="Tham mưu kế hoạch tổ chức Ngày Khoa học và Công nghệ Việt Nam 18/5",
        supporting=("cn-qlkhcs", "van-phong"),
    )

    def complete(who, kind, number, day):
        return lambda a: services.assignment_complete(
            assignment=a,
            actor=s[who],
            outgoing_kind=kind,
            outgoing_number=number,
            outgoing_date=day,
        )

    t.at(back(1), "waiting", lambda: None)
    then(
        back(8),
        "soon:note",
        lambda a: services.assignment_note_add(
            assignment=a, actor=s["cvqlkh"], text="Đã gửi dự thảo xin ý kiến các phòng."
        ),
    )
    then(
        back(6),
        "soon:note2",
        lambda a: services.assignment_note_add(
            assignment=a,
            actor=s["chuyenvien"],
            text="Phòng Công nghệ và QLKH cơ sở góp ý 03 nội dung về đối tượng áp dụng.",
        ),
    )
    then(
        back(15),
        "overdue:note",
        lambda a: services.assignment_note_add(
            assignment=a, actor=s["vanthu"], text="Đang chờ các phòng gửi nội dung tổng hợp."
        ),
    )
    then(
        back(4),
        "extended:extend",
        lambda a: services.assignment_extend(
            assignment=a,
            actor=s["tpqlkh"],
            new_due_on=today + timedelta(days=12),
            reason="Cần lấy ý kiến các sở, ngành và UBND các huyện trước khi trình",
            approval=f"Công văn số {1190}{CURRENT_SUFFIX} của UBND tỉnh đồng ý gia hạn",
        ),
    )
    then(
        back(2), "early:complete", complete("cvtdc", OutgoingKind.REPORT, "1015/BC-SKHCN", back(2))
    )
    then(
        back(6),
        "on_time:complete",
        complete("tpqlkh", OutgoingKind.REPORT, "1002/BC-SKHCN", back(6)),
    )
    then(
        back(10),
        "late:complete",
        complete("thanhtra", OutgoingKind.REPORT, "988/BC-SKHCN", back(10)),
    )
    then(
        back(7),
        "cancelled:cancel",
        lambda a: services.assignment_cancel(
            assignment=a,
            actor=s["truongphong"],
            reason=f"UBND tỉnh dừng tổ chức hội thảo (Công văn số 1177{CURRENT_SUFFIX})",
        ),
    )
    then(
        back(2),
        "running:note",
        lambda a: services.assignment_note_add(
            assignment=a,
            actor=s["chanhvanphong"],
            text="Văn phòng Sở bố trí hội trường và khách mời.",
        ),
    )
    return t


def seed_directives(stdout=None) -> dict:
    """The demo of the assignments (idempotent)."""
    catalogue_install()
    s = _staff()
    if "vanthu" not in s or "giamdoc" not in s:
        return {}
    today = timezone.localdate()
    skipped: list[str] = []
    result = None
    if not ImportBatch.objects.filter(file_name=HISTORY_FILE).exists():
        result = _history(s)
    if not Assignment.objects.filter(source_number__endswith=CURRENT_SUFFIX).exists():
        current = _current(s, today)
        current.run(window=(today - timedelta(days=14), today), today=today)
        skipped += current.skipped
    if stdout is not None:
        stdout.write(
            f"Nhiệm vụ UBND tỉnh giao mẫu: {Assignment.objects.count()} nhiệm vụ"
            f"{f' (nhập {result.created} từ sổ theo dõi)' if result else ''}; Văn phòng Sở: "
            f"vanthu / {DEMO_PASSWORD}."
        )
        for line in skipped:
            stdout.write(f"  bỏ qua: {line}")
    return {"skipped": skipped, "imported": result.created if result else 0}
