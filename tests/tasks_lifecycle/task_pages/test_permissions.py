"""Who reaches what: every page and API operation of the S&T tasks for the task's
officer, the head of the managing division, the director, a council secretary of the
division (sees, no step, no personal data), a host user of this task, its PI, a host
user of another task, a council member, a specialist of another division, a permit
applicant and an anonymous visitor; with ownership (a leader's step, the host's step)."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from tasks_lifecycle.models import Stage, Task

from ..conftest import on
from .conftest import browser

pytestmark = pytest.mark.django_db
ACTORS = [
    "officer",
    "head",
    "director",
    "secretary",
    "host",
    "pi",
    "other_host",
    "member",
    "other_division",
    "applicant",
    "anon",
]
STAFF = {"officer", "head", "director", "secretary"}
PARTY = {"host", "pi"}
LOGIN = "login"  # a redirect to the login page


def expect_page(actor, *, staff, party=None, other=404):
    if actor == "anon":
        return LOGIN
    if actor in STAFF:
        return staff
    if actor in PARTY and party is not None:
        return party
    return other


EXT = {
    "months": 6,
    "requested_on": "2025-07-31",
    "decision_number": "120/QĐ-UBND",
    "signed_on": "2025-07-31",
    "signer": "Chủ tịch UBND tỉnh",
    "cause": "Thời tiết",
}


def _status(r):
    if r.status_code == 302 and "/accounts/login/" in r["Location"]:
        return LOGIN
    return r.status_code


@pytest.mark.parametrize("actor", ACTORS)
def test_pages(world, actor):
    task, c = world["task"], browser(world["users"][actor])
    pk = task.pk
    cases = [
        ("get", "/nhiem-vu/", expect_page(actor, staff=200, other=403)),
        ("get", "/nhiem-vu/qua-han/", expect_page(actor, staff=200, other=403)),
        ("get", f"/nhiem-vu/{pk}/", expect_page(actor, staff=200, party=302)),
        ("get", f"/to-chuc/nhiem-vu/{pk}/", expect_page(actor, staff=302, party=200)),
        ("get", "/to-chuc/nhiem-vu/", LOGIN if actor == "anon" else 200),
        ("get", "/to-chuc/nhiem-vu/de-xuat/", LOGIN if actor == "anon" else 200),
    ]
    other = 302 if actor == "other_host" else expect_page(actor, staff=200, party=404)
    cases.append(("get", f"/nhiem-vu/{world['other'].pk}/", other))
    for method, url, expected in cases:
        assert _status(getattr(c, method)(url)) == expected, (actor, url)
    leader = {"head": 302, "director": 302, "officer": 403, "secretary": 403}
    extend = {f"extend-{k}": v for k, v in EXT.items()}
    with on(date(2025, 7, 31)):
        r = c.post(f"/nhiem-vu/{pk}/thao-tac/extend/", extend)
        assert _status(r) == expect_page(actor, staff=leader.get(actor), party=404), actor
        r = c.post(
            f"/to-chuc/nhiem-vu/{pk}/thao-tac/file-dossier/",
            {"file-dossier-self_evaluation": "Hoàn thành."},
        )
        host_step = {"host": 302, "pi": 403}  # the PI has no account of the organisation
        assert _status(r) == expect_page(actor, staff=403, party=host_step.get(actor)), actor
    task = Task.objects.select_related("contract").get(pk=pk)
    assert (task.contract.extended_months == 6) == (actor in ("head", "director"))
    assert (task.stage == Stage.DOSSIER_FILED) == (actor == "host")


def _api(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.mark.parametrize("actor", ACTORS)
def test_api(world, actor):
    task, c = world["task"], _api(world["users"][actor])
    pk = task.pk
    hidden = 403 if actor == "anon" else 404
    r = c.get(f"/api/tasks/{pk}/")
    assert r.status_code == (200 if actor in STAFF | PARTY else hidden), actor
    if r.status_code == 200:
        personal = actor != "secretary"
        assert r.json()["personal_data_shown"] is personal
        assert (r.json()["pi"]["email"] is not None) is personal
        emails = [p["email"] for p in r.json()["participants"]]
        assert emails == (["binh.lt@example.vn"] if personal else [None])
    listed = c.get("/api/tasks/")
    if actor == "anon":
        assert listed.status_code == 403
    else:
        codes = {t["code"] for t in listed.json()["results"]}
        assert (task.code in codes) == (actor in STAFF | PARTY), actor
        assert all("email" not in t for t in listed.json()["results"])  # no contacts in lists
    leader = {"head": 200, "director": 200}
    with on(date(2025, 7, 31)):
        r = c.post(f"/api/tasks/{pk}/extend/", EXT, format="json")
        want = leader.get(actor, 403) if actor in STAFF | PARTY else hidden
        assert r.status_code == want, (actor, r.content.decode()[:300])
        r = c.post(f"/api/tasks/{pk}/file-dossier/", {"self_evaluation": "Xong."}, format="json")
        want = {"host": 200}.get(actor, 403) if actor in STAFF | PARTY else hidden
        assert r.status_code == want, (actor, r.content.decode()[:300])
    propose = c.post(
        "/api/tasks/",
        {"proposer": world["org"].pk, "title": "Đề xuất", "year": 2026},
        format="json",
    )
    assert propose.status_code == (201 if actor == "host" else 403), actor
