"""In a real browser: the director opens the managers' page, follows a bar of the
"overdue by division" chart to the filtered list, and from the list the dossier's code
to its case page. Every page passed reads Vietnamese. Screenshots of the page, the list
and a division head's view go to MOTCUA_SCREENSHOTS (default /tmp/motcua-screenshots)."""

from __future__ import annotations

from datetime import date

import pytest

from permits import services
from tests.browser.test_staff_roles import SHOTS, Visit
from tests.permits import conftest as permit_fixtures
from tests.permits.conftest import file_dossier, on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

staff, applicant, divisions = (
    permit_fixtures.staff,
    permit_fixtures.applicant,
    permit_fixtures.divisions,
)


def test_director_drills_down_from_a_chart_bar_to_the_case(chromium, live_server, staff, applicant):
    with on(date(2024, 2, 5)):  # its check has long been overdue
        late = services.dossier_submit(dossier=file_dossier(applicant), actor=applicant)
    with chromium() as new_page:
        director = Visit(new_page(), live_server.url, "giamdoc")
        director.go("/quan-ly/")
        director.page.set_viewport_size({"width": 1366, "height": 900})
        director.shoot("manager-department")
        bar = director.page.locator("#svg-division a").first
        label = bar.get_attribute("aria-label")
        assert label == "Bộ phận Một cửa: 1 việc quá hạn"
        director.click(bar)
        assert "window=overdue" in director.page.url and "division=" in director.page.url
        rows = director.page.locator("#manager-list tbody tr")
        assert rows.count() == 1 and late.code in rows.first.text_content()
        director.shoot("manager-list")
        director.click(rows.first.locator("a", has_text=late.code))
        assert director.page.url.endswith(f"/can-bo/ho-so/{late.code}/")
        director.shoot("manager-case")

        head = Visit(new_page(), live_server.url, "truongphong")
        head.go("/quan-ly/")
        head.shoot("manager-division")
        assert head.page.locator("#svg-division").count() == 0  # one division: no such chart
    pages = {**director.seen, **head.seen}
    assert all(not problems for problems in pages.values()), pages
    assert (SHOTS / "manager-department.png").exists()
