"""Demo data of the councils: the councils the Q1/2024 report names, and a current set
dated from today.

The history (seed/bao-cao-khcn-quy-I-2024.txt): the identification council behind
Decision 250/QĐ-UBND (06/02/2024, the 2024 provincial ordered list); the two
acceptance councils of the brand projects "Gạo Phù Yên" and "Rượu Hang Chú", held, with
minutes; the advisory council on the technology of the investment project "Nhà máy
chế biến sâu công nghệ cao Niken La Phù (TKR)". The report gives no meeting dates or
members: the dates within the quarter and the experts are examples.

The current set, relative to today: the selection council of "Nghiên cứu xây dựng mô
hình trồng thử nghiệm Sâm Việt Nam…" (papers sent), and the three acceptance councils of
Q2 at different stages — papers due in two working days, a review missing the day
before it is due (the member `thanhvien` and the secretary are warned), and one ready
to meet today.

Every council is driven through the real services with the clock moved to each day
(`workflows.demo.Timeline`), so every ledger row, reminder and audit entry is what the
engine would have produced. Idempotent: a council is found by its title and not set up
twice.
"""

from __future__ import annotations

import contextlib
import functools
import io
from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from workflows.calendar import add_working_days
from workflows.demo import Timeline

from . import services
from .catalogue import catalogue_install
from .models import Council, Expert, Membership

EXPERTS = [
    # key, name, title, organisation, field (examples)
    ("bang", "Đinh Công Bằng", "TS.", "Trường Đại học Tây Bắc", "Nông nghiệp"),
    ("hoa", "Lê Thị Hoa", "PGS.TS.", "Viện Khoa học Nông nghiệp Việt Nam", "Trồng trọt"),
    ("tuan", "Nguyễn Anh Tuấn", "TS.", "Sở Nông nghiệp và Phát triển nông thôn Sơn La", "Quản lý"),
    ("lan", "Phạm Thị Lan", "ThS.", "Cục Sở hữu trí tuệ", "Sở hữu trí tuệ"),
    ("hung", "Vũ Mạnh Hùng", "TS.", "Viện Nghiên cứu Rau quả", "Giống cây trồng"),
    ("minh", "Trần Quang Minh", "ThS.", "Sở Công Thương Sơn La", "Thương mại"),
    ("thu", "Hà Thị Thu", "TS.", "Trường Cao đẳng Sơn La", "Thực phẩm"),
    ("khanh", "Lò Văn Khánh", "ThS.", "Sở Tài chính Sơn La", "Tài chính"),
    ("dung", "Cầm Thị Dung", "TS.", "Trường Đại học Nông Lâm Thái Nguyên", "Nông học"),
    ("son", "Bùi Văn Sơn", "PGS.TS.", "Viện Khoa học và Công nghệ Mỏ - Luyện kim", "Luyện kim"),
    ("hai", "Quàng Văn Hải", "TS.", "Trường Đại học Mỏ - Địa chất", "Khai khoáng"),
    ("nga", "Mai Thị Nga", "ThS.", "Sở Tài nguyên và Môi trường Sơn La", "Môi trường"),
]
# the PI of a brand project is an example too, and a member of the pool: he is refused
PI_GAO = "Nguyễn Văn Bình"
HOST_BRANDS = "Trung tâm Ứng dụng và Chuyển giao công nghệ Sơn La"

ACCEPTANCE_ROLES = ["chair", "vice_chair", "reviewer", "reviewer", "secretary"] + ["member"] * 4
SEVEN_ROLES = ["chair", "vice_chair", "reviewer", "reviewer", "secretary", "member", "member"]


def _pdf(title: str) -> SimpleUploadedFile:
    """A one-page PDF standing for a demo file (uploads are checked by content)."""
    return SimpleUploadedFile("tai-lieu.pdf", _pdf_bytes(title), content_type="application/pdf")


@functools.cache
def _pdf_bytes(title: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 770, title.encode("ascii", "ignore").decode() or "Tai lieu hop")
    c.save()
    return out.getvalue()


