"""End to end in a real browser, one staff role after another: the one-stop officer
checks and accepts a dossier (and records the fee), the specialist claims the appraisal
and records it, the head of division reviews it and the director signs. Each claims the
step from the queue and executes it through the pages, as a person would, and every
page they pass reads Vietnamese: none of viewflow's English strings and no table
outside the shared components.

Screenshots of the case page, the manager page, the inbox and the deadlines page are
written to MOTCUA_SCREENSHOTS (default /tmp/motcua-screenshots), never into the repo.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from permits import flows, services
from permits.models import Dossier, Status
from tests.permits import conftest as permit_fixtures
from tests.permits.conftest import file_dossier
from tests.workflows.test_vietnamese import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

staff, applicant, divisions = (
    permit_fixtures.staff,
    permit_fixtures.applicant,
    permit_fixtures.divisions,
)
PASSWORD = "x-test-pass"  # noqa: S105 (the password make_user sets)
SHOTS = Path(os.environ.get("MOTCUA_SCREENSHOTS", "/tmp/motcua-screenshots"))  # noqa: S108


class Visit:
    """A signed-in person in the browser; every page they reach is checked."""

    def __init__(self, page, base: str, username: str):
        self.page, self.base, self.seen = page, base, {}
        page.set_default_timeout(60_000)  # the CI machine's two cores are shared
        page.goto(f"{base}/")
        assert "/accounts/login/" in page.url  # the front door sends them to the login page
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("networkidle")  # viewflow's Turbo loads pages by fetch
        path = self.page.url.removeprefix(self.base)
        self.seen[path] = page_problems(self.page.content())

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def click(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()
        self.check()

    def claim_and_open(self, code: str) -> None:
        """From the queue: open the dossier's task, take it, and go on to its page."""
        self.go("/workflow/queue/")
        self.click(self.page.locator("tr", has_text=code).locator("a").first)
        buttons = self.page.locator(".vf-page__content form button")
        assert buttons.last.text_content().strip() == "Nhận việc"
        self.click(buttons.first)  # "Nhận việc và thực hiện"
        # the claim redirects to the task's page; on a loaded machine the navigation
        # awaited above can be the claim's own answer, so wait for the redirect's URL
        try:
            self.page.wait_for_url(re.compile(r"/execute/$"), timeout=15_000)
        except PlaywrightTimeoutError:
            text = self.page.locator(".vf-page__content").inner_text()
            raise AssertionError(f"{self.page.url}: {text[:500]}") from None
        self.check()

    def act(self, action: str, **fields) -> None:
        form = self.page.locator(f'form.step-action[data-action="{action}"]')
        for name, value in fields.items():
            field = form.locator(f'[name="{action}-{name}"]')
            if field.first.get_attribute("type") == "radio":
                form.locator(f'[name="{action}-{name}"][value="{value}"]').check()
            else:
                field.fill(value)
        self.click(form.locator("button[type=submit]"))

    def expect_status(self, label: str) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("#dossier-status")).to_have_text(label)

    def shoot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_each_staff_role_does_its_step_through_the_pages(chromium, live_server, staff, applicant):
    dossier = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    flows.flow_start_for(dossier)  # idempotent: dossier_submit started it after commit
    code = dossier.code
    label = dict(Status.choices)
    label = {k: str(v) for k, v in label.items()}
    visits = {}

    with chromium() as new_page:
        # the one-stop officer checks the dossier and accepts it, then records the fee
        officer = visits["officer"] = Visit(new_page(), live_server.url, "motcua")
        assert officer.page.url.endswith("/workflow/inbox/")
        officer.claim_and_open(code)
        officer.act("accept", note="Hồ sơ đầy đủ, hợp lệ.")
        assert f"/can-bo/ho-so/{code}/" in officer.page.url
        officer.expect_status(label[Status.AWAITING_FEE])
        officer.claim_and_open(code)
        officer.act("record_fee", receipt_no="BL-0001")
        officer.expect_status(label[Status.APPRAISAL])

        # the specialist takes the appraisal from the queue and records it
        specialist = visits["specialist"] = Visit(new_page(), live_server.url, "chuyenvien")
        specialist.claim_and_open(code)
        specialist.go("/workflow/inbox/")
        assert code in specialist.page.content()
        specialist.shoot("inbox")
        specialist.page.go_back()
        specialist.check()
        specialist.act("record_appraisal", conclusion="pass", findings="Đạt yêu cầu an toàn.")
        specialist.expect_status(label[Status.REVIEW])

        # the head of division reviews it and sends it to be signed
        head = visits["head"] = Visit(new_page(), live_server.url, "truongphong")
        head.claim_and_open(code)
        head.act("approve", note="Đồng ý trình ký.")
        head.expect_status(label[Status.SIGNING])
        head.go("/can-bo/quan-ly/")
        head.shoot("manager")
        head.go("/deadlines/?view=all")
        head.shoot("deadlines")

        # the director signs
        director = visits["director"] = Visit(new_page(), live_server.url, "giamdoc")
        director.claim_and_open(code)
        director.act("sign", note="")
        director.expect_status(label[Status.ISSUED])
        director.shoot("case")
        director.go("/workflow/archive/")
        director.go("/thong-bao/")
        director.go("/can-bo/so-dang-ky/")

    problems = {
        f"{who} {path}": found
        for who, visit in visits.items()
        for path, found in visit.seen.items()
        if found
    }
    assert problems == {}
    assert sum(len(v.seen) for v in visits.values()) >= 20
    assert Dossier.objects.get(code=code).status == Status.ISSUED
