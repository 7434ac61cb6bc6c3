"""The staff pages and the member's pages, and who reaches them."""

from datetime import date

import pytest
from django.test import Client

from .conftest import client_for, ok, on, pdf, set_up

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_workspace_and_council_page_through_forms(people, pool):
    sec = browser(people["secretary"])
    with on(date(2024, 2, 26)):
        r = sec.post(
            "/hoi-dong/moi/",
            {"kind": "acceptance", "title": "Hội đồng nghiệm thu Gạo Phù Yên",
             "meeting_on": "2024-03-20", "subject_title": "Gạo Phù Yên",
             "pi_name": "Nguyễn Văn An", "host_organisation": "Trung tâm Ứng dụng KH&CN"},
        )  # fmt: skip
        assert r.status_code == 302
        url = r["Location"]
        page = sec.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Cơ sở dữ liệu chuyên gia" in html and "motcua-table" in html
        pk = int(url.rstrip("/").rsplit("/", 1)[-1])
        roles = ["chair", "vice_chair", "reviewer", "reviewer", "secretary"] + ["member"] * 4
        for e, role in zip(pool, roles, strict=False):
            sec.post(f"/hoi-dong/{pk}/thao-tac/member_add/", {"expert": e.pk, "role": role})
        r = sec.post(
            f"/hoi-dong/{pk}/thao-tac/constitute/",
            {"decision_number": "45/QĐ-SKHCN", "decision_date": "2024-02-26"},
        )
        html = sec.get(url).content.decode()
        assert "Đã thành lập" in html and "Gửi tài liệu họp" in html
        sec.post(f"/hoi-dong/{pk}/thao-tac/paper_upload/", {"title": "Báo cáo", "file": pdf()})
        sec.post(f"/hoi-dong/{pk}/thao-tac/dispatch/")
        ws = sec.get("/hoi-dong/").content.decode()
        assert "HD-2024-" in ws and "phiếu nhận xét" in ws
    member = browser(pool[0].user)
    assert member.get("/hoi-dong/cua-toi/").status_code == 200
    page = member.get(f"/hoi-dong/{pk}/thanh-vien/").content.decode()
    assert "Ký cam kết" in page
    member.post(f"/hoi-dong/{pk}/thanh-vien/declare/", {"no_conflict": "1"})
    page = member.get(f"/hoi-dong/{pk}/thanh-vien/").content.decode()
    assert "Báo cáo" in page and "Gửi phiếu nhận xét" in page
    assert member.get(f"/hoi-dong/{pk}/").status_code == 403  # the secretary's page


def test_pages_refuse_who_has_no_step(people, pool):
    sec = client_for(people["secretary"])
    council = set_up(sec, "acceptance", pool[:3])
    pk = council["id"]
    for name in ("specialist", "applicant"):
        c = browser(people[name])
        assert c.get("/hoi-dong/").status_code == 403
        assert c.get(f"/hoi-dong/{pk}/").status_code == 403
        assert c.get(f"/hoi-dong/{pk}/thanh-vien/").status_code == 404
    anon = browser(None)
    assert anon.get("/hoi-dong/").status_code == 302
    assert ok(sec.get(f"/api/councils/{pk}/"))["code"]


def test_workspace_costs_the_same_queries_for_3_or_30_councils(people, pool):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sec = client_for(people["secretary"])
    page = browser(people["secretary"])

    def count() -> int:
        page.get("/hoi-dong/")
        with CaptureQueriesContext(connection) as ctx:
            assert page.get("/hoi-dong/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        set_up(sec, "acceptance", pool[:2])
    few = count()
    for _ in range(27):
        set_up(sec, "acceptance", pool[:2])
    assert count() == few


def test_admin_edits_the_kind_catalogue_and_the_pool_not_councils(people, pool):
    from django.contrib.auth import get_user_model

    from tasks_lifecycle.models import CouncilKind

    set_up(client_for(people["secretary"]), "acceptance", pool[:2])
    admin = get_user_model().objects.create_superuser("quantri", "q@example.vn", "x-test-pass")
    c = browser(admin)
    for url in ("/admin/tasks_lifecycle/councilkind/", "/admin/tasks_lifecycle/expert/",
                "/admin/tasks_lifecycle/council/"):  # fmt: skip
        assert c.get(url).status_code == 200
    kind = CouncilKind.objects.get(code="acceptance")
    assert c.get(f"/admin/tasks_lifecycle/councilkind/{kind.pk}/change/").status_code == 200
    assert c.get("/admin/tasks_lifecycle/council/add/").status_code == 403