def _experts() -> dict[str, Expert]:
    User = get_user_model()
    member = User.objects.filter(username="thanhvien").first()
    pool = {}
    for key, name, title, org, field in EXPERTS:
        expert, _created = Expert.objects.get_or_create(
            full_name=name,
            defaults={"title": title, "organisation": org, "field": field,
                      "email": f"{key}@demo.motcua.vn"},
        )  # fmt: skip
        pool[key] = expert
    if member is not None and pool["bang"].user_id is None:
        pool["bang"].user = member  # `thanhvien` is Đinh Công Bằng of the pool
        pool["bang"].save(update_fields=["user"])
    return pool


def _council(title: str) -> Council:
    return Council.objects.get(title=title)


def _has_task(title: str) -> bool:
    from .models import Task

    return Task.objects.filter(title=title).exists()


def _subjects(specs: list[dict]) -> list[dict]:
    """The council's subjects; `{"applications_of": title}` stands for the valid
    applications of that S&T task (the selection council's subjects), when it has any."""
    out = []
    for spec in specs:
        if "applications_of" in spec:
            from .models import Task
            from .task_selection import selection_subjects

            task = Task.objects.filter(title=spec["applications_of"]).first()
            out += selection_subjects(task) if task else []
        else:
            out.append(_subject(spec))
    return out


def _subject(spec: dict) -> dict:
    """A council subject; `"task": title` makes it the S&T task of that title (its
    parties and the link back from `Task.subject_spec`), the rest of `spec` on top."""
    if "task" not in spec:
        return spec
    from .models import Task

    rest = {k: v for k, v in spec.items() if k != "task"}
    task = Task.objects.filter(title=spec["task"]).first()
    if task is None:  # the councils' demo alone: a subject without its task
        return {"title": spec["task"], **rest}
    return {**task.subject_spec(), **rest}


