"""End to end in a real browser: an applicant files a permit dossier, uploads its
documents, submits it, and looks its status up on the public page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from reportlab.pdfgen import canvas

from permits.models import Dossier, Status
from tests.conftest import make_user
from workflows.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "x-test-pass"  # noqa: S105 (the password make_user sets)


def small_pdf(path, title: str):
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, title)
    pdf.save()
    return path


def test_file_submit_and_look_up(chromium, live_server, tmp_path, settings):
    # the data and the files are prepared before the browser starts (see conftest)
    settings.MEDIA_ROOT = tmp_path / "media"  # the live server runs in this process
    make_user("phongkham", Role.APPLICANT, first_name="Phòng khám", last_name="Hoàng Long")
    today = timezone.localdate().isoformat()
    files = {}

    with chromium() as new_page:
        page = new_page()

        # sign in
        page.goto(f"{live_server.url}/accounts/login/?next=/ho-so/")
        page.fill("input[name=username]", "phongkham")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        assert page.url.endswith("/ho-so/")
        assert "Hồ sơ của tôi" in page.content()

        # file a permit dossier with one device
        page.click("text=Cấp giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế")
        page.fill("[name=org-organisation_name]", "Phòng khám Đa khoa Hoàng Long")
        page.fill("[name=org-organisation_address]", "Số 12 đường Tô Hiệu, TP. Sơn La")
        page.fill("[name=org-business_registration_no]", "5500123456")
        page.fill("[name=org-contact_phone]", "0212 3850 123")
        page.select_option("[name=devices-0-category]", "dental")
        page.fill("[name=devices-0-model_name]", "Vatech PaX-i")
        page.fill("[name=devices-0-serial_number]", "SN-001")
        # the fee script is a static file (CSP), run when Turbo has loaded it
        expect(page.locator("#fee-total")).to_have_text("2.000.000")
        with page.expect_navigation():
            page.click("button[name=create]")
        assert re.search(r"/ho-so/GPBX-\d{6}-\d{4}/$", page.url), page.url
        assert page.locator("#dossier-status").inner_text() == "Đang soạn"

        # upload every item of the checklist
        items = page.locator("form.upload").evaluate_all("fs => fs.map(f => f.dataset.item)")
        assert len(items) == 11
        for item in items:
            files[item] = small_pdf(tmp_path / f"{item}.pdf", item)
            form = page.locator(f'form.upload[data-item="{item}"]')
            form.locator("input[type=file]").set_input_files(str(files[item]))
            if form.locator("input[name=issued_on]").count():
                form.locator("input[name=issued_on]").fill(today)
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            alerts = page.locator(".card.alert")
            assert alerts.count() == 0, alerts.first.inner_text()
            assert f"{item}.pdf" in page.locator(f"#item-{item}").inner_text()

        # submit, and read the code and the lookup key shown to the applicant
        with page.expect_navigation():
            page.click("#submit-form button[type=submit]")
        assert page.locator("#dossier-status").inner_text() == "Đã nộp, chờ kiểm tra"
        code = page.locator("#dossier-code").inner_text().strip()
        key = page.locator("#lookup-key").inner_text().strip()

        # the public lookup, from another browser profile, without signing in
        visitor = new_page()
        visitor.goto(f"{live_server.url}/tra-cuu/?ma={code}")
        assert visitor.input_value("[name=code]") == code
        visitor.fill("[name=key]", key)
        with visitor.expect_navigation():
            visitor.click("form button[type=submit]")
        assert visitor.locator("#lookup-status").inner_text() == "Đã nộp, chờ kiểm tra"
        assert "Hoàng Long" not in visitor.content()

        # a wrong key gets the one answer for anything not found
        visitor.fill("[name=code]", code)
        visitor.fill("[name=key]", "AAAAAAAA")
        with visitor.expect_navigation():
            visitor.click("form button[type=submit]")
        assert visitor.locator("#lookup-status").count() == 0
        assert "Không tìm thấy hồ sơ" in visitor.locator("#lookup-error").inner_text()

    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED
    assert dossier.lookup_key == key
    documents = list(dossier.documents.filter(is_current=True))
    assert len(documents) == len(files)
    assert all((tmp_path / "media" / d.file.name).is_file() for d in documents)
