"""Demo data of the result registration: the 03 dossiers the department received in
Q1/2024 ("Tiếp nhận 03 hồ sơ đăng ký cấp giấy chứng nhận nhiệm vụ KH&CN", the seed
report), replayed through the one-stop desk's services on real Q1/2024 dates (the clock
is moved for each step), so every date, ledger row, clock event, document and audit
entry is what the engine would have produced:

1. filed online on 15/01/2024, valid on 16/01 (appointment 23/01), signed early on 22/01;
2. handed in at the counter on 26/02/2024, a supplement asked on 27/02 and answered on
   01/03, valid on 04/03 (appointment 11/03), signed on 08/03;
3. filed online on 11/03/2024, valid on 12/03 (appointment 19/03); the appraisal ran
   late, the beat drafted the apology slip (Mẫu 04) on 15/03 and the director issued it
   the same day with the new date 22/03, when the certificate was signed.

The report gives no titles: the tasks' titles are invented and marked "(ví dụ)"; the
host organisations are illustrative. Idempotent: a dossier already loaded (found by its
task's title) is not filed again.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from workflows.demo import Timeline, demo_user, sample_pdf
from workflows.onestop import kinds
from workflows.roles import Role

from .catalogue import catalogue_install
from .kind import KIND, MANAGING_DIVISION
from .models import ResultRegistration

APPRAISAL_OK = (
    "Hồ sơ đầy đủ; báo cáo tổng hợp đã hoàn thiện theo kết luận của Hội đồng nghiệm thu; "
    "thông tin kê khai trong phiếu đăng ký khớp với quyết định công nhận kết quả."
)

# username, (last name, first name), organisation, address, registration no, phone
HOSTS = {
    "dh-taybac": ("Trường Đại học", "Tây Bắc", "Trường Đại học Tây Bắc",
                  "Phường Quyết Tâm, TP. Sơn La", "QĐ 39/2001/QĐ-TTg", "0212 3751 700"),
    "tt-nncnc": ("Trung tâm", "Nông nghiệp công nghệ cao Sơn La",
                 "Trung tâm Nông nghiệp công nghệ cao Sơn La", "Xã Chiềng Mung, huyện Mai Sơn",
                 "QĐ 1874/QĐ-UBND", "0212 3843 566"),
    "tt-dvkt-nn": ("Trung tâm", "Dịch vụ kỹ thuật nông nghiệp Bắc Yên",
                   "Trung tâm Dịch vụ kỹ thuật nông nghiệp huyện Bắc Yên",
                   "Tiểu khu 2, thị trấn Bắc Yên", "QĐ 2016/QĐ-UBND", "0212 3860 245"),
}  # fmt: skip

# (host, channel, the declarations, dated steps)
CASES = [
    ("dh-taybac", "online", {
        "task_title": "Nghiên cứu ứng dụng chế phẩm sinh học xử lý vỏ cà phê làm phân bón "
                      "hữu cơ tại tỉnh Sơn La (ví dụ)",
        "task_code": "SL-2021-07", "field": "Khoa học nông nghiệp",
        "pi_name": "TS. Lò Văn Hưng", "started_on": date(2021, 6, 1),
        "ended_on": date(2023, 5, 31), "accepted_on": date(2023, 11, 23),
        "acceptance_class": "dat", "recognition_no": "2415/QĐ-UBND",
        "recognition_on": date(2023, 12, 20), "state_budget": 1_250_000_000,
        "summary": "Quy trình ủ vỏ cà phê bằng chế phẩm vi sinh; 03 mô hình trình diễn.",
    }, [
        (date(2024, 1, 15), "file", {}),
        (date(2024, 1, 16), "accept", {}),
        (date(2024, 1, 16), "assign", {}),
        (date(2024, 1, 18), "appraisal", {}),
        (date(2024, 1, 19), "review", {}),
        (date(2024, 1, 22), "sign", {}),
    ]),
    ("tt-nncnc", "counter", {
        "task_title": "Xây dựng mô hình trồng thâm canh giống mắc ca mới trên đất dốc tại "
                      "huyện Mai Sơn (ví dụ)",
        "task_code": "SL-2020-12", "field": "Khoa học nông nghiệp",
        "pi_name": "ThS. Cầm Thị Thảo", "started_on": date(2020, 9, 1),
        "ended_on": date(2023, 8, 31), "accepted_on": date(2023, 12, 14),
        "acceptance_class": "xuat_sac", "recognition_no": "138/QĐ-UBND",
        "recognition_on": date(2024, 1, 24), "state_budget": 2_100_000_000,
        "summary": "Mô hình 10 ha mắc ca ghép; hướng dẫn kỹ thuật trồng trên đất dốc.",
    }, [
        (date(2024, 2, 26), "file", {}),
        (date(2024, 2, 27), "supplement", {
            "items": ["bao-cao-tom-tat"],
            "reasons": "Báo cáo tóm tắt chưa có chữ ký của chủ nhiệm nhiệm vụ và dấu của tổ "
                       "chức chủ trì."}),
        (date(2024, 3, 1), "answer", {}),
        (date(2024, 3, 4), "accept", {}),
        (date(2024, 3, 4), "assign", {}),
        (date(2024, 3, 6), "appraisal", {}),
        (date(2024, 3, 7), "review", {}),
        (date(2024, 3, 8), "sign", {}),
    ]),
    ("tt-dvkt-nn", "online", {
        "task_title": "Nghiên cứu nhân giống và bảo tồn cây sơn tra (táo mèo) tại huyện Bắc "
                      "Yên (ví dụ)",
        "task_code": "SL-2021-15", "field": "Khoa học nông nghiệp",
        "pi_name": "KS. Hà Văn Quyết", "started_on": date(2021, 3, 1),
        "ended_on": date(2023, 9, 30), "accepted_on": date(2024, 1, 11),
        "acceptance_class": "dat", "recognition_no": "402/QĐ-UBND",
        "recognition_on": date(2024, 2, 29), "state_budget": 980_000_000,
        "summary": "Quy trình nhân giống bằng ghép; vườn bảo tồn 2 ha.",
    }, [
        (date(2024, 3, 11), "file", {}),
        (date(2024, 3, 12), "accept", {}),
        (date(2024, 3, 12), "assign", {}),
        (date(2024, 3, 15), "draft_apologies", {}),
        (date(2024, 3, 15), "issue_apology", {}),
        (date(2024, 3, 20), "appraisal", {}),
        (date(2024, 3, 21), "review", {}),
        (date(2024, 3, 22), "sign", {}),
    ]),
]  # fmt: skip


def _staff() -> dict:
    User = get_user_model()
    return {
        Role.ONE_STOP_OFFICER: User.objects.filter(username="motcua").first(),
        Role.DIRECTOR: User.objects.filter(username="giamdoc").first(),
        # the managing division's specialist and head (the radiation ones are of cn-qlkhcs)
        Role.SPECIALIST: demo_user(
            "cvqlkh", Role.SPECIALIST, last="Hoàng Văn", first="Nam", division=MANAGING_DIVISION
        ),
        Role.HEAD_OF_DIVISION: demo_user(
            "tpqlkh", Role.HEAD_OF_DIVISION, last="Đỗ Thị", first="Hạnh", division=MANAGING_DIVISION
        ),
    }


def _pdf(item: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{item}.pdf", sample_pdf(item), content_type="application/pdf")


class _Case:
    """A demo dossier: found by its task's title, or filed by the replay."""

    def __init__(self, title: str) -> None:
        self.title, self.dossier = title, None

    def find(self):
        reg = ResultRegistration.objects.filter(task_title=self.title).first()
        return reg.case if reg is not None else None

    def get(self):
        """The dossier as it is now (read again: each step is its own transaction)."""
        if self.dossier is None:
            return None
        return type(self.dossier).objects.get(pk=self.dossier.pk)