def _plan(timeline: Timeline, secretary, pool, spec: dict) -> None:
    """Add the dated steps of one council to the timeline, up to `spec["until"]`."""
    title = spec["title"]
    until = spec["until"]
    keys = spec["members"]
    roles = spec["roles"]

    @transaction.atomic
    def create():
        services.council_create(
            actor=secretary, kind=spec["kind"], title=title, meeting_on=spec["meeting"],
            meeting_place="Phòng họp Sở Khoa học và Công nghệ tỉnh Sơn La",
            subjects=_subjects(spec["subjects"]),
        )  # fmt: skip
        c = _council(title)
        subjects = list(c.subjects.order_by("position"))
        reviewers = 0
        for key, role in zip(keys, roles, strict=True):
            extra = {}
            if role == "reviewer" and len(subjects) > 1:  # two for each subject, in order
                extra["reviews_subject"] = subjects[min(reviewers // 2, len(subjects) - 1)]
                reviewers += 1
            services.council_member_add(
                council=c, actor=secretary, expert=pool[key], role=role, **extra
            )
        for key in spec.get("refused", []):  # refused with the reason (the page shows it)
            with contextlib.suppress(services.CouncilRefused):
                services.council_member_add(
                    council=c, actor=secretary, expert=pool[key], role="member"
                )

    @transaction.atomic
    def constitute():
        services.council_constitute(
            council=_council(title), actor=secretary, decision_number=spec["decision"],
            decision_date=spec["created"],
        )  # fmt: skip
        services.council_paper_upload(
            council=_council(title), actor=secretary, title="Hồ sơ đánh giá", upload=_pdf(title)
        )

    timeline.at(spec["created"], f"{title}: lập", create)
    timeline.at(spec["created"], f"{title}: thành lập", constitute)
    if until == "constituted":
        return
    timeline.at(
        spec["dispatched"],
        f"{title}: gửi tài liệu",
        lambda: services.council_papers_dispatch(council=_council(title), actor=secretary),
    )

    @transaction.atomic
    def members_work():
        c = _council(title)
        for m in Membership.objects.filter(council=c, removed_at__isnull=True).select_related(
            "expert__user"
        ):  # noqa: E501
            if m.expert.user_id is None:
                continue
            services.council_member_declare(council=c, actor=m.expert.user, no_conflict=True)

    @transaction.atomic
    def declare_and_review():
        c = _council(title)
        members = Membership.objects.filter(council=c, removed_at__isnull=True)
        for m in members.select_related("expert").order_by("id"):
            if m.expert.full_name in spec.get("no_review", ()):
                continue
            if m.declared_at is None:  # signed on paper
                services.council_declaration_record(council=c, actor=secretary, membership=m)
                m.refresh_from_db()
            everyone = bool(c.kind.reviews_lead_working_days)
            for s in c.subjects.order_by("position"):
                if everyone or (m.role == "reviewer" and m.reviews_subject_id == s.pk):
                    services.council_review_record(
                        council=c, actor=secretary, membership=m, subject=s,
                        text="Đáp ứng yêu cầu đặt hàng; đề nghị hoàn thiện báo cáo tổng hợp.",
                    )  # fmt: skip

    timeline.at(spec["dispatched"], f"{title}: thành viên có tài khoản ký cam kết", members_work)
    timeline.at(spec["reviews"], f"{title}: nhận xét", declare_and_review)
    if until == "papers_sent":
        return

    @transaction.atomic
    def meet():
        c = _council(title)
        members = list(Membership.objects.filter(council=c, removed_at__isnull=True).order_by("id"))
        services.council_attendance_record(
            council=c, actor=secretary, present={m.pk: True for m in members}
        )
        form = c.kind.ballot_form
        if form != "none":
            services.council_board_elect(
                council=c, actor=secretary, memberships=members[-3:], chief=members[-3]
            )
            for s in c.subjects.order_by("position"):
                for m, vote in zip(members, spec["votes"][s.position], strict=False):
                    services.council_ballot_enter(
                        council=c, actor=secretary, membership=m, subject=s, values=vote
                    )
        services.council_tally_compute(
            council=c, actor=secretary, conclusion=spec.get("conclusion", ""),
        )  # fmt: skip
        if form != "none":
            for m in members[-3:]:
                services.council_tally_confirm_paper(council=c, actor=secretary, membership=m)
        services.council_publish(council=c, actor=secretary)

    timeline.at(spec["meeting"], f"{title}: họp", meet)
    timeline.at(
        spec["closed"],
        f"{title}: gửi kết luận",
        lambda: services.council_close(
            council=_council(title), actor=secretary, conclusion=spec["conclusion"]
        ),
    )


def _vote(v: str) -> dict:
    return {"vote": v}


IDENTIFICATION_DAT = {"contents": {"cap_thiet": "dat", "muc_tieu": "dat", "san_pham": "dat",
                                   "khong_trung_lap": "dat"}}  # fmt: skip


def _history() -> list[dict]:
    brand = {"pi_name": PI_GAO, "participants": ["Lường Thị Mai"], "host_organisation": HOST_BRANDS}
    return [
        {
            "title": "Hội đồng tư vấn xác định nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024",
            "kind": "identification",
            "subjects": [
                {
                    "task": "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam làm "
                    "cơ sở xác định vùng trồng phù hợp trên địa bàn tỉnh Sơn La"
                }
            ],  # fmt: skip
            "members": ["hoa", "tuan", "dung", "hung", "thu", "lan", "minh"],
            "roles": SEVEN_ROLES,
            "decision": "05/QĐ-SKHCN",
            "created": date(2024, 1, 10),
            "dispatched": date(2024, 1, 15),
            "reviews": date(2024, 1, 19),
            "meeting": date(2024, 1, 23),
            "closed": date(2024, 1, 25),
            "votes": [[IDENTIFICATION_DAT] * 7],
            "conclusion": "Đề nghị đưa vào danh mục đặt hàng năm 2024, phương thức tuyển chọn "
            "(căn cứ trình UBND tỉnh ban hành Quyết định số 250/QĐ-UBND ngày 06/02/2024).",
            "until": "closed",
        },
        {
            "title": "Hội đồng tư vấn nghiệm thu dự án nhãn hiệu chứng nhận “Gạo Phù Yên”",
            "kind": "acceptance",
            "subjects": [
                {
                    "task": "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Gạo Phù "
                    "Yên” cho sản phẩm Gạo của huyện Phù Yên, tỉnh Sơn La",
                    **brand,
                    "contract_end": date(2023, 12, 31),
                    "dossier_submitted_on": date(2024, 1, 26),
                }
            ],  # fmt: skip
            "members": ["hoa", "lan", "tuan", "dung", "thu", "minh", "khanh", "nga", "hung"],
            "roles": ACCEPTANCE_ROLES,
            "decision": "38/QĐ-SKHCN",
            "created": date(2024, 2, 19),
            "dispatched": date(2024, 2, 23),
            "reviews": date(2024, 3, 1),
            "meeting": date(2024, 3, 5),
            "closed": date(2024, 3, 7),
            "votes": [[_vote("dat")] * 6 + [_vote("xuat_sac")] * 3],
            "conclusion": "Dự án đạt yêu cầu, xếp loại “Đạt”; chủ nhiệm hoàn thiện hồ sơ trong "
            "30 ngày làm việc.",
            "until": "closed",
        },
        {
            "title": "Hội đồng tư vấn nghiệm thu dự án nhãn hiệu chứng nhận “Rượu Hang Chú”",
            "kind": "acceptance",
            "subjects": [
                {
                    "task": "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Rượu "
                    "Hang Chú” cho sản phẩm Rượu Hang Chú của huyện Bắc Yên, tỉnh Sơn La",
                    "pi_name": "Hoàng Văn Tâm",
                    "host_organisation": HOST_BRANDS,
                    "contract_end": date(2023, 12, 31),
                    "dossier_submitted_on": date(2024, 1, 29),
                }
            ],  # fmt: skip
            "members": ["lan", "hoa", "minh", "thu", "tuan", "dung", "khanh", "nga", "hung"],
            "roles": ACCEPTANCE_ROLES,
            "decision": "45/QĐ-SKHCN",
            "created": date(2024, 2, 26),
            "dispatched": date(2024, 3, 1),
            "reviews": date(2024, 3, 8),
            "meeting": date(2024, 3, 12),
            "closed": date(2024, 3, 14),
            "votes": [[_vote("xuat_sac")] * 7 + [_vote("dat")] * 2],
            "conclusion": "Dự án xếp loại “Xuất sắc”.",
            "until": "closed",
        },
        {
            "title": "Hội đồng tư vấn KH&CN về công nghệ dự án “Nhà máy chế biến sâu công nghệ "
            "cao Niken La Phù (TKR)”",
            "kind": "advisory",
            "subjects": [
                {
                    "title": "Nhà máy chế biến sâu công nghệ cao Niken La Phù (TKR)",
                    "host_organisation": "Chủ đầu tư dự án TKR (ví dụ)",
                }
            ],  # fmt: skip
            "members": ["son", "hai", "nga", "minh", "khanh", "tuan", "thu"],
            "roles": SEVEN_ROLES,
            "decision": "52/QĐ-SKHCN",
            "created": date(2024, 3, 4),
            "dispatched": date(2024, 3, 8),
            "reviews": date(2024, 3, 14),
            "meeting": date(2024, 3, 19),
            "closed": date(2024, 3, 21),
            "votes": [[_vote("dong_y")] * 7],
            "conclusion": "Thống nhất ý kiến tư vấn về công nghệ đề xuất của dự án, đề nghị chủ "
            "đầu tư bổ sung giải pháp xử lý chất thải.",
            "until": "closed",
        },
    ]


def _current(today: date) -> list[dict]:
    wd = lambda n: add_working_days(today, n)  # noqa: E731
    q2 = "Nhiệm vụ KH&CN cấp tỉnh kết thúc năm 2024 (ví dụ)"
    acceptance = {"kind": "acceptance", "roles": ACCEPTANCE_ROLES}
    return [
        {
            "title": "Hội đồng tư vấn tuyển chọn tổ chức chủ trì đề tài “Sâm Việt Nam”",
            "kind": "selection",
            "subjects": [
                {
                    "applications_of": "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt "
                    "Nam làm cơ sở xác định vùng trồng phù hợp trên địa bàn tỉnh Sơn La",
                },
            ]
            if _has_task(
                "Nghiên cứu xây dựng mô hình trồng thử nghiệm Sâm Việt Nam làm cơ sở "
                "xác định vùng trồng phù hợp trên địa bàn tỉnh Sơn La"
            )
            else [
                {
                    "title": "Hồ sơ của Viện Dược liệu (ví dụ)",
                    "host_organisation": "Viện Dược liệu",
                    "state_budget": 1_450_000_000,
                    "task_type": "technology",
                },
                {
                    "title": "Hồ sơ của Trường Đại học Tây Bắc (ví dụ)",
                    "host_organisation": "Trường Đại học Tây Bắc",
                    "state_budget": 1_380_000_000,
                    "host_proposed": True,
                    "task_type": "technology",
                },
            ],  # fmt: skip
            "members": ["hoa", "tuan", "hung", "dung", "thu", "lan", "minh"],
            "refused": ["bang"],  # works at Trường Đại học Tây Bắc, an applicant
            "roles": SEVEN_ROLES,
            "decision": "120/QĐ-SKHCN",
            "created": wd(-6),
            "dispatched": wd(-4),
            "reviews": wd(-1),
            "meeting": wd(6),
            "until": "papers_sent",
        },
        {
            **acceptance,
            "title": "Hội đồng nghiệm thu nhiệm vụ Q2-1: tài liệu đến hạn gửi",
            "subjects": [
                {
                    "task": f"{q2}: mô hình trồng cà phê chè bền vững",
                    "pi_name": "Lò Văn Hưng",
                    "host_organisation": "Trung tâm Khuyến nông Sơn La",
                }
            ],  # fmt: skip
            "members": ["hoa", "lan", "tuan", "dung", "thu", "minh", "khanh", "nga", "hung"],
            "decision": "121/QĐ-SKHCN",
            "created": wd(-1),
            "meeting": wd(9),  # papers due 7 working days before: in 2 working days
            "until": "constituted",
        },
        {
            **acceptance,
            "title": "Hội đồng nghiệm thu nhiệm vụ Q2-2: còn thiếu phiếu nhận xét",
            "subjects": [
                {
                    "task": f"{q2}: chế biến sâu quả mận Mộc Châu",
                    "pi_name": "Vì Thị Hạnh",
                    "host_organisation": "Trường Cao đẳng Nông Lâm Sơn La",
                }
            ],  # fmt: skip
            "members": ["bang", "hoa", "lan", "tuan", "dung", "minh", "khanh", "nga", "thu"],
            "decision": "118/QĐ-SKHCN",
            "created": wd(-10),
            "dispatched": wd(-6),
            "reviews": wd(-2),
            "no_review": ("Đinh Công Bằng",),  # `thanhvien`: warned today, due tomorrow
            "meeting": wd(2),
            "until": "papers_sent",
        },
        {
            **acceptance,
            "title": "Hội đồng nghiệm thu nhiệm vụ Q2-3: sẵn sàng họp hôm nay",
            "subjects": [
                {
                    "task": f"{q2}: nhân giống lan bản địa",
                    "pi_name": "Đèo Văn Thành",
                    "host_organisation": "Viện Nghiên cứu Rau quả",
                }
            ],  # fmt: skip
            "members": ["bang", "tuan", "lan", "dung", "thu", "minh", "khanh", "nga", "son"],
            "decision": "115/QĐ-SKHCN",
            "created": wd(-12),
            "dispatched": wd(-8),
            "reviews": wd(-3),
            "meeting": today,
            "until": "papers_sent",
        },
    ]


def seed_councils(stdout=None, *, plans=()) -> dict:
    """The councils' demo (idempotent). Returns what was set up and what was skipped.

    Each of `plans` (the S&T tasks' demo) adds its own dated steps to the same two
    timelines (`plan.history(timeline, plan_council)`, `plan.current(timeline, today,
    plan_council)`), so a task and the councils that decide on it are replayed
    together in date order; `plan_council(timeline, spec)` plans one more council."""
    catalogue_install()
    secretary = get_user_model().objects.filter(username="thuky").first()
    if secretary is None:
        return {}
    pool = _experts()
    today = timezone.localdate()
    existing = set(Council.objects.values_list("title", flat=True))

    def plan_council(timeline: Timeline, spec: dict) -> bool:
        if spec["title"] in existing:
            return False
        _plan(timeline, secretary, pool, spec)
        return True

    history = Timeline()
    for spec in _history():
        plan_council(history, spec)
    for plan in plans:
        plan.history(history, plan_council)
    history.run()
    current = Timeline()
    fresh = [plan_council(current, spec) for spec in _current(today)]
    for plan in plans:
        fresh.append(plan.current(current, today, plan_council))
    if any(fresh):
        current.run(window=(add_working_days(today, -3), today), today=today)
    skipped = history.skipped + current.skipped
    if stdout is not None:
        stdout.write(
            f"Hội đồng mẫu: {Council.objects.count()} hội đồng (quý I/2024 và hiện tại, tính "
            f"đến ngày {today:%d/%m/%Y})."
        )
        for line in skipped:
            stdout.write(f"  bỏ qua: {line}")
    return {"skipped": skipped}
