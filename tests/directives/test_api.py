"""The API: the whole path through HTTP, the errors 400/403/404/409 in the one shape,
the import, and who sees what."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from directives import imports
from directives.models import Assignment, Status

from .conftest import on, register

pytestmark = pytest.mark.django_db
BASE = "/api/directives/assignments/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_whole_path_through_http(people, divisions):
    office, head, officer = (api(people[k]) for k in ("office", "head", "officer"))
    with on(date(2024, 2, 19)):
        r = office.post(
            BASE,
            {
                "source": "chu_tich",
                "source_kind": "thong_bao",
                "source_number": "45/TB-UBND",
                "source_date": "19/02/2024",
                "content": "Trình Bộ KH&CN điều chỉnh kế hoạch lựa chọn nhà thầu",
                "received_on": "2024-02-19",
                "due_on": "2024-02-23",
                "lead_division": "qlkh",
                "supporting_divisions": ["cn-qlkhcs"],
            },
            format="json",
        )
        assert r.status_code == 201, r.json()
        pk = r.json()["id"]
        assert r.json()["status"] == "received" and r.json()["code"] == "NV-2024-0001"
        r = head.post(f"{BASE}{pk}/assign/", {"officer": people["officer"].pk}, format="json")
        assert r.status_code == 200 and r.json()["status"] == "in_progress"
    with on(date(2024, 2, 21)):
        r = officer.post(f"{BASE}{pk}/notes/", {"text": "Đã có dự thảo tờ trình"}, format="json")
        assert r.status_code == 201, r.json()
        r = head.post(
            f"{BASE}{pk}/extend/",
            {"new_due_on": "2024-02-27", "reason": "Chờ ý kiến chủ đầu tư"},
            format="json",
        )
        assert r.status_code == 200 and r.json()["due_on"] == "2024-02-27"
    with on(date(2024, 2, 26)):
        r = officer.post(
            f"{BASE}{pk}/complete/",
            {
                "outgoing_kind": "to_trinh",
                "outgoing_number": "331/TTr-SKHCN",
                "outgoing_date": "2024-02-26",
            },
            format="json",
        )
        assert r.status_code == 200, r.json()
        body = r.json()
    assert body["result"] == "early"
    assert body["outgoing_label"] == "Tờ trình số 331/TTr-SKHCN ngày 26/02/2024"
    assert len(body["notes"]) == 1 and body["extensions"][0]["old_due_on"] == "2024-02-23"
    listed = office.get(BASE, {"status": "completed"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == pk


def test_errors_in_the_one_shape(people, divisions):
    a = register(people, divisions)
    head, officer = api(people["head"]), api(people["officer"])
    # 400: a rule (new date not later), nothing changed
    r = head.post(
        f"{BASE}{a.pk}/extend/", {"new_due_on": "2024-01-31", "reason": "x"}, format="json"
    )
    assert r.status_code == 400 and "phải sau hạn" in r.json()["detail"]
    # 400: bad input
    r = head.post(f"{BASE}{a.pk}/extend/", {"new_due_on": "không phải ngày"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    # 403: not your step
    r = officer.post(f"{BASE}{a.pk}/cancel/", {"reason": "x"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    # 404: not visible to another division
    r = api(people["inspector"]).get(f"{BASE}{a.pk}/")
    assert r.status_code == 404
    # 409: wrong state
    with on(date(2024, 1, 15)):
        assert (
            head.post(f"{BASE}{a.pk}/cancel/", {"reason": "Thu hồi"}, format="json").status_code
            == 200
        )
        r = head.post(f"{BASE}{a.pk}/cancel/", {"reason": "Thu hồi"}, format="json")
    assert r.status_code == 409
    a.refresh_from_db()
    assert a.status == Status.CANCELLED and a.due_on == date(2024, 1, 31)


@pytest.mark.parametrize("who", ["accountant", "applicant"])
def test_roles_without_a_step_see_nothing(people, divisions, who):
    register(people, divisions)
    assert api(people[who]).get(BASE).status_code == 403
    assert api().get(BASE).status_code in (401, 403)


def test_a_division_lists_only_its_own(people, divisions):
    register(people, divisions)
    assert api(people["inspector"]).get(BASE).json()["count"] == 0
    assert api(people["supporter"]).get(BASE).json()["count"] == 1


def test_import_through_the_api(people, divisions):
    good = imports.book_csv(
        [
            {
                "source": "UBND tỉnh",
                "source_kind": "Công văn",
                "source_number": "1/UBND-KGVX",
                "source_date": "08/01/2024",
                "content": "Nhiệm vụ",
                "received_on": "08/01/2024",
                "due_on": "20/01/2024",
                "lead_division": "qlkh",
            }
        ]
    )
    bad = good.replace(b"08/01/2024,Nhi", b"08/01/2024,").replace(b"20/01/2024", b"01/01/2024")
    client = api(people["office"])
    with on(date(2024, 1, 9)):
        r = client.post(
            "/api/directives/imports/",
            {"file": SimpleUploadedFile("so.csv", bad)},
            format="multipart",
        )
        assert r.status_code == 400, r.json()
        assert r.json()["code"] == "import_refused" and r.json()["errors"]["lines"]
        assert not Assignment.objects.exists()
        r = client.post(
            "/api/directives/imports/",
            {"file": SimpleUploadedFile("so.csv", good)},
            format="multipart",
        )
    assert r.status_code == 201 and r.json()["created"] == 1
    r = api(people["officer"]).post(
        "/api/directives/imports/",
        {"file": SimpleUploadedFile("so.csv", good)},
        format="multipart",
    )
    assert r.status_code == 403