def _file(case: _Case, applicant, officer, channel: str, details: dict):
    def run():
        desk = kinds.desk()
        host = HOSTS[applicant.username]
        organisation = {
            "organisation_name": host[2],
            "organisation_address": host[3],
            "business_registration_no": host[4],
            "contact_phone": host[5],
            "contact_email": "",
        }
        counter = channel != "online"
        dossier = desk.dossier_create(
            actor=officer if counter else applicant,
            applicant=applicant,
            channel=channel,
            kind=KIND,
            organisation=organisation,
            details=details,
        )
        for row in desk.checklist(dossier):
            if row["required"]:
                desk.document_upload(
                    dossier=dossier,
                    item=row["code"],
                    upload=_pdf(row["code"]),
                    actor=officer if counter else applicant,
                )
        case.dossier = dossier
        desk.dossier_submit(dossier=dossier, actor=officer if counter else applicant)

    return run


def _action(case: _Case, s: dict, action: str, kw: dict):
    def run():
        desk, d = kinds.desk(), case.get()
        if d is None:
            return
        if action == "accept" and d.status == "submitted":
            desk.dossier_accept(dossier=d, actor=s[Role.ONE_STOP_OFFICER])
        elif action == "supplement" and d.status == "submitted":
            desk.dossier_request_supplement(dossier=d, actor=s[Role.ONE_STOP_OFFICER], **kw)
        elif action == "answer" and d.status == "supplement":
            request = d.supplements.filter(answered_on__isnull=True).get()
            desk.dossier_answer_supplement(
                dossier=d, actor=d.applicant, files={i: _pdf(i) for i in request.items}
            )
        elif action == "assign" and d.specialist_id is None:
            desk.dossier_assign(
                dossier=d, actor=s[Role.HEAD_OF_DIVISION], specialist=s[Role.SPECIALIST]
            )
        elif action == "draft_apologies":
            desk.apologies_draft_due()
        elif action == "issue_apology":
            slip = d.apologies.filter(state="draft").order_by("-drafted_at").first()
            if slip is not None:
                desk.apology_issue(apology=slip, actor=s[Role.DIRECTOR])
        elif action == "appraisal" and d.status == "appraisal":
            desk.dossier_record_appraisal(
                dossier=d, actor=s[Role.SPECIALIST], conclusion="pass", findings=APPRAISAL_OK
            )
        elif action == "review" and d.status == "review":
            desk.dossier_review(
                dossier=d,
                actor=s[Role.HEAD_OF_DIVISION],
                approve=True,
                note="Đề nghị lãnh đạo Sở ký Giấy chứng nhận.",
            )
        elif action == "sign" and d.status == "signing":
            desk.dossier_sign(dossier=d, actor=s[Role.DIRECTOR])

    return run


