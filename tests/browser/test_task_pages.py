"""In a real browser, a host organisation files its acceptance dossier on its page and
the division's officer, on the task's page in the staff look, finds it in the register,
notifies that it is valid and sends it to the acceptance council the secretary set up.
No English string and no table outside the shared components on the staff pages.
Screenshots go to MOTCUA_SCREENSHOTS (default /tmp/motcua-screenshots)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tasks_lifecycle import services as councils
from tasks_lifecycle.models import HostOrganisation, Investigator, Stage, Task
from tasks_lifecycle.task_services import task_sign_contract
from tests.conftest import make_user
from tests.tasks_lifecycle.conftest import ROLES, on, pool  # noqa: F401 (fixture)
from tests.tasks_lifecycle.task_pages.conftest import CONTRACT, many_tasks, new_task
from tests.workflows.test_vietnamese import page_problems
from workflows.models import Division
from workflows.roles import Role

from .test_council_secretary import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("MOTCUA_SCREENSHOTS", "/tmp/motcua-screenshots"))  # noqa: S108


def _acceptance_council(task, secretary, experts):
    """The 9-member acceptance council with this task as its subject, constituted."""
    from django.utils import timezone

    council = councils.council_create(
        actor=secretary, kind="acceptance", title="Hội đồng nghiệm thu nhiệm vụ thử",
        meeting_on=timezone.localdate() + timezone.timedelta(days=20),
        subjects=[Task.objects.get(pk=task.pk).subject_spec()],
    )  # fmt: skip
    for expert, role in zip(experts, ROLES["acceptance"], strict=False):
        councils.council_member_add(council=council, actor=secretary, expert=expert, role=role)
    councils.council_constitute(
        council=council, actor=secretary, decision_number="99/QĐ-SKHCN",
        decision_date=timezone.localdate(),
    )  # fmt: skip
    return council


def test_host_files_the_dossier_and_the_officer_accepts_it(chromium, live_server, pool):  # noqa: F811
    qlkh = Division.objects.get_or_create(
        code="qlkh", defaults={"name": "Phòng Quản lý khoa học và công nghệ"}
    )[0]
    officer = make_user("cvqlkh", Role.SPECIALIST, division=qlkh, last_name="Lò Văn",
                        first_name="Hùng")  # fmt: skip
    host = make_user("tochuc", Role.APPLICANT, last_name="Đinh Thị", first_name="Lan")
    org = HostOrganisation.objects.create(name="Trung tâm Ứng dụng KH&CN Sơn La")
    org.users.add(host)
    pi = Investigator.objects.create(
        full_name="Nguyễn Văn An", academic_title="ThS.", organisation=org, email="an@example.vn"
    )
    task = new_task(org, stage=Stage.HOST_APPROVED, officer=officer, pi=pi)
    with on(date(2024, 2, 29)):
        task_sign_contract(task=task, actor=officer, **CONTRACT)
    many_tasks(org, 40, officer=officer)
    # the secretary has set the acceptance council up (the ORM is not for inside the browser)
    secretary = make_user("thuky", Role.COUNCIL_SECRETARY, division=qlkh)
    council = _acceptance_council(task, secretary, pool)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    with chromium() as new_page:
        page = new_page()
        base = live_server.url
        _login(page, base, "tochuc")
        page.goto(f"{base}/to-chuc/nhiem-vu/")
        page.screenshot(path=str(SHOTS / "tasks-host-home.png"), full_page=True)
        with page.expect_navigation():
            page.click(f"text={task.code}")
        page.fill("#id_file-dossier-self_evaluation", "Hoàn thành 100% khối lượng, sản phẩm.")
        with page.expect_navigation():
            page.locator("#action-file-dossier button[type=submit]").click()
        assert "Đã nộp hồ sơ nghiệm thu" in page.inner_text("#task-stage")
        page.screenshot(path=str(SHOTS / "tasks-host-task.png"), full_page=True)

        staff = new_page()
        staff.set_viewport_size({"width": 1440, "height": 900})
        _login(staff, base, "cvqlkh")
        staff.goto(f"{base}/nhiem-vu/")
        problems[staff.url] = page_problems(staff.content())
        staff.screenshot(path=str(SHOTS / "tasks-register.png"), full_page=True)
        with staff.expect_navigation():
            staff.click(f"text={task.code}")
        problems[staff.url] = page_problems(staff.content())
        staff.screenshot(path=str(SHOTS / "tasks-task-page.png"), full_page=True)
        with staff.expect_navigation():
            staff.locator("#action-accept-dossier button[type=submit]").click()
        assert "Hồ sơ nghiệm thu hợp lệ" in staff.inner_text("#task-stage")
        staff.reload()
        staff.select_option("#action-send-to-acceptance select", str(council.pk))
        with staff.expect_navigation():
            staff.locator("#action-send-to-acceptance button[type=submit]").click()
        assert "Hội đồng nghiệm thu" in staff.inner_text("#task-stage")
        problems[staff.url] = page_problems(staff.content())
        staff.screenshot(path=str(SHOTS / "tasks-sent-to-council.png"), full_page=True)
        staff.goto(f"{base}/nhiem-vu/qua-han/")
        problems[staff.url] = page_problems(staff.content())
        staff.screenshot(path=str(SHOTS / "tasks-overdue.png"), full_page=True)
    assert Task.objects.get(pk=task.pk).stage == Stage.ACCEPTANCE
    assert not {url: p for url, p in problems.items() if p}
