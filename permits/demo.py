"""Demo data of the radiation procedures: the department's Q1/2024 history, and a
current set of dossiers dated from today.

The history. The report (seed/bao-cao-khcn-quy-I-2024.txt) counts 06 permit dossiers
and 01 certificate dossier received in Q1/2024. They are replayed through the real
services on real Q1/2024 dates (the clock is moved for each step), so every date,
ledger row, clock event and audit entry is what the engine would have produced. On
31/03/2024 two permits and the certificate are issued, one case is in appraisal, one
waits for a supplement, one is late with its apology slip, one was just received —
what the report counts. Those four are then finished in April 2024 (`CARRY_OVER`), so
the quarter stays as reported and nothing of it is still open, years late, today.

The current set. One dossier in each state and each warning a working department
sees — checks due in two days, today and two days late; a supplement; a fee awaited;
appraisals due tomorrow and late; a case late with its apology slip issued and one
whose slip the beat has just drafted; review due today; a signature due tomorrow;
issued, refused, not accepted; a permit expiring in 55 days whose holder has been
reminded — filed and handled through the services on dates counted back from today,
with the beat's daily work replayed over the last weeks (`workflows.demo.Timeline`).

Idempotent: each dossier is found by its applicant and organisation and not filed
twice; an action runs only from the state it starts from. The current set is dated
from the day it is first loaded. The facilities are illustrative.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from workflows.calendar import (
    add_working_days,
    next_working_day_on_or_after,
    previous_working_day_on_or_before,
)
from workflows.demo import Timeline, demo_user, sample_pdf
from workflows.roles import Role
from workflows.selectors import procedure_version_for

from . import rules, services
from .catalogue import catalogue_install
from .models import PROCEDURE_CODES, ApologySlip, Dossier, DossierKind, Status

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@contextmanager
def _on(day: date, hour: int = 9):
    try:
        import time_machine
    except ImportError as exc:  # pragma: no cover - dev dependency, installed by `make setup`
        raise RuntimeError("seed_demo needs the dev dependencies (pip install -e .[dev])") from exc
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False):
        yield


_PDF: bytes | None = None


def _file(code: str) -> SimpleUploadedFile:
    global _PDF
    if _PDF is None:
        _PDF = sample_pdf("motcua demo")
    return SimpleUploadedFile(f"{code}.pdf", _PDF, content_type="application/pdf")


def _user(username: str, *, last: str, first: str, role: str, email: str = ""):
    return demo_user(username, role, last=last, first=first, email=email or f"{username}@demo.vn")


def _staff():
    User = get_user_model()
    return {
        role: User.objects.filter(username=name).first()
        for role, name in [
            (Role.ONE_STOP_OFFICER, "motcua"),
            (Role.SPECIALIST, "chuyenvien"),
            (Role.HEAD_OF_DIVISION, "truongphong"),
            (Role.DIRECTOR, "giamdoc"),
            (Role.ACCOUNTANT, "ketoan"),
        ]
    }


def _org(name: str, address: str, reg: str, phone: str) -> dict:
    return {
        "organisation_name": name,
        "organisation_address": address,
        "business_registration_no": reg,
        "contact_phone": phone,
        "contact_email": "",
        "facility_address": address,
    }


def _file_all(dossier: Dossier, actor, issued: date) -> None:
    for row in services.checklist(dossier):
        if row["waived"]:
            continue
        services.document_upload(
            dossier=dossier,
            item=row["code"],
            upload=_file(row["code"]),
            actor=actor,
            issued_on=issued if row.get("dated") else None,
        )


def _create(applicant, day: date, kind: str, org: dict, devices=(), **kw) -> Dossier:
    with _on(day, 8):
        dossier = services.dossier_create(
            actor=applicant, kind=kind, organisation=org, devices=devices, **kw
        )
        _file_all(dossier, applicant, day)
        for child in dossier.linked_certificates.all():
            _file_all(child, applicant, day)
    return dossier


def _step(day: date, fn, **kwargs):
    with _on(day, 10):
        return fn(**kwargs)


def _reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def _through_appraisal(d: Dossier, s: dict, accept: date, fee: date, appraisal: date) -> Dossier:
    d = _step(accept, services.dossier_accept, dossier=d, actor=s[Role.ONE_STOP_OFFICER])
    d = _step(
        fee,
        services.dossier_record_fee,
        dossier=d,
        actor=s[Role.ACCOUNTANT],
        receipt_no=f"BL-{fee:%y%m%d}-{d.pk:03d}",
        paid_on=fee,
    )
    _step(fee, services.dossier_assign, dossier=d, actor=s[Role.HEAD_OF_DIVISION],
          specialist=s[Role.SPECIALIST])  # fmt: skip
    return _step(
        appraisal,
        services.dossier_record_appraisal,
        dossier=d,
        actor=s[Role.SPECIALIST],
        conclusion="pass",
        findings="Phòng đặt thiết bị, che chắn và liều bức xạ khu vực làm việc đạt yêu cầu "
        "QCVN; hồ sơ đầy đủ, hợp lệ.",
    )


def _issue(d: Dossier, s: dict, review: date, sign: date) -> None:
    d = _step(review, services.dossier_review, dossier=d, actor=s[Role.HEAD_OF_DIVISION],
              approve=True, note="Đề nghị lãnh đạo Sở ký cấp.")  # fmt: skip
    _step(sign, services.dossier_sign, dossier=d, actor=s[Role.DIRECTOR])


@transaction.atomic
def _seed_q1_2024(s: dict) -> None:
    """The report's quarter, exactly as it was reported: filed and handled on the real
    Q1/2024 dates, four cases still open on 31/03/2024."""
    D = services.DeviceInput
    W = services.WorkerInput
    hoang_long = get_user_model().objects.get(username="nguoinop")
    moc_chau = _user("bv-mocchau", last="Bệnh viện Đa khoa", first="huyện Mộc Châu",
                     role=Role.APPLICANT)  # fmt: skip
    nha_khoa = _user("nk-sonla", last="Phòng khám", first="Nha khoa Sơn La", role=Role.APPLICANT)
    mai_son = _user("ttyt-maison", last="Trung tâm Y tế", first="huyện Mai Sơn",
                    role=Role.APPLICANT)  # fmt: skip
    thao_nguyen = _user("pk-thaonguyen", last="Phòng khám Đa khoa", first="Thảo Nguyên",
                        role=Role.APPLICANT)  # fmt: skip
    phu_yen = _user("bv-phuyen", last="Bệnh viện Đa khoa", first="huyện Phù Yên",
                    role=Role.APPLICANT)  # fmt: skip

    # 1 + the certificate: filed together on 08/01/2024, both issued in January.
    d1 = _create(
        hoang_long,
        date(2024, 1, 8),
        DossierKind.PERMIT_NEW,
        _org("Phòng khám Đa khoa Hoàng Long", "Số 12 đường Tô Hiệu, TP. Sơn La",
             "5500123456", "0212 3850 123"),
        devices=[D("dental", "Vatech PaX-i", "PX-2101-0457", "Vatech, Hàn Quốc", 2021),
                 D("conventional", "Shimadzu RADspeed", "RS-0193", "Shimadzu, Nhật Bản", 2019)],
        with_certificate=W("Lò Văn Bình", date(1990, 4, 12), "014090001234",
                           "Cử nhân kỹ thuật hình ảnh y học"),
    )  # fmt: skip
    d1 = _step(date(2024, 1, 8), services.dossier_submit, dossier=d1, actor=hoang_long)
    cert = d1.linked_certificates.get()
    d1 = _through_appraisal(d1, s, date(2024, 1, 10), date(2024, 1, 12), date(2024, 1, 24))
    _issue(d1, s, date(2024, 1, 25), date(2024, 1, 26))
    cert = _through_appraisal(cert, s, date(2024, 1, 10), date(2024, 1, 12), date(2024, 1, 19))
    _issue(cert, s, date(2024, 1, 22), date(2024, 1, 23))

    # 2: a CT scanner, issued after Tết.
    d2 = _create(
        moc_chau,
        date(2024, 1, 22),
        DossierKind.PERMIT_NEW,
        _org("Bệnh viện Đa khoa huyện Mộc Châu", "Tiểu khu 6, thị trấn Nông trường Mộc Châu",
             "QĐ 1520/QĐ-UBND", "0212 3866 115"),
        devices=[D("ct", "Siemens Somatom go.Now", "SG-88231", "Siemens, Đức", 2022)],
    )  # fmt: skip
    d2 = _step(date(2024, 1, 22), services.dossier_submit, dossier=d2, actor=moc_chau)
    d2 = _through_appraisal(d2, s, date(2024, 1, 24), date(2024, 1, 29), date(2024, 2, 20))
    _issue(d2, s, date(2024, 2, 21), date(2024, 2, 23))

    # 3: waiting for a supplement since 21/02/2024.
    d3 = _create(
        nha_khoa,
        date(2024, 2, 19),
        DossierKind.PERMIT_NEW,
        _org("Phòng khám Nha khoa Sơn La", "Số 45 đường Chu Văn Thịnh, TP. Sơn La",
             "5500456789", "0983 112 456"),
        devices=[D("dental", "Carestream CS 8100", "CS81-33410", "Carestream, Pháp", 2020)],
    )  # fmt: skip
    d3 = _step(date(2024, 2, 19), services.dossier_submit, dossier=d3, actor=nha_khoa)
    _step(
        date(2024, 2, 21),
        services.dossier_request_supplement,
        dossier=d3,
        actor=s[Role.ONE_STOP_OFFICER],
        items=["kiem-xa", "ung-pho-su-co"],
        reasons="Biên bản kiểm xạ chưa có chữ ký của đơn vị đo; kế hoạch ứng phó sự cố chưa "
        "được người đứng đầu cơ sở phê duyệt.",
    )

    # 4: in appraisal.
    d4 = _create(
        mai_son,
        date(2024, 3, 4),
        DossierKind.PERMIT_NEW,
        _org("Trung tâm Y tế huyện Mai Sơn", "Tiểu khu 4, thị trấn Hát Lót, huyện Mai Sơn",
             "QĐ 2231/QĐ-UBND", "0212 3843 210"),
        devices=[D("conventional", "Fujifilm FDR Smart X", "FS-77120", "Fujifilm, Nhật Bản", 2023),
                 D("mobile", "Fujifilm FDR Nano", "FN-10233", "Fujifilm, Nhật Bản", 2023)],
    )  # fmt: skip
    d4 = _step(date(2024, 3, 4), services.dossier_submit, dossier=d4, actor=mai_son)
    officer = s[Role.ONE_STOP_OFFICER]
    d4 = _step(date(2024, 3, 6), services.dossier_accept, dossier=d4, actor=officer)
    _step(date(2024, 3, 8), services.dossier_record_fee, dossier=d4, actor=s[Role.ACCOUNTANT],
          receipt_no="BL-240308-004", paid_on=date(2024, 3, 8))  # fmt: skip

    # 5: late — its appointment was 26/03/2024; the apology slip moved it to 02/04/2024.
    d5 = _create(
        thao_nguyen,
        date(2024, 2, 26),
        DossierKind.PERMIT_NEW,
        _org("Phòng khám Đa khoa Thảo Nguyên", "Tiểu khu 14, thị trấn Nông trường Mộc Châu",
             "5500789012", "0212 3789 012"),
        devices=[D("fluoroscopy", "Philips BV Endura", "BVE-5521", "Philips, Hà Lan", 2018)],
    )  # fmt: skip
    d5 = _step(date(2024, 2, 26), services.dossier_submit, dossier=d5, actor=thao_nguyen)
    d5 = _through_appraisal(d5, s, date(2024, 2, 28), date(2024, 3, 1), date(2024, 3, 21))
    with _on(date(2024, 3, 22), 7):
        services.apologies_draft_due()  # the beat task drafts the slip (2 working days ahead)
    slip = _reload(d5).apologies.get()
    _step(date(2024, 3, 22), services.apology_issue, apology=slip, actor=s[Role.DIRECTOR])

    # 6: just received at the end of the quarter.
    d6 = _create(
        phu_yen,
        date(2024, 3, 27),
        DossierKind.PERMIT_NEW,
        _org("Bệnh viện Đa khoa huyện Phù Yên", "Khối 5, thị trấn Quang Huy, huyện Phù Yên",
             "QĐ 0987/QĐ-UBND", "0212 3863 301"),
        devices=[D("mammography", "Hologic Selenia Dimensions", "HSD-4410", "Hologic, Hoa Kỳ",
                   2022)],
    )  # fmt: skip
    _step(date(2024, 3, 27), services.dossier_submit, dossier=d6, actor=phu_yen)


# --- the actions of a replayed dossier ---------------------------------------------------
# Each one is a single service call by the person whose step it is, and does nothing when
# the dossier is no longer where the action starts (so a second run, or a database seeded
# by an older demo, picks up where the dossier is).
class _Case:
    """A demo dossier: found by its applicant and organisation, or filed by the replay."""

    def __init__(self, username: str, organisation: str) -> None:
        self.username, self.organisation = username, organisation
        self.pk: int | None = None

    def find(self) -> Dossier | None:
        found = Dossier.objects.filter(
            applicant__username=self.username,
            organisation_name=self.organisation,
            parent__isnull=True,
        ).first()
        self.pk = found.pk if found else None
        return found

    def get(self, child: bool = False) -> Dossier | None:
        if self.pk is None:
            return None
        dossier = Dossier.objects.get(pk=self.pk)
        return dossier.linked_certificates.first() if child else dossier


APPRAISAL_OK = (
    "Phòng đặt thiết bị, che chắn và liều bức xạ khu vực làm việc đạt yêu cầu QCVN; hồ sơ "
    "đầy đủ, hợp lệ."
)


def _do(case: _Case, s: dict, action: str, child: bool = False, **kw) -> None:
    d = case.get(child)
    if d is None:
        return
    status = d.status
    officer, head = s[Role.ONE_STOP_OFFICER], s[Role.HEAD_OF_DIVISION]
    if action == "accept" and status == Status.SUBMITTED:
        services.dossier_accept(dossier=d, actor=officer)
    elif action == "reject" and status == Status.SUBMITTED:
        services.dossier_reject(dossier=d, actor=officer, reasons=kw["reasons"])
    elif action == "supplement" and status == Status.SUBMITTED and not d.supplements.exists():
        services.dossier_request_supplement(
            dossier=d, actor=officer, items=kw["items"], reasons=kw["reasons"]
        )
    elif action == "answer" and status == Status.SUPPLEMENT:
        request = d.supplements.filter(answered_on__isnull=True).order_by("-number").first()
        today = timezone.localdate()
        dated = {
            i: today for i in request.items if (d.procedure_version.document(i) or {}).get("dated")
        }
        services.dossier_answer_supplement(
            dossier=d,
            actor=d.applicant,
            files={i: _file(i) for i in request.items},
            issued_on=dated,
        )
    elif action == "fee" and status == Status.AWAITING_FEE:
        paid_on = kw.get("paid_on") or timezone.localdate()
        services.dossier_record_fee(
            dossier=d,
            actor=s[Role.ACCOUNTANT],
            receipt_no=f"BL-{paid_on:%y%m%d}-{d.pk:03d}",
            paid_on=paid_on,
        )
    elif (
        action == "assign"
        and d.specialist_id is None
        and status
        in (
            Status.AWAITING_FEE,
            Status.APPRAISAL,
        )
    ):
        services.dossier_assign(dossier=d, actor=head, specialist=s[Role.SPECIALIST])
    elif action == "appraisal" and status == Status.APPRAISAL:
        services.dossier_record_appraisal(
            dossier=d,
            actor=s[Role.SPECIALIST],
            conclusion=kw.get("conclusion", "pass"),
            findings=kw.get("findings", APPRAISAL_OK),
        )
    elif action == "review" and status == Status.REVIEW:
        services.dossier_review(
            dossier=d, actor=head, approve=True, note=kw.get("note", "Đề nghị lãnh đạo Sở ký.")
        )
    elif action == "sign" and status == Status.SIGNING:
        services.dossier_sign(dossier=d, actor=s[Role.DIRECTOR])
    elif action == "refuse" and status == Status.SIGNING:
        services.dossier_refuse(dossier=d, actor=s[Role.DIRECTOR], reasons=kw["reasons"])
    elif action == "issue_apology":
        slip = d.apologies.filter(state=ApologySlip.State.DRAFT).order_by("-drafted_at").first()
        if slip is not None:
            services.apology_issue(apology=slip, actor=s[Role.DIRECTOR])


def _plan(timeline: Timeline, case: _Case, s: dict, steps, *, child: bool = False) -> None:
    for day, action, kw in steps:
        label = f"{case.organisation}{' (chứng chỉ)' if child else ''}: {action}"
        timeline.at(day, label, lambda a=action, k=kw: _do(case, s, a, child=child, **k))


def _file_step(case: _Case, applicant, kind: str, org: dict, **kw):
    """The applicant files online: the dossier, every checklist file, then submits."""

    def run():
        if case.find() is not None:
            return
        dossier = services.dossier_create(actor=applicant, kind=kind, organisation=org, **kw)
        _file_all(dossier, applicant, timezone.localdate())
        for child in dossier.linked_certificates.all():
            _file_all(child, applicant, timezone.localdate())
        case.pk = dossier.pk
        services.dossier_submit(dossier=dossier, actor=applicant)

    return run


# --- the Q1/2024 cases still open on 31/03/2024 are closed in April 2024 --------------------
# (applicant, organisation, dated steps). The quarter keeps what the report counts; the
# cases then finish the way the department would have finished them.
CARRY_OVER = [
    # waiting for a supplement since 21/02/2024: answered after the quarter, issued
    ("nk-sonla", "Phòng khám Nha khoa Sơn La", [
        (date(2024, 4, 2), "answer", {}),
        (date(2024, 4, 4), "accept", {}),
        (date(2024, 4, 8), "fee", {}),
        (date(2024, 4, 8), "assign", {}),
        (date(2024, 4, 19), "appraisal", {}),
        (date(2024, 4, 22), "review", {}),
        (date(2024, 4, 24), "sign", {}),
    ]),
    # in appraisal (fee 08/03/2024, appointment 02/04/2024): issued on the appointment day
    ("ttyt-maison", "Trung tâm Y tế huyện Mai Sơn", [
        (date(2024, 4, 1), "assign", {}),
        (date(2024, 4, 1), "appraisal", {}),
        (date(2024, 4, 2), "review", {}),
        (date(2024, 4, 2), "sign", {}),
    ]),
    # late: the apology slip moved its appointment to 02/04/2024, kept
    ("pk-thaonguyen", "Phòng khám Đa khoa Thảo Nguyên", [
        (date(2024, 4, 1), "review", {}),
        (date(2024, 4, 2), "sign", {}),
    ]),
    # received 27/03/2024 (check due 03/04/2024)
    ("bv-phuyen", "Bệnh viện Đa khoa huyện Phù Yên", [
        (date(2024, 4, 2), "accept", {}),
        (date(2024, 4, 5), "fee", {}),
        (date(2024, 4, 5), "assign", {}),
        (date(2024, 4, 17), "appraisal", {}),
        (date(2024, 4, 19), "review", {}),
        (date(2024, 4, 23), "sign", {}),
    ]),
]  # fmt: skip


def _carry_q1_2024(s: dict) -> Timeline:
    timeline = Timeline()
    for username, organisation, steps in CARRY_OVER:
        case = _Case(username, organisation)
        if case.find() is not None:
            _plan(timeline, case, s, steps)
    timeline.run()
    return timeline


# --- the current dossiers, dated from today ----------------------------------------------
# Nothing of the current set may fall in the report's quarter or its carry-over.
HISTORY_SPAN = (date(2023, 12, 1), date(2024, 5, 31))
SWEEP_DAYS_BACK = 45  # the beat's daily work is replayed over the last 45 days
EXPIRY_AHEAD_DAYS = 55  # the permit nearing expiry: T-90 and T-60 sent, T-50 in 5 days

_D, _W = services.DeviceInput, services.WorkerInput

# username: (organisation, address, registration, phone, devices or the worker)
FACILITIES = {
    "rhm-taybac": ("Phòng khám Răng Hàm Mặt Tây Bắc", "Số 8 đường Lò Văn Giá, TP. Sơn La",
                   "5500612345", "0212 3751 886",
                   [_D("dental", "Planmeca ProMax 2D", "PM-2D-81544", "Planmeca, Phần Lan", 2022)]),
    "ttyt-thuanchau": ("Trung tâm Y tế huyện Thuận Châu", "Tiểu khu 11, thị trấn Thuận Châu",
                       "QĐ 1187/QĐ-UBND", "0212 3847 115",
                       [_D("conventional", "Toshiba KXO-50SS", "KX-50-3317", "Toshiba, Nhật Bản",
                           2017)]),
    "pk-binhan": ("Phòng khám Đa khoa Bình An", "Số 102 đường Trường Chinh, TP. Sơn La",
                  "5500733221", "0912 448 213",
                  [_D("conventional", "DRGEM GXR-40", "GXR-40-1186", "DRGEM, Hàn Quốc", 2020),
                   _D("dental", "Vatech PaX-i", "PX-1905-2211", "Vatech, Hàn Quốc", 2019)]),
    "nk-nucuoi": ("Phòng khám Nha khoa Nụ Cười Việt", "Số 27 đường Nguyễn Lương Bằng, TP. Sơn La",
                  "5500845670", "0978 665 120",
                  [_D("dental", "Carestream CS 8100", "CS81-90412", "Carestream, Pháp", 2021)]),
    "bv-songma": ("Bệnh viện Đa khoa huyện Sông Mã", "Tổ 4, thị trấn Sông Mã", "QĐ 0765/QĐ-UBND",
                  "0212 3836 102",
                  [_D("conventional", "Shimadzu RADspeed Pro", "RSP-0456", "Shimadzu, Nhật Bản",
                      2021),
                   _D("mobile", "Fujifilm FDR Go", "FGO-7731", "Fujifilm, Nhật Bản", 2022)]),
    "ttyt-yenchau": ("Trung tâm Y tế huyện Yên Châu", "Tiểu khu 2, thị trấn Yên Châu",
                     "QĐ 1342/QĐ-UBND", "0212 3840 210",
                     [_D("fluoroscopy", "Siemens Luminos Fusion", "LF-22871", "Siemens, Đức",
                         2019)]),
    "bv-bacyen": ("Bệnh viện Đa khoa huyện Bắc Yên", "Tiểu khu 1, thị trấn Bắc Yên",
                  "QĐ 0912/QĐ-UBND", "0212 3860 118",
                  [_D("conventional", "Philips DigitalDiagnost C50", "DDC-5512",
                      "Philips, Hà Lan", 2023)]),
    "pk-hongduc": ("Phòng khám Đa khoa Hồng Đức", "Số 15 đường 3/2, TP. Sơn La", "5500921876",
                   "0212 3752 679",
                   [_D("ct", "GE Revolution ACT", "RACT-66120", "GE Healthcare, Hoa Kỳ", 2022)]),
    "bv-muongla": ("Bệnh viện Đa khoa huyện Mường La", "Tiểu khu 3, thị trấn Ít Ong, Mường La",
                   "QĐ 1033/QĐ-UBND", "0212 3831 145",
                   [_D("ct", "Canon Aquilion Lightning", "AQL-30187", "Canon, Nhật Bản", 2021)]),
    "ttyt-sopcop": ("Trung tâm Y tế huyện Sốp Cộp", "Bản Hua Mường, xã Sốp Cộp", "QĐ 1420/QĐ-UBND",
                    "0212 3891 026",
                    _W("Lò Thị Mai", date(1992, 9, 3), "014192004517",
                       "Cử nhân kỹ thuật hình ảnh y học")),
    "pk-vanho": ("Phòng khám Đa khoa Vân Hồ", "Tiểu khu Bó Nhàng 1, xã Vân Hồ", "5500390144",
                 "0212 3863 870",
                 [_D("dental", "Sirona Orthophos XG", "OXG-44120", "Dentsply Sirona, Đức", 2020),
                  _D("conventional", "DRGEM GXR-32", "GXR-32-0928", "DRGEM, Hàn Quốc", 2021)]),
    "pk-anphuc": ("Phòng khám Đa khoa An Phúc", "Số 210 đường Chu Văn Thịnh, TP. Sơn La",
                  "5500477812", "0212 3755 166",
                  [_D("mammography", "Siemens Mammomat Revelation", "MMR-10982", "Siemens, Đức",
                      2023)]),
    "cdha-haibinh": ("Phòng khám Chẩn đoán hình ảnh Hải Bình", "Số 5 đường Tô Hiệu, TP. Sơn La",
                     "5500512093", "0915 220 617",
                     [_D("conventional", "Carestream DRX-Compass", "DRXC-2201",
                         "Carestream, Hoa Kỳ", 2018)]),
    "bv-quynhnhai": ("Bệnh viện Đa khoa huyện Quỳnh Nhai", "Phường Chiềng Khoang, huyện Quỳnh Nhai",
                     "QĐ 0655/QĐ-UBND", "0212 3837 309",
                     [_D("conventional", "Shimadzu RADspeed", "RS-0877", "Shimadzu, Nhật Bản",
                         2016)]),
}  # fmt: skip

AN_PHUC_SAFETY_OFFICER = _W(
    "Cầm Thị Hoa", date(1994, 2, 17), "014194006238", "Cử nhân kỹ thuật hình ảnh y học"
)
NOT_ACCEPTED_REASONS = (
    "Cơ sở chưa được cấp giấy phép hoạt động khám bệnh, chữa bệnh; đề nghị hoàn thành thủ "
    "tục với Sở Y tế trước khi đề nghị cấp giấy phép tiến hành công việc bức xạ."
)
SUPPLEMENT_REASONS = (
    "Giấy chứng nhận kiểm định thiết bị đã hết hiệu lực; biên bản kiểm xạ chưa ghi số sê-ri "
    "thiết bị và vị trí đo."
)
FAILED_FINDINGS = (
    "Liều bức xạ đo tại hành lang công chúng vượt giới hạn 0,5 µSv/h; tường phòng đặt máy "
    "chưa được che chắn bổ sung theo thiết kế."
)
REFUSAL_REASONS = (
    "Kết quả thẩm định không đạt: phòng đặt thiết bị X-quang chưa bảo đảm che chắn, liều bức "
    "xạ khu vực công chúng vượt giới hạn cho phép."
)


def _current(s: dict, today: date) -> tuple[Timeline, list[_Case], tuple[date, date]]:
    """The current set: one dossier in each state and each warning, dated back from the
    last working day up to today (`w(k)`: k working days before it)."""
    anchor = previous_working_day_on_or_before(today)

    def w(k: int) -> date:
        return add_working_days(anchor, -k)

    version = procedure_version_for(PROCEDURE_CODES[DossierKind.PERMIT_NEW], anchor)
    result_days = version.rule("result").amount

    def to_appointment(appointment: date) -> list:
        """The dated steps up to the fee of a permit whose appointment is `appointment` (the
        result limit, in calendar days, runs from the payment)."""
        paid = appointment - timedelta(days=result_days)
        record = next_working_day_on_or_after(paid)
        accept = add_working_days(record, -1)
        return [
            (add_working_days(accept, -2), "file", {}),
            (accept, "accept", {}),
            (record, "fee", {"paid_on": paid}),
            (record, "assign", {}),
        ]

    def to_fee(file: int, accept: int, fee: int) -> list:
        return [(w(file), "file", {}), (w(accept), "accept", {}), (w(fee), "fee", {}),
                (w(fee), "assign", {})]  # fmt: skip

    P, C = DossierKind.PERMIT_NEW, DossierKind.CERTIFICATE
    stories = [
        # submitted: the 5-working-day check due in 2 days, due today, 2 days late
        ("rhm-taybac", P, [(w(3), "file", {})], []),
        ("ttyt-thuanchau", P, [(w(5), "file", {})], []),
        ("pk-binhan", P, [(w(7), "file", {})], []),
        # not accepted (Mẫu 03)
        ("nk-nucuoi", P, [(w(6), "file", {}), (w(4), "reject", {"reasons": NOT_ACCEPTED_REASONS})],
         []),
        # waiting for a supplement; the applicant's reminder is sent today
        ("bv-songma", P, [(w(12), "file", {}), (w(10), "supplement", {
            "items": ["kiem-dinh", "kiem-xa"], "reasons": SUPPLEMENT_REASONS})], []),
        # accepted, waiting for the fee
        ("ttyt-yenchau", P, [(w(6), "file", {}), (w(3), "accept", {})], []),
        # in appraisal, the specialist's step due tomorrow (reminded today)
        ("bv-bacyen", P, to_fee(13, 11, 9), []),
        # late: the appointment passed 2 working days ago; the apology slip, drafted by the
        # beat 2 working days before it and issued by the director, moved it 5 working
        # days on; the appraisal has since been recorded and waits for the head
        ("pk-hongduc", P, to_appointment(w(2)) + [
            (add_working_days(w(2), -2), "issue_apology", {}), (w(1), "appraisal", {})], []),
        # in appraisal, late on its step, the appointment in 2 working days: the beat drafted
        # the apology slip this morning; it must be issued by tomorrow
        ("bv-muongla", P, to_appointment(w(-2)), []),
        # a certificate in review, the head's step due today
        ("ttyt-sopcop", C, to_fee(9, 7, 6) + [(w(2), "appraisal", {})], []),
        # waiting for the director's signature, due tomorrow
        ("pk-vanho", P, to_fee(17, 15, 13) + [(w(3), "appraisal", {}), (w(1), "review", {})],
         []),
        # issued on time, with the safety officer's certificate filed together
        ("pk-anphuc", P, to_fee(26, 24, 23) + [
            (w(15), "appraisal", {}), (w(14), "review", {}), (w(12), "sign", {})], [
            (w(24), "accept", {}), (w(23), "fee", {}), (w(23), "assign", {}),
            (w(20), "appraisal", {}), (w(19), "review", {}), (w(18), "sign", {})]),
        # refused after a failed appraisal
        ("cdha-haibinh", P, to_fee(22, 20, 19) + [
            (w(10), "appraisal", {"conclusion": "fail", "findings": FAILED_FINDINGS}),
            (w(9), "review", {"note": "Đề nghị lãnh đạo Sở ký văn bản không cấp."}),
            (w(8), "refuse", {"reasons": REFUSAL_REASONS})], []),
    ]  # fmt: skip
    # a permit issued three years ago and expiring in 55 days: reminded at T-90 and T-60,
    # the renewal window closes in 10 days. Left out when those dates fall in the
    # report's quarter: then the quarter's own permits are the ones nearing expiry.
    sign = previous_working_day_on_or_before(
        rules.add_years(today + timedelta(days=EXPIRY_AHEAD_DAYS), -3)
    )
    filed = add_working_days(sign, -16)
    if not (HISTORY_SPAN[0] <= sign and filed <= HISTORY_SPAN[1]):
        stories.append(("bv-quynhnhai", P, [
            (filed, "file", {}), (add_working_days(sign, -14), "accept", {}),
            (add_working_days(sign, -13), "fee", {}), (add_working_days(sign, -13), "assign", {}),
            (add_working_days(sign, -4), "appraisal", {}),
            (add_working_days(sign, -3), "review", {}), (sign, "sign", {})], []))  # fmt: skip

    timeline, cases = Timeline(), []
    for username, kind, steps, child_steps in stories:
        name, address, registration, phone, what = FACILITIES[username]
        case = _Case(username, name)
        if case.find() is not None:
            continue
        cases.append(case)
        words = name.split(" ")  # shown as "last first": the organisation's name
        user = _user(username, last=" ".join(words[:3]), first=" ".join(words[3:]),
                     role=Role.APPLICANT)  # fmt: skip
        org = _org(name, address, registration, phone)
        if kind == C:
            create = {"worker": what}
        else:
            create = {"devices": what}
            if username == "pk-anphuc":
                create["with_certificate"] = AN_PHUC_SAFETY_OFFICER
        (day, _file_action, _kw), *rest = steps
        timeline.at(day, f"{name}: file", _file_step(case, user, kind, org, **create))
        _plan(timeline, case, s, rest)
        _plan(timeline, case, s, child_steps, child=True)
    return timeline, cases, (today - timedelta(days=SWEEP_DAYS_BACK), today)


def seed_permits(stdout=None) -> dict:
    """The demo of the radiation procedures (idempotent): the Q1/2024 history, closed
    after the quarter, and the current dossiers on dates relative to today, with the
    beat's reminders of the last weeks. Returns what was done and what was skipped."""
    catalogue_install()
    s = _staff()
    if not all(s.values()):
        return {}
    today = timezone.localdate()
    if not Dossier.objects.exists():
        _seed_q1_2024(s)
    carried = _carry_q1_2024(s)
    timeline, cases, window = _current(s, today)
    if cases:
        timeline.run(
            window=window,
            daily=[services.apologies_draft_due, services.permits_expire],
            today=today,
        )
    skipped = carried.skipped + timeline.skipped
    if stdout is not None:
        current = Dossier.objects.filter(pk__in=[c.pk for c in cases if c.pk])
        stdout.write(
            f"Hồ sơ bức xạ mẫu: {Dossier.objects.count()} hồ sơ (quý I/2024 và "
            f"{current.count()} hồ sơ mới nạp, tính đến ngày {today:%d/%m/%Y})."
        )
        for line in skipped:
            stdout.write(f"  bỏ qua: {line}")
    return {"current": [c.pk for c in cases if c.pk], "skipped": skipped}
