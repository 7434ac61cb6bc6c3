"""Demo data of the radiation procedures, from the department's Q1/2024 report.

The report (seed/bao-cao-khcn-quy-I-2024.txt) counts 06 permit dossiers and 01
certificate dossier received in Q1/2024. They are replayed here through the real
services on real Q1/2024 dates (the clock is moved for each step), so every date,
ledger row, clock event and audit entry is what the engine would have produced:
two permits and the certificate issued, one in appraisal, one waiting for a
supplement, one late with its apology slip, one just received.
The facilities are illustrative; the report does not name them.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from workflows.demo import DEMO_PASSWORD
from workflows.roles import Role

from . import services
from .catalogue import catalogue_install
from .models import Dossier, DossierKind

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@contextmanager
def _on(day: date, hour: int = 9):
    try:
        import time_machine
    except ImportError as exc:  # pragma: no cover - dev dependency, installed by `make setup`
        raise RuntimeError("seed_demo needs the dev dependencies (pip install -e .[dev])") from exc
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False):
        yield


def _sample_pdf(title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.drawString(72, 770, "Demo document - motcua")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


_PDF: bytes | None = None


def _file(code: str) -> SimpleUploadedFile:
    global _PDF
    if _PDF is None:
        _PDF = _sample_pdf("motcua demo")
    return SimpleUploadedFile(f"{code}.pdf", _PDF, content_type="application/pdf")


def _user(username: str, *, last: str, first: str, role: str, email: str = ""):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"last_name": last, "first_name": first, "email": email or f"{username}@demo.vn"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


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
def seed_permits(stdout=None) -> None:
    catalogue_install()
    if Dossier.objects.exists():
        return
    s = _staff()
    if not all(s.values()):
        return
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

    if stdout is not None:
        stdout.write(
            "Hồ sơ bức xạ mẫu (quý I/2024): "
            + ", ".join(f"{d.code} ({d.get_status_display()})" for d in Dossier.objects.all())
        )
