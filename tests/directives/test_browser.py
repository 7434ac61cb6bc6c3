"""In a real browser: the office imports its book (a bad line first: refused with its
line and column, nothing created), then the head of the lead division extends an
assignment from its page. The screenshots go to MOTCUA_SCREENSHOTS (default
/tmp/motcua-screenshots), never into the repo."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from directives import imports
from directives.models import Assignment
from tests.browser.conftest import chromium  # noqa: F401  (the fixture)
from tests.workflows.test_vietnamese import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "x-test-pass"  # noqa: S105 (the password make_user sets)
SHOTS = Path(os.environ.get("MOTCUA_SCREENSHOTS", "/tmp/motcua-screenshots"))  # noqa: S108


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()


def test_office_imports_and_the_head_extends(people, divisions, live_server, chromium, tmp_path):  # noqa: F811
    today = timezone.localdate()
    line = {
        "source": "UBND tỉnh",
        "source_kind": "Công văn",
        "source_number": "84/UBND-KGVX",
        "source_date": today - timedelta(days=3),
        "content": "Góp ý dự thảo khung Chương trình khoa học và công nghệ cấp Quốc gia",
        "received_on": today - timedelta(days=2),
        "due_on": today + timedelta(days=10),
        "lead_division": "qlkh",
        "officer": "cvqlkh",
    }
    bad = tmp_path / "so-loi.csv"
    bad.write_bytes(
        imports.book_csv([line, dict(line, content="Nhiệm vụ 2", due_on=today - timedelta(days=9))])
    )
    good = tmp_path / "so.csv"
    good.write_bytes(imports.book_csv([line]))
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    with chromium() as new_page:
        page = new_page()
        base = live_server.url
        _login(page, base, "vanthu")
        page.goto(f"{base}/can-bo/nhiem-vu-ubnd/moi/")
        page.set_input_files("#directive-import input[type=file]", str(bad))
        # a refusal answers 400: viewflow's Turbo renders it in place, no navigation
        page.locator("#directive-import button[type=submit]").click()
        page.wait_for_selector("#import-problems")
        refused = page.locator("#import-problems").inner_text()
        problems["refused"] = page_problems(page.content())
        page.screenshot(path=str(SHOTS / "directives-import-refused.png"), full_page=True)
        page.set_input_files("#directive-import input[type=file]", str(good))
        with page.expect_navigation():
            page.locator("#directive-import button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        problems["register"] = page_problems(page.content())
        pk = page.locator("tr[data-assignment]").first.get_attribute("data-assignment")
        context_page = new_page()
        _login(context_page, base, "tpqlkh")
        context_page.goto(f"{base}/can-bo/nhiem-vu-ubnd/{pk}/")
        new_due = today + timedelta(days=20)
        context_page.fill("#action-extend input[name=extend-new_due_on]", f"{new_due:%Y-%m-%d}")
        context_page.fill("#action-extend textarea[name=extend-reason]", "Chờ ý kiến các sở")
        with context_page.expect_navigation():
            context_page.locator("#action-extend button[type=submit]").click()
        context_page.wait_for_load_state("networkidle")
        due_text = context_page.locator("#fact-due").inner_text()
        problems["assignment"] = page_problems(context_page.content())
        context_page.screenshot(path=str(SHOTS / "directives-assignment.png"), full_page=True)
    assert "Dòng 3, cột G “Hạn hoàn thành”" in refused
    assert f"{new_due:%d/%m/%Y}" in due_text
    a = Assignment.objects.get()  # the refused file created nothing
    assert a.pk == int(pk) and a.due_on == new_due
    assert problems == {"refused": [], "register": [], "assignment": []}
