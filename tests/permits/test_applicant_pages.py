"""The applicant's pages, through the Django test client, with moved time."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from permits import services
from permits.models import Document, Dossier, DossierKind, Status
from tests.conftest import make_user
from tests.permits.conftest import PDF, PNG, drive, file_dossier, on, pdf
from workflows.roles import Role

pytestmark = pytest.mark.django_db

ORGANISATION_POST = {
    "org-organisation_name": "Phòng khám Đa khoa Hoàng Long",
    "org-organisation_address": "Số 12 đường Tô Hiệu, TP. Sơn La",
    "org-business_registration_no": "5500123456",
    "org-contact_phone": "0212 3850 123",
    "org-contact_email": "hoanglong@example.vn",
    "org-facility_address": "Số 12 đường Tô Hiệu, TP. Sơn La",
}


def devices_post(*rows: tuple[str, str, str]) -> dict:
    data = {
        "devices-TOTAL_FORMS": str(len(rows)),
        "devices-INITIAL_FORMS": "0",
        "devices-MIN_NUM_FORMS": "0",
        "devices-MAX_NUM_FORMS": "1000",
    }
    for i, (category, model, serial) in enumerate(rows):
        data.update(
            {
                f"devices-{i}-category": category,
                f"devices-{i}-model_name": model,
                f"devices-{i}-serial_number": serial,
                f"devices-{i}-manufacturer": "Hàn Quốc",
                f"devices-{i}-year_made": "2021",
            }
        )
    return data


TWO_DEVICES = devices_post(("dental", "Vatech PaX-i", "SN-001"), ("ct", "Revolution EVO", "SN-002"))


def detail_url(dossier) -> str:
    return reverse("permits:dossier-detail", kwargs={"code": dossier.code})


def upload_url(dossier) -> str:
    return reverse("permits:document-upload", kwargs={"code": dossier.code})


def text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads of each test go to its own folder (not the shared test MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file())


def upload_all_http(client, dossier, issued: str = "2024-02-01") -> None:
    for row in services.checklist(dossier):
        data = {"item": row["code"], "file": pdf(f"{row['code']}.pdf")}
        if row.get("dated"):
            data["issued_on"] = issued
        response = client.post(upload_url(dossier), data)
        assert response.status_code == 302, text(response)


# --- account --------------------------------------------------------------------------
def test_register_creates_an_applicant_and_logs_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    # issue 8 (F17): the account is activated from the link mailed to the address, so
    # the page's answer never tells whether the address was already registered
    url = reverse("permits:signup")
    assert client.get(url).status_code == 200
    data = {
        "username": "phongkham-hl",
        "full_name": "Nguyễn Thị Lan",
        "email": "lan@example.vn",
        "phone": "0912 345 678",
        "password1": "Mat-khau-rat-kho-2024",
        "password2": "Mat-khau-khac-2024",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Hai trường mật khẩu không giống nhau." in text(response)
    assert not get_user_model().objects.filter(username="phongkham-hl").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "password2": data["password1"]})
    assert response.status_code == 200
    assert "Một thư đã được gửi tới" in text(response)
    user = get_user_model().objects.get(username="phongkham-hl")
    assert not user.is_active
    assert user.get_full_name() == "Nguyễn Thị Lan"
    assert user.phone == "0912 345 678"
    assert user.groups.filter(name=Role.APPLICANT).exists()
    [mail] = mailoutbox
    assert mail.to == ["lan@example.vn"]
    link = next(w for w in mail.body.split() if "/dang-ky/kich-hoat/" in w)
    response = client.get(link.split("8000", 1)[-1])
    assert response.status_code == 302
    assert response["Location"] == reverse("permits:my-dossiers")
    page = client.get(reverse("permits:my-dossiers"))
    assert page.status_code == 200
    assert "Hồ sơ của tôi" in text(page)
    # a signed-in user is sent to their dossiers
    assert client.get(url).status_code == 302


def test_register_refuses_a_weak_password_and_does_not_disclose_a_taken_email(client, applicant):
    response = client.post(
        reverse("permits:signup"),
        {
            "username": "moi",
            "full_name": "Lò Văn Bình",
            "email": applicant.email,
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    body = text(response)
    assert response.status_code == 200
    # issue 8 (F17): the taken address is not disclosed
    assert "đã được dùng cho tài khoản khác" not in body
    assert "Mật khẩu này quá phổ biến." in body or "hoàn toàn là số" in body


def test_pages_need_login_except_lookup_and_register(client):
    for url in [
        reverse("permits:my-dossiers"),
        reverse("permits:dossier-create", kwargs={"kind": "permit_new"}),
        reverse("permits:dossier-detail", kwargs={"code": "GPBX-240205-0001"}),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.get(reverse("permits:lookup")).status_code == 200
    assert client.get(reverse("permits:signup")).status_code == 200


# --- filing ---------------------------------------------------------------------------
def test_file_a_permit_dossier_upload_and_submit(client, applicant, media):
    client.force_login(applicant)
    create = reverse("permits:dossier-create", kwargs={"kind": DossierKind.PERMIT_NEW})
    with on(date(2024, 2, 5)):
        page = client.get(create)
        assert page.status_code == 200
        assert "Chụp cắt lớp vi tính (CT)" in text(page)
        assert "8.000.000" in text(page)  # the catalogue's fee table
        # the fee total, computed on the server, before anything is created
        preview = client.post(create, {**ORGANISATION_POST, **TWO_DEVICES, "recalc": "1"})
        assert preview.status_code == 200
        assert re.search(r'id="fee-total">10\.000\.000<', text(preview))
        assert not Dossier.objects.exists()
        # add a row without JavaScript: three device boxes
        more = client.post(create, {**ORGANISATION_POST, **TWO_DEVICES, "add_device": "1"})
        assert text(more).count('class="device"') == 3

        response = client.post(create, {**ORGANISATION_POST, **TWO_DEVICES, "create": "1"})
        assert response.status_code == 302
        dossier = Dossier.objects.get()
        assert response["Location"] == detail_url(dossier)
        assert dossier.status == Status.DRAFT
        assert dossier.fee_total == 10_000_000
        assert dossier.devices.count() == 2

        page = client.get(detail_url(dossier))
        body = text(page)
        assert "10.000.000" in body
        assert "Đang soạn" in body
        assert dossier.lookup_key in body and "Mã tra cứu" in body
        assert f'action="/ho-so/{dossier.code}/nop/"' in body

        # submitting an incomplete dossier is refused with the reason; nothing changes
        response = client.post(reverse("permits:dossier-submit", kwargs={"code": dossier.code}))
        assert response.status_code == 400
        assert "Hồ sơ còn thiếu" in text(response)
        dossier.refresh_from_db()
        assert dossier.status == Status.DRAFT

        upload_all_http(client, dossier)
        assert dossier.documents.filter(is_current=True).count() == 11

        response = client.post(reverse("permits:dossier-submit", kwargs={"code": dossier.code}))
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert dossier.status == Status.SUBMITTED

        page = client.get(detail_url(dossier))
        body = text(page)
        assert "Đã nộp, chờ kiểm tra" in body
        assert "05/02/2024" in body  # received
        assert 'id="appointment-date">19/02/2024<' in body  # 5 working days after
        assert "Nộp hồ sơ" in body  # the timeline entry
        assert f'action="/ho-so/{dossier.code}/nop/"' not in body
        assert 'class="upload"' not in body

        listing = client.get(reverse("permits:my-dossiers"))
        assert dossier.code in text(listing)
        assert "19/02/2024" in text(listing)


def test_file_with_linked_certificate(client, applicant):
    client.force_login(applicant)
    create = reverse("permits:dossier-create", kwargs={"kind": DossierKind.PERMIT_NEW})
    worker = {
        "cert-name": "Lò Văn Bình",
        "cert-birth_date": "1990-04-12",
        "cert-id_number": "014090001234",
        "cert-qualification": "Cử nhân X-quang",
    }
    data = {**ORGANISATION_POST, **devices_post(("dental", "Vatech", "SN-9"))}
    with on(date(2024, 3, 4)):
        # ticked, but the worker is missing: refused, nothing created
        response = client.post(create, {**data, "opt-with_certificate": "on"})
        assert response.status_code == 400
        assert not Dossier.objects.exists()
        response = client.post(create, {**data, "opt-with_certificate": "on", **worker})
        assert response.status_code == 302
    parent = Dossier.objects.get(kind=DossierKind.PERMIT_NEW)
    child = parent.linked_certificates.get()
    assert child.worker_name == "Lò Văn Bình"
    body = text(client.get(detail_url(parent)))
    assert child.code in body
    assert "Không cần nộp" in body  # the safety officer's certificate item is waived
    child_page = text(client.get(detail_url(child)))
    assert parent.code in child_page
    assert f'action="/ho-so/{child.code}/nop/"' not in child_page  # filed with the parent


def test_certificate_dossier_and_missing_devices(client, applicant):
    client.force_login(applicant)
    with on(date(2024, 3, 4)):
        response = client.post(
            reverse("permits:dossier-create", kwargs={"kind": DossierKind.PERMIT_NEW}),
            {**ORGANISATION_POST, **devices_post()},
        )
        assert response.status_code == 400
        assert "Khai báo ít nhất một thiết bị X-quang." in text(response)
        response = client.post(
            reverse("permits:dossier-create", kwargs={"kind": DossierKind.CERTIFICATE}),
            {
                **ORGANISATION_POST,
                "worker-name": "Lò Văn Bình",
                "worker-birth_date": "12/04/1990",
                "worker-id_number": "014090001234",
            },
        )
        assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.kind == DossierKind.CERTIFICATE
    assert dossier.fee_total == 200_000
    assert dossier.worker_birth_date == date(1990, 4, 12)
    assert client.get("/ho-so/moi/khong-co/").status_code == 404


def test_renewal_lists_only_own_valid_permits(client, applicant, other_applicant, staff):
    with on(date(2024, 2, 5)):
        permit_dossier = drive(file_dossier(applicant), staff, Status.ISSUED)
        drive(file_dossier(other_applicant), staff, Status.ISSUED)
    permit = permit_dossier.permit
    url = reverse("permits:dossier-create", kwargs={"kind": DossierKind.PERMIT_RENEWAL})
    with on(date(2026, 9, 1)):
        client.force_login(applicant)
        body = text(client.get(url))
        assert permit.number in body
        assert body.count("/2024/GP-SKHCN") == 1
        response = client.post(
            url,
            {
                **ORGANISATION_POST,
                **devices_post(("dental", "Vatech", "SN-001")),
                "prev-previous_permit": str(permit.pk),
            },
        )
        assert response.status_code == 302
    renewal = Dossier.objects.get(kind=DossierKind.PERMIT_RENEWAL)
    assert renewal.previous_permit == permit
    # after the renewal window the service's reason is shown and nothing is created
    with on(date(2027, 1, 20)):
        client.force_login(applicant)  # sessions last two weeks
        response = client.post(
            url,
            {
                **ORGANISATION_POST,
                **devices_post(("dental", "Vatech", "SN-001")),
                "prev-previous_permit": str(permit.pk),
            },
        )
    assert response.status_code == 400
    assert "chậm nhất" in text(response)
    assert Dossier.objects.filter(kind=DossierKind.PERMIT_RENEWAL).count() == 1


def test_other_applicants_get_404(client, applicant, other_applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, upload=False)
    client.force_login(other_applicant)
    code = {"code": dossier.code}
    assert client.get(detail_url(dossier)).status_code == 404
    response = client.post(upload_url(dossier), {"item": "don-de-nghi", "file": pdf()})
    assert response.status_code == 404
    assert client.post(reverse("permits:dossier-submit", kwargs=code)).status_code == 404
    assert client.post(reverse("permits:supplement-answer", kwargs=code)).status_code == 404
    assert not Document.objects.exists()
    assert dossier.code not in text(client.get(reverse("permits:my-dossiers")))


def test_my_dossiers_is_paginated_with_constant_queries(
    client, applicant, django_assert_max_num_queries
):
    with on(date(2024, 2, 5)):
        for _ in range(21):
            file_dossier(applicant, upload=False)
    client.force_login(applicant)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("permits:my-dossiers"))
    assert text(page).count('class="code"') == 20
    assert "Trang 1/2" in text(page)
    assert text(client.get(reverse("permits:my-dossiers") + "?page=2")).count('class="code"') == 1


# --- supplement -----------------------------------------------------------------------
def test_supplement_answer_must_be_exactly_the_requested_items(client, applicant, staff, media):
    with on(date(2024, 2, 5)):
        dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    with on(date(2024, 2, 6)):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            items=["kiem-xa", "ung-pho-su-co"],
            reasons="Biên bản kiểm xạ thiếu chữ ký.",
        )
    client.force_login(applicant)
    url = reverse("permits:supplement-answer", kwargs={"code": dossier.code})
    with on(date(2024, 2, 20)):
        body = text(client.get(detail_url(dossier)))
        assert "Biên bản kiểm xạ thiếu chữ ký." in body
        assert 'name="file-kiem-xa"' in body and 'name="file-ung-pho-su-co"' in body
        assert 'name="file-don-de-nghi"' not in body
        documents_before = Document.objects.count()
        files_before = stored_files(media)

        response = client.post(url, {"file-kiem-xa": pdf("kiem-xa.pdf")})
        assert response.status_code == 400
        assert "còn thiếu" in text(response)

        response = client.post(
            url,
            {
                "file-kiem-xa": pdf(),
                "file-ung-pho-su-co": pdf(),
                "file-don-de-nghi": pdf(),
            },
        )
        assert response.status_code == 400
        assert "không thuộc yêu cầu bổ sung" in text(response)

        # a requested item whose content is not a PDF/JPEG/PNG
        response = client.post(
            url, {"file-kiem-xa": pdf(), "file-ung-pho-su-co": pdf("x.pdf", b"not a pdf")}
        )
        assert response.status_code == 400
        assert "không phải PDF, JPEG hoặc PNG" in text(response)

        dossier.refresh_from_db()
        assert dossier.status == Status.SUPPLEMENT
        assert Document.objects.count() == documents_before
        assert stored_files(media) == files_before

        response = client.post(
            url, {"file-kiem-xa": pdf("kiem-xa-moi.pdf"), "file-ung-pho-su-co": pdf("kh.pdf")}
        )
        assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.check_clock.paused_units == 5
    assert dossier.appointment_date == date(2024, 2, 26)
    assert dossier.documents.filter(supplement__isnull=False, is_current=True).count() == 2
    assert len(stored_files(media)) == len(files_before) + 2
    body = text(client.get(detail_url(dossier)))
    assert "26/02/2024" in body
    assert "5 ngày làm việc" in body  # days paused
    assert 'name="file-kiem-xa"' not in body


# --- bad uploads ----------------------------------------------------------------------
def _draft(applicant):
    with on(date(2024, 2, 5)):
        return file_dossier(applicant, upload=False)


def test_upload_with_a_pdf_name_but_other_content_is_refused(client, applicant, media):
    dossier = _draft(applicant)
    client.force_login(applicant)
    with on(date(2024, 2, 5)):
        response = client.post(
            upload_url(dossier),
            {"item": "don-de-nghi", "file": pdf("don.pdf", b"MZ\x90\x00 garbage, not a PDF")},
        )
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in text(response)
    assert not Document.objects.exists()
    assert stored_files(media) == []


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_upload_over_the_size_limit_is_refused(client, applicant, media):
    dossier = _draft(applicant)
    client.force_login(applicant)
    with on(date(2024, 2, 5)):
        response = client.post(
            upload_url(dossier),
            {"item": "don-de-nghi", "file": pdf("lon.pdf", PDF + b"0" * 2048)},
        )
    assert response.status_code == 400
    assert "vượt quá giới hạn" in text(response)
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_empty_upload_and_unknown_item_are_refused(client, applicant, media):
    dossier = _draft(applicant)
    client.force_login(applicant)
    with on(date(2024, 2, 5)):
        empty = client.post(upload_url(dossier), {"item": "don-de-nghi", "file": pdf("r.pdf", b"")})
        unknown = client.post(upload_url(dossier), {"item": "khong-co", "file": pdf()})
        undated = client.post(upload_url(dossier), {"item": "kiem-dinh", "file": pdf()})
    assert empty.status_code == 400 and "rỗng" in text(empty)
    assert unknown.status_code == 400 and "không hợp lệ" in text(unknown)
    assert undated.status_code == 400 and "Nhập ngày cấp" in text(undated)
    assert not Document.objects.exists()
    assert stored_files(media) == []


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    """A multipart body written by hand, so the file name reaches the server as sent."""
    boundary = "motcua-test-boundary-7MA4YWxk"
    parts = []
    for key, value in fields.items():
        parts.append(
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_path_tricks_in_the_file_name_are_cleaned(client, applicant, media):
    dossier = _draft(applicant)
    client.force_login(applicant)
    body, content_type = _multipart({"item": "don-de-nghi"}, "file", "../../etc/passwd.pdf", PDF)
    with on(date(2024, 2, 5)):
        response = client.post(upload_url(dossier), body, content_type=content_type)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "passwd.pdf"
    assert re.fullmatch(r"permits/[0-9a-f]{32}\.pdf", document.file.name)
    files = stored_files(media)
    assert files == [media / document.file.name]
    assert files[0].read_bytes() == PDF
    assert document.content_type == "application/pdf"


def test_image_uploads_are_stored_with_their_real_type(client, applicant, media):
    dossier = _draft(applicant)
    client.force_login(applicant)
    with on(date(2024, 2, 5)):
        response = client.post(
            upload_url(dossier), {"item": "don-de-nghi", "file": pdf("anh.pdf", PNG)}
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")


def test_timeline_hides_staff_identity(client, applicant, staff):
    officer = staff[Role.ONE_STOP_OFFICER]
    officer.first_name, officer.last_name = "Cán bộ", "Một Cửa Tên Riêng"
    officer.save()
    with on(date(2024, 2, 5)):
        dossier = drive(file_dossier(applicant), staff, Status.AWAITING_FEE)
    client.force_login(applicant)
    body = text(client.get(detail_url(dossier)))
    assert "Tiếp nhận hồ sơ" in body
    assert "Sở KH&amp;CN" in body
    assert "Một Cửa Tên Riêng" not in body
    assert officer.username not in body


def test_staff_user_cannot_see_an_applicants_dossier_page(client, applicant):
    with on(date(2024, 2, 5)):
        dossier = file_dossier(applicant, upload=False)
    client.force_login(make_user("motcua2", Role.ONE_STOP_OFFICER))
    assert client.get(detail_url(dossier)).status_code == 404


def test_generated_documents_and_permit_number_are_linked(client, applicant, staff):
    with on(date(2024, 2, 5)):
        dossier = drive(file_dossier(applicant), staff, Status.AWAITING_FEE)
    client.force_login(applicant)
    body = text(client.get(detail_url(dossier)))
    assert f"/ho-so/{dossier.code}/van-ban/tiep-nhan/" in body
    assert f"/ho-so/{dossier.code}/van-ban/giay-phep/" not in body
    with on(date(2024, 2, 6)):
        dossier = drive(dossier, staff, Status.ISSUED)
        client.force_login(applicant)
        body = text(client.get(detail_url(dossier)))
    assert f"/ho-so/{dossier.code}/van-ban/giay-phep/" in body
    assert f'id="permit-number" class="code">{dossier.permit.number}' in body
    document = dossier.documents.filter(is_current=True).first()
    assert f"/ho-so/{dossier.code}/tai-lieu/{document.pk}/" in body
