"""Who reaches what: every page and endpoint of the councils for the council's
secretary, another secretary of the division, a member of this council, a member of
another council, an officer with no step, an applicant and an anonymous visitor."""

from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tasks_lifecycle.models import Expert

from .conftest import client_for, constitute_and_dispatch, on, set_up

pytestmark = pytest.mark.django_db
ACTORS = ["secretary", "other_secretary", "member", "other_member", "staff", "applicant", "anon"]


@pytest.fixture
def world(people, pool):
    sec = client_for(people["secretary"])
    with on(date(2024, 3, 1)):
        council = set_up(sec, "acceptance", pool[:9])
        cid = council["id"]
        council = constitute_and_dispatch(sec, cid)
        other = set_up(sec, "budget_appraisal", pool[9:12] + pool[:2])
    users = {
        "secretary": people["secretary"],
        "other_secretary": people["other_secretary"],
        "member": pool[0].user,
        "other_member": pool[10].user,  # sits on the other council only
        "staff": people["specialist"],
        "applicant": people["applicant"],
        "anon": None,
    }
    return {"council": council, "other": other, "users": users}


def api(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


HIDDEN = {"other_member": 404, "staff": 404, "applicant": 404, "anon": 403}


# endpoint, method, body, expected by actor (default for the rest: HIDDEN)
def endpoints(c):
    cid, sid = c["id"], c["subjects"][0]["id"]
    mid = c["members"][0]["id"]
    mid2 = c["members"][1]["id"]  # not the member who acts below
    paper = c["papers"][0]["id"]
    secretary_only = {"secretary": None, "other_secretary": 403, "member": 403}
    return [
        (
            "get",
            f"/api/councils/{cid}/",
            None,
            {"secretary": 200, "other_secretary": 200, "member": 200},
        ),
        (
            "post",
            f"/api/councils/{cid}/members/",
            {"expert": c["members"][0]["expert"], "role": "member"},
            {**secretary_only, "secretary": 409},
        ),
        (
            "post",
            f"/api/councils/{cid}/members/{mid}/remove/",
            {},
            {**secretary_only, "secretary": 409},
        ),
        ("post", f"/api/councils/{cid}/constitute/", {}, {**secretary_only, "secretary": 409}),
        ("post", f"/api/councils/{cid}/dispatch/", None, {**secretary_only, "secretary": 409}),
        (
            "post",
            f"/api/councils/{cid}/declarations/record/",
            {"membership": mid2},
            {**secretary_only, "secretary": 200},
        ),
        (
            "post",
            f"/api/councils/{cid}/reviews/record/",
            {"membership": mid2, "subject": sid, "text": "Bản giấy."},
            {**secretary_only, "secretary": 200},
        ),
        (
            "post",
            f"/api/councils/{cid}/attendance/",
            {"present": []},
            {**secretary_only, "secretary": 400},
        ),
        (
            "post",
            f"/api/councils/{cid}/board/",
            {"members": [mid, mid, mid], "chief": mid},
            {**secretary_only, "secretary": 409},
        ),
        (
            "post",
            f"/api/councils/{cid}/ballots/enter/",
            {"membership": mid, "subject": sid, "values": {"vote": "dat"}},
            {**secretary_only, "secretary": 409},
        ),
        ("post", f"/api/councils/{cid}/tally/", {}, {**secretary_only, "secretary": 409}),
        ("post", f"/api/councils/{cid}/publish/", None, {**secretary_only, "secretary": 409}),
        ("post", f"/api/councils/{cid}/close/", {}, {**secretary_only, "secretary": 409}),
        (
            "post",
            f"/api/councils/{cid}/declare/",
            {"no_conflict": True},
            {"secretary": 403, "other_secretary": 403, "member": 200},
        ),
        (
            "post",
            f"/api/councils/{cid}/reviews/",
            {"subject": sid, "text": "x"},
            {"secretary": 403, "other_secretary": 403, "member": 200},
        ),
        (
            "post",
            f"/api/councils/{cid}/ballots/",
            {"subject": sid, "values": {"vote": "dat"}},
            {"secretary": 403, "other_secretary": 403, "member": 409},
        ),
        (
            "get",
            f"/api/councils/{cid}/ballots/",
            None,
            {"secretary": 200, "other_secretary": 403, "member": 403},
        ),
        (
            "post",
            f"/api/councils/{cid}/tally/confirm/",
            {},
            {"secretary": 403, "other_secretary": 403, "member": 409},
        ),
        (
            "get",
            f"/api/councils/{cid}/papers/{paper}/file/",
            None,
            {"secretary": 200, "other_secretary": 200, "member": 200},  # declared above
        ),
        (
            "get",
            f"/api/councils/{cid}/minutes/",
            None,
            {"secretary": 200, "other_secretary": 403, "member": 403},
        ),
        (
            "get",
            f"/api/councils/{cid}/vote-count/",
            None,
            {"secretary": 200, "other_secretary": 403, "member": 403},
        ),
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_api_matrix(world, actor):
    user = world["users"][actor]
    for method, url, body, expected in endpoints(world["council"]):
        want = expected.get(actor, HIDDEN.get(actor))
        r = (
            getattr(api(user), method)(url, body, format="json")
            if body is not None
            else getattr(api(user), method)(url)
        )
        assert r.status_code == want, (actor, method, url, r.status_code, r.content[:200])


@pytest.mark.parametrize("actor", ACTORS)
def test_api_lists(world, actor):
    user = world["users"][actor]
    r = api(user).get("/api/councils/")
    if actor == "anon":
        assert r.status_code == 403
        return
    ids = {c["id"] for c in r.json()["results"]}
    expected = {
        "secretary": {world["council"]["id"], world["other"]["id"]},
        "other_secretary": {world["council"]["id"], world["other"]["id"]},
        "member": {world["council"]["id"], world["other"]["id"]},  # pool[0] sits on both
        "other_member": {world["other"]["id"]},
    }.get(actor, set())
    assert ids == expected
    experts = api(user).get("/api/councils/experts/")
    assert experts.status_code == (200 if actor in ("secretary", "other_secretary") else 403)
    create = api(user).post(
        "/api/councils/",
        {"kind": "acceptance", "title": "x", "subjects": [{"title": "y"}]},
        format="json",
    )
    assert create.status_code == (201 if actor in ("secretary", "other_secretary") else 403)


def page(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize("actor", ACTORS)
def test_pages_matrix(world, actor):
    user = world["users"][actor]
    cid = world["council"]["id"]
    paper = world["council"]["papers"][0]["id"]
    staff = actor in ("secretary", "other_secretary")
    member = actor == "member"
    anon = actor == "anon"
    expected = {
        "/hoi-dong/": 200 if staff else 302 if anon else 403,
        "/hoi-dong/moi/": 200 if staff else 302 if anon else 403,
        f"/hoi-dong/{cid}/": 200 if staff else 302 if anon else 403,
        "/hoi-dong/cua-toi/": 302 if anon else 200,
        f"/hoi-dong/{cid}/thanh-vien/": 200 if member else 302 if anon else 404,
        f"/hoi-dong/{cid}/tai-lieu/{paper}/": 200 if staff else 302 if (anon or member) else 404,
        f"/hoi-dong/{cid}/van-ban/bien-ban.pdf": 200
        if actor == "secretary"
        else 302
        if (anon or member or staff)
        else 404,
    }
    for url, want in expected.items():
        r = page(user).get(url)
        assert r.status_code == want, (actor, url, r.status_code)
    # an action form of the council page: only the council's secretary acts
    r = page(user).post(f"/hoi-dong/{cid}/thao-tac/dispatch/")
    if actor == "secretary":
        assert r.status_code == 302
    elif anon:
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    elif staff:
        assert r.status_code == 302  # refused with the service's message, nothing changes
    else:
        assert r.status_code == 404
    assert Expert.objects.exists()
