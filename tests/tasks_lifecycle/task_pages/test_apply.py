"""An organisation files its application online while the call is open; a wrong file,
or a late filing, is refused with the reason and keeps nothing; another organisation's
user cannot file in its name."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks_lifecycle.models import Application, Investigator, Stage
from tasks_lifecycle.task_selection import task_open_call

from ..conftest import _pdf, on
from .conftest import browser, new_task

pytestmark = pytest.mark.django_db


def test_apply_online_to_an_open_call(staff, org):
    task = new_task(org, stage=Stage.PUBLISHED, officer=staff["officer"], method="selection")
    with on(date(2024, 3, 15)):
        task_open_call(task=task, actor=staff["officer"])
    pi = Investigator.objects.create(full_name="Nguyễn Văn An", organisation=org)
    host = browser(staff["host"])
    data = {
        "task": task.pk,
        f"t{task.pk}-host": org.pk,
        f"t{task.pk}-pi": pi.pk,
        f"t{task.pk}-state_budget": "900000000",
    }
    with on(date(2024, 3, 20)):
        page = host.get("/to-chuc/nhiem-vu/tuyen-chon/").content.decode()
        assert task.code in page and "Nộp hồ sơ đăng ký" in page
        bad = SimpleUploadedFile("tm.pdf", b"MZ not a pdf", content_type="application/pdf")
        r = host.post("/to-chuc/nhiem-vu/tuyen-chon/", {**data, f"t{task.pk}-proposal": bad})
        assert r.status_code == 400 and not Application.objects.exists()
        other = browser(staff["other_host"])
        r = other.post(
            "/to-chuc/nhiem-vu/tuyen-chon/",
            {**data, f"t{task.pk}-proposal": SimpleUploadedFile("tm.pdf", _pdf())},
        )
        assert r.status_code == 400 and not Application.objects.exists()  # not its org
        r = host.post(
            "/to-chuc/nhiem-vu/tuyen-chon/",
            {**data, f"t{task.pk}-proposal": SimpleUploadedFile("tm.pdf", _pdf())},
        )
        assert r.status_code == 302, r.content.decode()[:800]
    assert Application.objects.get(task=task).host == org
    with on(date(2024, 4, 20)):  # the call closed on 15/04
        page = host.get("/to-chuc/nhiem-vu/tuyen-chon/").content.decode()
        assert f'id="call-{task.pk}"' not in page
        r = host.post("/to-chuc/nhiem-vu/tuyen-chon/", data)
        assert r.status_code == 404


def test_apply_through_the_api(staff, org):
    from rest_framework.test import APIClient

    task = new_task(org, stage=Stage.PUBLISHED, officer=staff["officer"], method="selection")
    with on(date(2024, 3, 15)):
        task_open_call(task=task, actor=staff["officer"])
    pi = Investigator.objects.create(full_name="Nguyễn Văn An", organisation=org)
    api = APIClient()
    api.force_authenticate(staff["host"])
    body = {"host": org.pk, "pi": pi.pk, "state_budget": 900_000_000}
    with on(date(2024, 3, 20)):
        r = api.post(f"/api/tasks/{task.pk}/apply/", body, format="multipart")
        assert r.status_code == 400 and "proposal" in r.json()["errors"]
        upload = SimpleUploadedFile("tm.pdf", _pdf(), content_type="application/pdf")
        r = api.post(
            f"/api/tasks/{task.pk}/apply/", {**body, "proposal": upload}, format="multipart"
        )
        assert r.status_code == 201, r.content.decode()[:600]
        assert r.json()["task"] == task.code
    api.force_authenticate(staff["other_host"])
    with on(date(2024, 4, 20)):
        assert api.post(f"/api/tasks/{task.pk}/apply/", body, format="multipart").status_code == 404
