"""In a real browser, the council secretary runs an acceptance council from set-up to
minutes through the pages: sets it up, invites nine members from the pool (the PI is
shown as refused, with the reason), constitutes it, uploads and dispatches the papers,
records the attendance, elects the vote-counting board, enters the paper ballots,
counts them, records the board's signatures, publishes and sends the conclusions.
The members' declarations and reviews arrive between the two visits (their pages are
tested elsewhere). Screenshots go to MOTCUA_SCREENSHOTS (default /tmp/motcua-screenshots).
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tasks_lifecycle import documents, services
from tasks_lifecycle.models import Council, Expert, Membership, Status
from tests.conftest import make_user
from tests.tasks_lifecycle.conftest import PDF
from tests.workflows.test_vietnamese import page_problems
from workflows.models import Division
from workflows.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "x-test-pass"  # noqa: S105 (the password make_user sets)
SHOTS = Path(os.environ.get("MOTCUA_SCREENSHOTS", "/tmp/motcua-screenshots"))  # noqa: S108
ROLES = ["chair", "vice_chair", "reviewer", "reviewer", "secretary"] + ["member"] * 4


def _login(page, base: str, username: str) -> None:
    page.set_default_timeout(60_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()


def _submit(page, form_id: str) -> None:
    with page.expect_navigation():
        page.locator(f"#{form_id} button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_secretary_runs_an_acceptance_council(chromium, live_server):
    qlkh = Division.objects.get_or_create(code="qlkh", defaults={"name": "Phòng QLKH"})[0]
    make_user(
        "thuky", Role.COUNCIL_SECRETARY, division=qlkh, last_name="Quàng Thị", first_name="Mai"
    )
    experts = []
    for i in range(1, 10):
        user = make_user(f"tv{i}", Role.COUNCIL_MEMBER)
        experts.append(Expert.objects.create(full_name=f"Chuyên gia {i}", title="TS.",
                                             organisation="Đại học Tây Bắc", field="Nông nghiệp",
                                             user=user))  # fmt: skip
    Expert.objects.create(full_name="Nguyễn Văn An", organisation="Sở Nông nghiệp", field="x")
    today = timezone.localdate()
    problems = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as new_page:
        page = new_page()
        base = live_server.url
        _login(page, base, "thuky")
        page.goto(f"{base}/hoi-dong/moi/")
        page.select_option("#kind", "acceptance")
        page.fill("#title", "Hội đồng nghiệm thu dự án “Gạo Phù Yên”")
        page.fill("#meeting_on", (today + timedelta(days=14)).isoformat())
        page.fill(
            "#subject_title", "Xây dựng, quản lý và phát triển nhãn hiệu chứng nhận “Gạo Phù Yên”"
        )
        page.fill("#pi_name", "Nguyễn Văn An")
        page.fill("#host_organisation", "Trung tâm Ứng dụng KH&CN Sơn La")
        _submit(page, "council-create")
        council_url = page.url
        assert "Người thân" not in page.content()
        pool = page.locator("#pool")
        assert "Là chủ nhiệm" in pool.locator("tr", has_text="Nguyễn Văn An").text_content()
        for i, role in enumerate(ROLES, 1):
            row = page.locator("#pool tr", has_text=f"Chuyên gia {i}")
            row.locator("select[name=role]").select_option(role)
            with page.expect_navigation():
                row.locator("button[type=submit]").click()
        assert "Thành phần hội đồng đúng quy định" in page.content()
        page.fill("#form-constitute input[name=decision_number]", "45/QĐ-SKHCN")
        page.fill("#form-constitute input[name=decision_date]", today.isoformat())
        _submit(page, "form-constitute")
        page.fill("#form-paper input[name=title]", "Báo cáo tổng hợp kết quả dự án")
        page.set_input_files("#form-paper input[name=file]", files=[{
            "name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": PDF}])  # fmt: skip
        _submit(page, "form-paper")
        _submit(page, "form-dispatch")
        assert "Đã gửi tài liệu, chờ họp" in page.content()
        problems[page.url] = page_problems(page.content())
        page.goto(f"{base}/hoi-dong/")
        page.wait_for_load_state("networkidle")
        problems[page.url] = page_problems(page.content())
        page.screenshot(path=str(SHOTS / "council-workspace.png"), full_page=True)
    council = Council.objects.get()
    for m in Membership.objects.filter(council=council).select_related("expert__user"):
        services.council_member_declare(council=council, actor=m.expert.user, no_conflict=True)
        services.council_review_submit(
            council=council, actor=m.expert.user, subject=council.subjects.get(), text="Đạt."
        )
    members = list(
        Membership.objects.filter(council=council).order_by("id").select_related("expert")
    )
    votes = ["xuat_sac"] * 7 + ["dat"] * 2
    with chromium() as new_page:
        page = new_page()
        _login(page, live_server.url, "thuky")
        page.goto(council_url)
        _submit(page, "form-attendance")
        assert "Đủ điều kiện họp" in page.content()
        board = page.locator("#form-board")
        for m in members[-3:]:
            board.locator(f"input[name=board][value='{m.pk}']").check()
        board.locator("select[name=chief]").select_option(str(members[-3].pk))
        _submit(page, "form-board")
        form_id = page.locator("form[id^=form-ballot-]").first.get_attribute("id")
        for m, vote in zip(members, votes, strict=True):
            page.locator(f"#{form_id} select[name=membership]").select_option(str(m.pk))
            page.locator(f"#{form_id} select[name=vote]").select_option(vote)
            _submit(page, form_id)
            assert "Đã nhập phiếu" in page.content(), page.locator(
                ".motcua-messages"
            ).text_content()
        _submit(page, "form-tally")
        assert "Xuất sắc" in page.locator("#tally-1").text_content()
        for _ in range(3):
            with page.expect_navigation():
                page.locator("button", has_text="đã ký biên bản kiểm phiếu").first.click()
        _submit(page, "form-publish")
        page.fill("#form-close input[name=conclusion]", "Dự án xếp loại Xuất sắc.")
        _submit(page, "form-close")
        assert "Đã gửi kết luận" in page.content()
        problems[page.url] = page_problems(page.content())
        page.screenshot(path=str(SHOTS / "council-page.png"), full_page=True)
        response = page.request.get(f"{live_server.url}/hoi-dong/{council.pk}/van-ban/bien-ban.pdf")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        minutes = response.body()
    council.refresh_from_db()
    assert council.status == Status.CLOSED
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(minutes)).pages)
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in text and "Xuất sắc" in text and "45/QĐ-SKHCN" in text
    assert documents.vote_count_pdf(council)
    assert not {url: p for url, p in problems.items() if p}
