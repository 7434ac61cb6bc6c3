"""Approving the statistics (snapshots), who sees them, the pages and the export job."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection

from tests.conftest import make_user
from tests.permits.conftest import on
from workflows.errors import ActionForbidden, DomainError
from workflows.models import AuditEntry, Division, FrozenRowError, StatisticsExport
from workflows.periods import Quarter
from workflows.roles import Role
from workflows.statistics_services import (
    statistics_approve,
    statistics_export_run,
    statistics_export_start,
    statistics_view,
)

Q1 = Quarter(2024, 1)


@pytest.fixture
def people(staff, divisions):
    qlkh = Division.objects.get_or_create(code="qlkh", defaults={"name": "Phòng QLKH"})[0]
    return {
        "director": staff[Role.DIRECTOR],
        "head": staff[Role.HEAD_OF_DIVISION],  # cn-qlkhcs: the radiation procedures
        "head_qlkh": make_user("tpqlkh", Role.HEAD_OF_DIVISION, division=qlkh),
        "office": make_user("vanphong", Role.SPECIALIST, division=divisions["van-phong"]),
        "specialist": staff[Role.SPECIALIST],
        "officer": staff[Role.ONE_STOP_OFFICER],
    }


@pytest.mark.django_db
def test_approving_makes_versions_and_a_snapshot_is_never_edited(people):
    director = people["director"]
    with on(date(2024, 4, 2)):
        first = statistics_approve(quarter=Q1, actor=director, note="Báo cáo quý I")
        second = statistics_approve(quarter=Q1, actor=director)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.note == "Báo cáo quý I"
    assert AuditEntry.objects.filter(action="statistics_approve").count() == 2
    first.note = "sửa"
    with pytest.raises(FrozenRowError):
        first.save()
    with pytest.raises(FrozenRowError):
        first.delete()
    if connection.vendor == "postgresql":
        from django.db import transaction
        from django.db.utils import DatabaseError

        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE workflows_statisticssnapshot SET note = 'x'")
    # the page shows the latest version, with who approved it; version 1 stays
    table, snapshots = statistics_view(Q1, user=director)
    assert table.snapshot["version"] == 2 and len(snapshots) == 2
    assert table.snapshot["approved_by"] == str(director)
    old, _ = statistics_view(Q1, user=director, version=1)
    assert old.snapshot["version"] == 1


@pytest.mark.django_db
def test_who_may_approve(people):
    with on(date(2024, 4, 2)):
        for who in ("head", "office", "specialist"):
            with pytest.raises(ActionForbidden):
                statistics_approve(quarter=Q1, actor=people[who])
        with pytest.raises(DomainError, match="chưa kết thúc"):
            statistics_approve(quarter=Quarter(2024, 2), actor=people["director"])


@pytest.mark.django_db
def test_page_permissions_and_scope(client, people):
    url = "/thong-ke/?period=2024-Q1"
    assert client.get(url).status_code == 302  # to the login page
    expected = {
        "director": 200,
        "office": 200,
        "head": 200,
        "head_qlkh": 200,
        "specialist": 403,
        "officer": 403,
    }
    for who, status in expected.items():
        client.force_login(people[who])
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            codes = {r.procedure_code for r in response.context["table"].rows}
            if who == "head":
                assert codes and all(c.startswith("bx-") for c in codes)
            elif who == "head_qlkh":
                assert codes == {"khcn-dang-ky-ket-qua"}
            else:
                assert "khcn-dang-ky-ket-qua" in codes and "bx-chung-chi" in codes
    client.force_login(people["director"])
    assert client.get("/thong-ke/?period=2024-Q9").status_code == 400
    assert client.get("/thong-ke/?period=2024-Q1&version=7").status_code == 404
    client.force_login(people["head"])
    assert client.post("/thong-ke/chot/", {"period": "2024-Q1"}).status_code == 403


@pytest.mark.django_db
def test_the_page_approve_and_the_marker(client, people):
    client.force_login(people["director"])
    with on(date(2024, 4, 2)):
        page = client.get("/thong-ke/?period=2024-Q1&by=field")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-kind="live"' in html and "(16)" in html and "Trực tuyến" in html
        response = client.post("/thong-ke/chot/", {"period": "2024-Q1", "note": "chốt"})
        assert response.status_code == 302
        html = client.get("/thong-ke/?period=2024-Q1").content.decode()
        assert 'data-kind="snapshot"' in html and "lần 1" in html
        assert client.post("/thong-ke/chot/", {"period": "2024-Q3"}).status_code == 409
        xlsx = client.get("/thong-ke/excel/?period=2024-Q1")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert "lần 1" in ws["A4"].value


@pytest.mark.django_db
def test_the_export_job(people, settings, tmp_path, django_capture_on_commit_callbacks, client):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = statistics_export_start(quarter=Q1, actor=people["head"], live=True)
    finally:  # as it was: the tests after this one in the process expect it
        app.conf.task_always_eager = eager
    job.refresh_from_db()
    assert job.status == StatisticsExport.Status.DONE and job.progress == 100
    assert job.divisions == ["cn-qlkhcs"]
    assert statistics_export_run(job.pk) is None  # run again: nothing to do
    client.force_login(people["head"])
    status = client.get(f"/thong-ke/xuat/{job.pk}/").json()
    assert status["status"] == "done" and status["url"]
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(b"".join(client.get(status["url"]).streaming_content))).active
    assert {ws.cell(r, 2).value for r in range(10, 20)} >= {"An toàn bức xạ"}
    # someone else's job is not found
    client.force_login(people["director"])
    assert client.get(f"/thong-ke/xuat/{job.pk}/").status_code == 404

    # asking twice while it waits gives the same job; a failure is recorded in Vietnamese
    with django_capture_on_commit_callbacks(execute=False):
        a = statistics_export_start(quarter=Q1, actor=people["director"], live=True)
        b = statistics_export_start(quarter=Q1, actor=people["director"], live=True)
    assert a.pk == b.pk
    StatisticsExport.objects.filter(pk=a.pk).update(period="2024-Q9")
    failed = statistics_export_run(a.pk)
    assert failed.status == StatisticsExport.Status.FAILED
    assert failed.message.startswith("Không tạo được tệp Excel")
    with pytest.raises(ActionForbidden):
        statistics_export_start(quarter=Q1, actor=people["specialist"])
