"""Permit expiry reminders (T-90, T-60, T-50 days) and the refusal of bad uploads."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings

from notifications.models import Notification
from notifications.services import deadlines_sweep
from permits import services
from permits.models import Document, Permit, Status
from permits.uploads import UploadRefused
from tests.permits.conftest import JPEG, PNG, drive, file_dossier, on, pdf
from workflows.errors import DomainError
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def _issued_permit(staff, applicant) -> Permit:
    with on(date(2024, 2, 28)):
        dossier = drive(file_dossier(applicant), staff, Status.SIGNING)
        return services.dossier_sign(dossier=dossier, actor=staff[Role.DIRECTOR])


def test_expiry_reminders_at_90_60_and_50_days(staff, applicant):
    permit = _issued_permit(staff, applicant)
    assert permit.valid_until == date(2027, 2, 28)
    fired = []
    # T-90 = 30/11/2026, T-60 = 30/12/2026, T-50 = Sat 09/01/2027 → Fri 08/01/2027
    # (a reminder on a day off is sent the working day before, never after: issue 8)
    for day in [
        date(2026, 11, 29),
        date(2026, 11, 30),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2027, 1, 8),
        date(2027, 1, 11),
        date(2027, 1, 12),
    ]:
        with on(day):
            if deadlines_sweep(today=day):
                fired.append(day)
    assert fired == [date(2026, 11, 30), date(2026, 12, 30), date(2027, 1, 8)]
    notes = Notification.objects.filter(recipient=applicant, template="permit_expiry")
    assert notes.filter(channel="in_app").count() == 3
    assert "28/02/2027" in notes.first().subject
    assert permit.number in notes.first().body


def test_expired_permit_leaves_the_register(staff, applicant):
    permit = _issued_permit(staff, applicant)
    with on(date(2027, 3, 1)):
        assert services.permits_expire() == 1
        assert services.permits_expire() == 0
    permit.refresh_from_db()
    assert permit.state == Permit.State.EXPIRED
    # a renewal of an expired permit is refused: a new permit is needed
    with on(date(2027, 3, 2)), pytest.raises(DomainError, match="không còn hiệu lực"):
        file_dossier(applicant, kind="permit_renewal", previous_permit=permit)


def _stored_files() -> set[str]:
    root = settings.MEDIA_ROOT
    found = set()
    for folder, _dirs, files in os.walk(root):
        found.update(os.path.join(folder, f) for f in files)
    return found


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("giay-phep.pdf", b"MZ\x90\x00 this is an executable", "không phải PDF, JPEG hoặc PNG"),
        ("anh.png", b"GIF89a\x01\x00", "không phải PDF, JPEG hoặc PNG"),
        ("trong.pdf", b"", "rỗng"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(applicant, name, content, reason):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, upload=False)
        before = _stored_files()
        with pytest.raises(UploadRefused, match=reason):
            services.document_upload(
                dossier=dossier, item="don-de-nghi", upload=pdf(name, content), actor=applicant
            )
    assert not Document.objects.exists()
    assert _stored_files() == before


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_too_large_upload_is_refused(applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, upload=False)
        with pytest.raises(UploadRefused, match="vượt quá giới hạn"):
            services.document_upload(
                dossier=dossier,
                item="don-de-nghi",
                upload=pdf("lon.pdf", b"%PDF-1.4\n" + b"0" * 2048),
                actor=applicant,
            )
    assert not Document.objects.exists()


def test_path_tricks_in_the_name_are_cleaned_and_the_file_gets_a_random_name(applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, upload=False)
        doc = services.document_upload(
            dossier=dossier,
            item="don-de-nghi",
            upload=pdf("../../etc/passwd.pdf"),
            actor=applicant,
        )
        png = services.document_upload(
            dossier=dossier,
            item="kiem-xa",
            upload=pdf("a.png", PNG),
            actor=applicant,
        )
        jpg = services.document_upload(
            dossier=dossier,
            item="ung-pho-su-co",
            upload=pdf("C:\\x\\b.jpg", JPEG),
            actor=applicant,
        )
    assert doc.original_name == "passwd.pdf"
    assert "passwd" not in doc.file.name and doc.file.name.startswith("permits/")
    assert doc.file.name.endswith(".pdf") and doc.content_type == "application/pdf"
    assert png.content_type == "image/png" and png.file.name.endswith(".png")
    assert jpg.original_name == "b.jpg" and jpg.content_type == "image/jpeg"
    assert os.path.realpath(doc.file.path).startswith(os.path.realpath(settings.MEDIA_ROOT))


def test_wrong_item_and_submitted_dossier_refuse_uploads(staff, applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, upload=False)
        with pytest.raises(DomainError, match="không hợp lệ"):
            services.document_upload(
                dossier=dossier, item="khong-co", upload=pdf(), actor=applicant
            )
        dossier = drive(file_dossier(applicant), staff, Status.SUBMITTED)
        with pytest.raises(DomainError, match="chỉ bổ sung"):
            services.document_upload(
                dossier=dossier, item="don-de-nghi", upload=pdf(), actor=applicant
            )
