"""Fixtures of the radiation procedures: staff by role, an applicant, valid files, and
helpers that build a dossier and drive it to a given state through the services."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from permits import services
from permits.models import Dossier, DossierKind, Status
from tests.conftest import make_user
from workflows.models import Division
from workflows.roles import Role

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _real_pdf() -> bytes:
    """A one-page PDF that pypdf opens (uploads are checked by parsing, issue 8)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _real_image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


PDF = _real_pdf()
PNG = _real_image("PNG")
JPEG = _real_image("JPEG")


@contextmanager
def on(day: date, hour: int = 9):
    """Move the clock to `day` (Vietnam time) for the duration of the block."""
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False):
        yield


def pdf(name: str = "tai-lieu.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def divisions(db):
    return {
        code: Division.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [
            ("mot-cua", "Bộ phận Một cửa"),
            ("cn-qlkhcs", "Phòng Công nghệ và Quản lý khoa học cơ sở"),
            ("van-phong", "Văn phòng Sở"),
        ]
    }


@pytest.fixture
def staff(divisions):
    """One user per staff role, in the divisions the procedure uses."""
    return {
        Role.ONE_STOP_OFFICER: make_user(
            "motcua", Role.ONE_STOP_OFFICER, division=divisions["mot-cua"]
        ),
        Role.SPECIALIST: make_user("chuyenvien", Role.SPECIALIST, division=divisions["cn-qlkhcs"]),
        Role.HEAD_OF_DIVISION: make_user(
            "truongphong", Role.HEAD_OF_DIVISION, division=divisions["cn-qlkhcs"]
        ),
        Role.DIRECTOR: make_user("giamdoc", Role.DIRECTOR, division=divisions["van-phong"]),
        Role.ACCOUNTANT: make_user("ketoan", Role.ACCOUNTANT, division=divisions["van-phong"]),
        Role.COUNCIL_SECRETARY: make_user("thuky", Role.COUNCIL_SECRETARY),
        Role.INSPECTOR: make_user("thanhtra", Role.INSPECTOR),
    }


@pytest.fixture
def applicant(db):
    return make_user("phongkham", Role.APPLICANT, first_name="Phòng khám", last_name="Đa khoa")


@pytest.fixture
def other_applicant(db):
    return make_user("nhathuoc", Role.APPLICANT)


ORGANISATION = {
    "organisation_name": "Phòng khám Đa khoa Hoàng Long",
    "organisation_address": "Số 12 đường Tô Hiệu, TP. Sơn La",
    "business_registration_no": "5500123456",
    "contact_phone": "0212 3850 123",
    "contact_email": "hoanglong@example.vn",
    "facility_address": "Số 12 đường Tô Hiệu, TP. Sơn La",
}

DEVICES = [
    services.DeviceInput("dental", "Vatech PaX-i", "SN-001", "Vatech, Hàn Quốc", 2021),
    services.DeviceInput("ct", "Revolution EVO", "SN-002", "GE, Hoa Kỳ", 2020),
]

WORKER = services.WorkerInput("Lò Văn Bình", date(1990, 4, 12), "014090001234", "Cử nhân X-quang")


def upload_all(dossier: Dossier, actor, *, health_issued: date | None = None) -> None:
    """Upload every required item of the checklist (dated items dated `health_issued`
    or the day of the upload)."""
    from django.utils import timezone

    for row in services.checklist(dossier):
        if row["waived"]:
            continue
        issued = (health_issued or timezone.localdate()) if row.get("dated") else None
        services.document_upload(
            dossier=dossier,
            item=row["code"],
            upload=pdf(f"{row['code']}.pdf"),
            actor=actor,
            issued_on=issued,
        )


def file_dossier(
    applicant,
    *,
    kind=DossierKind.PERMIT_NEW,
    devices=DEVICES,
    with_certificate=None,
    previous_permit=None,
    upload=True,
) -> Dossier:
    dossier = services.dossier_create(
        actor=applicant,
        kind=kind,
        organisation=ORGANISATION,
        devices=devices if kind != DossierKind.CERTIFICATE else (),
        worker=WORKER if kind == DossierKind.CERTIFICATE else None,
        with_certificate=with_certificate,
        previous_permit=previous_permit,
    )
    if upload:
        upload_all(dossier, applicant)
        for child in dossier.linked_certificates.all():
            upload_all(child, applicant)
    return dossier


def drive(dossier: Dossier, staff, to: str, *, conclusion: str = "pass") -> Dossier:
    """Take a dossier through the services up to the state `to`, all on today's date."""
    order = [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.AWAITING_FEE,
        Status.APPRAISAL,
        Status.REVIEW,
        Status.SIGNING,
        Status.ISSUED,
    ]
    while dossier.status != to:
        step = dossier.status
        if step == Status.DRAFT:
            dossier = services.dossier_submit(dossier=dossier, actor=dossier.applicant)
        elif step == Status.SUBMITTED:
            dossier = services.dossier_accept(dossier=dossier, actor=staff[Role.ONE_STOP_OFFICER])
        elif step == Status.AWAITING_FEE:
            dossier = services.dossier_record_fee(
                dossier=dossier, actor=staff[Role.ACCOUNTANT], receipt_no="BL-0001"
            )
        elif step == Status.APPRAISAL:
            dossier = services.dossier_record_appraisal(
                dossier=dossier,
                actor=staff[Role.SPECIALIST],
                conclusion=conclusion,
                findings="Hồ sơ đáp ứng yêu cầu an toàn bức xạ.",
            )
        elif step == Status.REVIEW:
            dossier = services.dossier_review(
                dossier=dossier, actor=staff[Role.HEAD_OF_DIVISION], approve=True
            )
        elif step == Status.SIGNING and to == Status.ISSUED:
            services.dossier_sign(dossier=dossier, actor=staff[Role.DIRECTOR])
            dossier = Dossier.objects.get(pk=dossier.pk)
        else:
            raise AssertionError(f"cannot drive from {step} to {to}")
        assert order.index(dossier.status) > order.index(step)
    return dossier