def seed_registrations(stdout=None) -> dict:
    """The Q1/2024 result registrations (idempotent). Returns the dossiers' ids and what
    a business rule skipped."""
    catalogue_install()
    s = _staff()
    if not all(s.values()):
        return {}
    timeline, cases = Timeline(), []
    for username, channel, details, steps in CASES:
        case = _Case(details["task_title"])
        if case.find() is not None:
            continue
        cases.append(case)
        last, first, *_rest = HOSTS[username]
        applicant = demo_user(username, Role.APPLICANT, last=last, first=first)
        (day, _file_action, _kw), *rest = steps
        label = details["task_title"][:40]
        timeline.at(
            day,
            f"{label}: file",
            _file(case, applicant, s[Role.ONE_STOP_OFFICER], channel, details),
        )
        for day, action, kw in rest:
            timeline.at(day, f"{label}: {action}", _action(case, s, action, kw))
    timeline.run()
    if stdout is not None:
        stdout.write(
            f"Đăng ký kết quả nhiệm vụ KH&CN mẫu: {ResultRegistration.objects.count()} hồ sơ "
            f"(quý I/2024)."
        )
        for line in timeline.skipped:
            stdout.write(f"  bỏ qua: {line}")
    return {
        "dossiers": [c.dossier.pk for c in cases if c.dossier],
        "skipped": timeline.skipped,
    }
