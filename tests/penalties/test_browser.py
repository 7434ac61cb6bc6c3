"""In a real browser: the accountant imports a treasury statement and the register
updates (paid, stage). The screenshots go to MOTCUA_SCREENSHOTS (default
/tmp/motcua-screenshots), never into the repo."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from penalties.models import PenaltyCase, Status
from tests.browser.conftest import chromium  # noqa: F401  (the fixture)
from tests.penalties.conftest import delivered
from tests.workflows.test_vietnamese import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "x-test-pass"  # noqa: S105 (the password make_user sets)
SHOTS = Path(os.environ.get("MOTCUA_SCREENSHOTS", "/tmp/motcua-screenshots"))  # noqa: S108


def test_accountant_imports_a_statement_and_the_register_updates(
    people,
    live_server,
    chromium,  # noqa: F811
    tmp_path,
):
    today = timezone.localdate()
    full = delivered(
        people,
        record_on=today - timedelta(days=30),
        received_on=today - timedelta(days=25),
        name="Cửa hàng vàng Kim Thành",
    )
    part = delivered(
        people,
        record_on=today - timedelta(days=30),
        number="02/BB",
        received_on=today - timedelta(days=3),
        name="Cửa hàng vàng Ngọc Bích",
        amount=12_000_000,
    )
    statement = tmp_path / "sao-ke-kho-bac.csv"
    statement.write_text(
        "Số quyết định,Số chứng từ,Ngày nộp,Số tiền\n"
        f"{part.decision_number},KB-7001,{today:%d/%m/%Y},5.000.000\n"
        f"{part.decision_number},KB-7001,{today:%d/%m/%Y},5.000.000\n"
        f"99/2024/QĐ-XPHC,KB-7002,{today:%d/%m/%Y},1.000.000\n",
        encoding="utf-8",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    with chromium() as new_page:
        page = new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "ketoan")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        page.goto(f"{live_server.url}/can-bo/xu-phat/")
        before = page.locator(f"tr[data-case='{part.pk}'] td.paid").inner_text()
        page.goto(f"{live_server.url}/can-bo/xu-phat/nop-tien/")
        page.set_input_files("#statement-form input[type=file]", str(statement))
        with page.expect_navigation():
            page.locator("#statement-form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        report = page.content()
        problems["payments"] = page_problems(report)
        page.screenshot(path=str(SHOTS / "penalties-import.png"), full_page=True)
        page.goto(f"{live_server.url}/can-bo/xu-phat/")
        page.wait_for_load_state("networkidle")
        after = page.locator(f"tr[data-case='{part.pk}'] td.paid").inner_text()
        stage_full = page.locator(f"tr[data-case='{full.pk}'] td.stage").inner_text()
        problems["register"] = page_problems(page.content())
        page.screenshot(path=str(SHOTS / "penalties-register.png"), full_page=True)
    assert before.strip() == "0"
    assert after.strip() == "5.000.000"
    assert (
        "1 dòng ghi nhận" in report and "1 dòng trùng" in report and "1 dòng không khớp" in report
    )
    assert stage_full.strip() == "Đã giao quyết định, chờ nộp phạt"
    assert problems == {"payments": [], "register": []}
    assert PenaltyCase.objects.get(pk=part.pk).paid_total == 5_000_000
    assert PenaltyCase.objects.get(pk=part.pk).status == Status.AWAITING_PAYMENT
