"""The Content-Security-Policy breaks no page: staff pages (viewflow Material), the
applicant's filing page (its fee script) and the Swagger UI served from
drf-spectacular-sidecar, in Debian's Chromium, with no CSP violation in the console."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import chromium  # noqa: F401 (the fixture)
from tests.conftest import make_user
from workflows.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "x-test-pass"  # noqa: S105 (make_user's password)


def _sign_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()


def test_pages_run_under_the_policy(chromium, live_server):  # noqa: F811
    make_user("csp-giamdoc", Role.DIRECTOR, first_name="Giám đốc")
    make_user("csp-nguoinop", Role.APPLICANT, first_name="Người nộp")
    base = live_server.url
    violations = []

    def watch(page):
        page.on(
            "console",
            lambda m: (
                violations.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        return page

    with chromium() as new_page:
        staff = watch(new_page())
        _sign_in(staff, base, "csp-giamdoc", "/")
        for path in ["/", "/deadlines/", "/can-bo/buc-xa/", "/can-bo/quan-ly/", "/api/docs/"]:
            response = staff.goto(f"{base}{path}")
            assert response.status == 200, path
            assert "content-security-policy" in response.headers, path
        # Swagger UI started from its static files: the operations are listed
        staff.goto(f"{base}/api/docs/")
        staff.wait_for_selector(".opblock", timeout=20000)
        assert staff.locator(".opblock").count() > 10

        applicant = watch(new_page())
        _sign_in(applicant, base, "csp-nguoinop", "/ho-so/moi/permit_new/")
        applicant.select_option("[name=devices-0-category]", "dental")
        # the fee script is a static file (CSP), run when Turbo has loaded it
        expect(applicant.locator("#fee-total")).to_have_text("2.000.000")

    assert violations == []
