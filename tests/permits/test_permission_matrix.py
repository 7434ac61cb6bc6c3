"""Who may do what on a radiation dossier, through the REST API: every role × every
action, each on its own dossier put first into the action's source state.

The dossiers are certificate dossiers (5 items to upload rather than 11): the steps,
their owners and the checks are the same for every kind of radiation dossier.

Outcomes:
  ok    the action happens (2xx) and the dossier changed
  403   refused: the role does not own this step (the dossier is unchanged)
  404   refused: the dossier is someone else's and is not shown at all (unchanged)
  anon  not signed in: 401 or 403 (unchanged)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from permits import services
from permits.models import ApologySlip, Document, Dossier, DossierKind, Status
from tests.permits.conftest import ORGANISATION, drive, file_dossier, on, pdf
from workflows.roles import Role

pytestmark = pytest.mark.django_db

KIND = DossierKind.CERTIFICATE
ITEM = "anh"  # an item of the certificate checklist without an issue date


@pytest.fixture(scope="module", autouse=True)
def _media(tmp_path_factory):
    """The uploads of this module go to a temporary folder, removed by pytest."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Overrides the suite's fixture of the same name: these tests add no calendar
    exceptions, so the working-day calendar built by the first case serves them all
    (the suite's fixture clears it after every test of the other modules)."""
    yield


ROLES = [
    "anonymous",
    "owner",
    "other_applicant",
    Role.ONE_STOP_OFFICER,
    Role.SPECIALIST,
    Role.HEAD_OF_DIVISION,
    Role.DIRECTOR,
    Role.ACCOUNTANT,
    Role.COUNCIL_SECRETARY,
    Role.INSPECTOR,
]

# fmt: off
# columns: anonymous, owner, other applicant, one-stop officer, specialist, head of
# division, director, accountant, council secretary, inspector
MATRIX = {
    #                                anon owner other 1stop spec head  dir  acct  secr  insp
    "view":                         "anon ok    404   ok    ok   ok    ok   ok    ok    ok",
    "create":                       "anon ok    ok    ok    ok   ok    ok   ok    ok    ok",
    "documents":                    "anon ok    404   403   403  403   403  403   403   403",
    "submit":                       "anon ok    404   403   403  403   403  403   403   403",
    "answer-supplement":            "anon ok    404   403   403  403   403  403   403   403",
    "accept":                       "anon 403   404   ok    403  403   403  403   403   403",
    "reject":                       "anon 403   404   ok    403  403   403  403   403   403",
    "request-supplement":           "anon 403   404   ok    403  403   403  403   403   403",
    "request-supplement@appraisal": "anon 403   404   403   ok   403   403  403   403   403",
    "record-fee":                   "anon 403   404   ok    403  403   403  ok    403   403",
    "assign":                       "anon 403   404   403   ok   ok    403  403   403   403",
    "record-appraisal":             "anon 403   404   403   ok   403   403  403   403   403",
    "review":                       "anon 403   404   403   403  ok    403  403   403   403",
    "review@return":                "anon 403   404   403   403  ok    403  403   403   403",
    "sign":                         "anon 403   404   403   403  403   ok   403   403   403",
    "refuse":                       "anon 403   404   403   403  403   ok   403   403   403",
    "return-to-review":             "anon 403   404   403   403  403   ok   403   403   403",
    "apologies":                    "anon 403   404   403   ok   ok    ok   403   403   403",
    "apologies/issue":              "anon 403   404   403   403  ok    ok   403   403   403",
}
# fmt: on


@dataclass(frozen=True)
class Step:
    source: str | None  # the state the dossier is put in first (None: no dossier)
    request: Callable  # (client, dossier, users) -> response
    changed: Callable | None = None  # (before, after) -> bool; default: status changed


def _post(step: str, data=None, fmt="json"):
    def send(client, dossier, users):
        return client.post(f"/api/permits/dossiers/{dossier.code}/{step}/", data or {}, format=fmt)

    return send


def _issue(client, dossier, users):
    slip = ApologySlip.objects.get(dossier=dossier)
    return client.post(f"/api/permits/apologies/{slip.pk}/issue/")


def _create(client, dossier, users):
    data = {
        "kind": "permit_new",
        **ORGANISATION,
        "devices": [{"category": "dental", "model_name": "Vatech PaX-i", "serial_number": "S1"}],
    }
    return client.post("/api/permits/dossiers/", data, format="json")


def _view(client, dossier, users):
    return client.get(f"/api/permits/dossiers/{dossier.code}/")


STEPS = {
    "view": Step(Status.SUBMITTED, _view),
    "create": Step(None, _create, changed=lambda b, a: a["dossiers"] == b["dossiers"] + 1),
    "documents": Step(
        Status.DRAFT,
        lambda c, d, u: c.post(
            f"/api/permits/dossiers/{d.code}/documents/",
            {"item": ITEM, "file": pdf()},
            format="multipart",
        ),
        changed=lambda b, a: a["documents"] == b["documents"] + 1,
    ),
    "submit": Step(Status.DRAFT, _post("submit")),
    "answer-supplement": Step(
        Status.SUPPLEMENT,
        lambda c, d, u: c.post(
            f"/api/permits/dossiers/{d.code}/answer-supplement/",
            {ITEM: pdf()},
            format="multipart",
        ),
    ),
    "accept": Step(Status.SUBMITTED, _post("accept")),
    "reject": Step(Status.SUBMITTED, _post("reject", {"reasons": "Hồ sơ không thuộc thẩm quyền."})),
    "request-supplement": Step(
        Status.SUBMITTED,
        _post("request-supplement", {"items": [ITEM], "reasons": "Ảnh không rõ mặt."}),
    ),
    "request-supplement@appraisal": Step(
        Status.APPRAISAL,
        _post("request-supplement", {"items": [ITEM], "reasons": "Ảnh chụp quá 6 tháng."}),
    ),
    "record-fee": Step(Status.AWAITING_FEE, _post("record-fee", {"receipt_no": "BL-0001"})),
    "assign": Step(
        Status.APPRAISAL,
        lambda c, d, u: _post("assign", {"specialist": u[Role.SPECIALIST].username})(c, d, u),
        changed=lambda b, a: a["specialist"] != b["specialist"],
    ),
    "record-appraisal": Step(
        Status.APPRAISAL,
        _post("record-appraisal", {"conclusion": "pass", "findings": "Đạt yêu cầu."}),
    ),
    "review": Step(Status.REVIEW, _post("review", {"approve": True})),
    "review@return": Step(
        Status.REVIEW, _post("review", {"approve": False, "note": "Bổ sung số liệu đo."})
    ),
    "sign": Step(Status.SIGNING, _post("sign")),
    "refuse": Step(Status.SIGNING, _post("refuse", {"reasons": "Không đạt yêu cầu che chắn."})),
    "return-to-review": Step(
        Status.SIGNING, _post("return-to-review", {"note": "Làm rõ kết luận thẩm định."})
    ),
    "apologies": Step(
        Status.APPRAISAL,
        _post("apologies", {"reason": "Chờ kết quả đo kiểm bổ sung."}),
        changed=lambda b, a: a["apologies"] == b["apologies"] + 1,
    ),
    "apologies/issue": Step(
        Status.APPRAISAL,
        _issue,
        changed=lambda b, a: a["issued"] == b["issued"] + 1,
    ),
}


def _cases():
    assert set(MATRIX) == set(STEPS)
    for action, row in MATRIX.items():
        outcomes = row.split()
        assert len(outcomes) == len(ROLES), action
        for role, outcome in zip(ROLES, outcomes, strict=True):
            yield pytest.param(action, str(role), outcome, id=f"{action}-{role}-{outcome}")


def _snapshot(dossier: Dossier | None) -> dict:
    snap = {"dossiers": Dossier.objects.count()}
    if dossier is not None:
        fresh = Dossier.objects.get(pk=dossier.pk)
        snap.update(
            status=fresh.status,
            specialist=fresh.specialist_id,
            documents=Document.objects.filter(dossier=fresh).count(),
            apologies=ApologySlip.objects.filter(dossier=fresh).count(),
            issued=ApologySlip.objects.filter(
                dossier=fresh, state=ApologySlip.State.ISSUED
            ).count(),
        )
    return snap


def _prepare(step: Step, applicant, staff) -> Dossier | None:
    if step.source is None:
        return None
    if step.source == Status.DRAFT:
        return file_dossier(applicant, kind=KIND)
    if step.source == Status.SUPPLEMENT:
        dossier = drive(file_dossier(applicant, kind=KIND), staff, Status.SUBMITTED)
        services.dossier_request_supplement(
            dossier=dossier,
            actor=staff[Role.ONE_STOP_OFFICER],
            items=[ITEM],
            reasons="Ảnh không rõ mặt.",
        )
        return Dossier.objects.get(pk=dossier.pk)
    dossier = drive(file_dossier(applicant, kind=KIND), staff, step.source)
    if step.request is _issue:
        services.apology_draft(
            dossier=dossier, actor=staff[Role.DIRECTOR], reason="Chờ kết quả đo kiểm bổ sung."
        )
    return dossier


@pytest.mark.parametrize(("action", "role", "outcome"), list(_cases()))
def test_permission_matrix(action, role, outcome, staff, applicant, other_applicant):
    step = STEPS[action]
    users = {"owner": applicant, "other_applicant": other_applicant, **staff}
    with on(date(2024, 3, 4)):
        dossier = _prepare(step, applicant, staff)
        before = _snapshot(dossier)
        client = APIClient()
        if role != "anonymous":
            client.force_login(users[role])
        response = step.request(client, dossier, users)
        after = _snapshot(dossier)

    if outcome == "ok":
        assert 200 <= response.status_code < 300, response.json()
        if action == "view":
            assert response.json()["code"] == dossier.code
            assert after == before
        else:
            changed = step.changed or (lambda b, a: a["status"] != b["status"])
            assert changed(before, after), (before, after)
        return

    expected = (401, 403) if outcome == "anon" else (int(outcome),)
    assert response.status_code in expected, (response.status_code, response.content)
    body = response.json()
    assert set(body) <= {"detail", "code"}  # no data of the dossier
    assert after == before
