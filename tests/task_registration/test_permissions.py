"""Who may do what on a result registration, through the desk's REST API, pages, flow
tasks and documents: the one-stop officer checks, the managing division (qlkh)
appraises and reviews, the director signs; the applicant of another dossier sees
nothing; a specialist or head of another division (the radiation one) has no step in
this procedure; anonymous visitors are sent to log in.

Outcomes: ok (2xx and the dossier changed), 403 (refused, unchanged), 404 (someone
else's dossier, not shown, unchanged), anon (401 or 403, unchanged).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from permits import access, flows, services
from permits.models import ApologySlip, Dossier, Status
from tests.permits.test_permission_matrix import Step, _post, assert_outcome, matrix_cases
from tests.task_registration.conftest import drive, file_registration, on
from workflows.errors import ActionForbidden, DomainError
from workflows.roles import Role

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "owner",
    "other_applicant",
    Role.ONE_STOP_OFFICER,
    Role.SPECIALIST,
    Role.HEAD_OF_DIVISION,
    Role.DIRECTOR,
    "specialist_elsewhere",
    "head_elsewhere",
    Role.ACCOUNTANT,
]

# fmt: off
# columns: anonymous, owner, other applicant, one-stop officer, qlkh specialist, qlkh
# head, director, specialist and head of the radiation division, accountant
MATRIX = {
    #                                anon owner other 1stop spec head  dir  sp-el hd-el acct
    "view":                         "anon ok    404   ok    ok   ok    ok   ok    ok    ok",
    "submit":                       "anon ok    404   403   403  403   403  403   403   403",
    "accept":                       "anon 403   404   ok    403  403   403  403   403   403",
    "request-supplement":           "anon 403   404   ok    403  403   403  403   403   403",
    "assign":                       "anon 403   404   403   ok   ok    403  403   403   403",
    "record-appraisal":             "anon 403   404   403   ok   403   403  403   403   403",
    "review":                       "anon 403   404   403   403  ok    403  403   403   403",
    "sign":                         "anon 403   404   403   403  403   ok   403   403   403",
    "apologies":                    "anon 403   404   403   ok   ok    ok   403   403   403",
}
# fmt: on


STEPS = {
    "view": Step(Status.SUBMITTED, lambda c, d, u: c.get(f"/api/permits/dossiers/{d.code}/")),
    "submit": Step(Status.DRAFT, _post("submit")),
    "accept": Step(Status.SUBMITTED, _post("accept")),
    "request-supplement": Step(
        Status.SUBMITTED,
        _post("request-supplement", {"items": ["bao-cao-tom-tat"], "reasons": "Thiếu chữ ký."}),
    ),
    "assign": Step(
        Status.APPRAISAL,
        lambda c, d, u: _post("assign", {"specialist": u[Role.SPECIALIST].username})(c, d, u),
        changed=lambda b, a: a["specialist"] != b["specialist"],
    ),
    "record-appraisal": Step(
        Status.APPRAISAL,
        _post("record-appraisal", {"conclusion": "pass", "findings": "Hồ sơ đầy đủ."}),
    ),
    "review": Step(Status.REVIEW, _post("review", {"approve": True})),
    "sign": Step(Status.SIGNING, _post("sign")),
    "apologies": Step(
        Status.APPRAISAL,
        _post("apologies", {"reason": "Chờ đối chiếu báo cáo với biên bản nghiệm thu."}),
        changed=lambda b, a: a["apologies"] == b["apologies"] + 1,
    ),
}


def _snapshot(dossier: Dossier) -> dict:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return {
        "status": fresh.status,
        "specialist": fresh.specialist_id,
        "apologies": ApologySlip.objects.filter(dossier=fresh).count(),
    }


@pytest.mark.parametrize(("action", "role", "outcome"), list(matrix_cases(MATRIX, STEPS, ROLES)))
def test_permission_matrix(action, role, outcome, staff, applicant, other_applicant):
    step = STEPS[action]
    users = {"owner": applicant, "other_applicant": other_applicant, **staff}
    with on(date(2024, 3, 4)):
        dossier = drive(file_registration(applicant), staff, step.source)
        before = _snapshot(dossier)
        client = APIClient()
        if role != "anonymous":
            client.force_login(users[role])
        response = step.request(client, dossier, users)
        after = _snapshot(dossier)
    assert_outcome(action, outcome, step, dossier, response, before, after)


# --- the other division: the role is not enough -------------------------------------------
def test_a_specialist_of_another_division_is_told_which_division_owns_the_step(staff, applicant):
    with on(date(2024, 3, 4)):
        dossier = drive(file_registration(applicant), staff, Status.APPRAISAL)
        with pytest.raises(ActionForbidden) as refused:
            services.dossier_record_appraisal(
                dossier=dossier,
                actor=staff["specialist_elsewhere"],
                conclusion="pass",
                findings="Đạt.",
            )
        assert "Phòng Quản lý khoa học và công nghệ" in str(refused.value)
        # the head hands the appraisal only to a specialist of the managing division
        with pytest.raises(DomainError, match="Phòng Quản lý khoa học và công nghệ"):
            services.dossier_assign(
                dossier=dossier,
                actor=staff[Role.HEAD_OF_DIVISION],
                specialist=staff["specialist_elsewhere"],
            )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.APPRAISAL


def test_the_radiation_division_keeps_its_own_dossiers(staff, applicant):
    """The kinds' divisions do not leak: the managing division's specialist has no step
    in a radiation dossier, the radiation one none in a registration."""
    from tests.permits.conftest import file_dossier

    with on(date(2024, 3, 4)):
        radiation = file_dossier(applicant, kind="certificate")
        registration = file_registration(applicant)
    assert access.sees_personal_data(staff[Role.SPECIALIST], registration)
    assert not access.sees_personal_data(staff[Role.SPECIALIST], radiation)
    assert access.sees_personal_data(staff["specialist_elsewhere"], radiation)
    assert not access.sees_personal_data(staff["specialist_elsewhere"], registration)
    # no fee step: the accountant has no need of a registration's data
    assert not access.sees_personal_data(staff[Role.ACCOUNTANT], registration)
    assert access.sees_personal_data(staff[Role.ONE_STOP_OFFICER], registration)


def test_the_flow_offers_the_appraisal_to_the_managing_division_only(staff, applicant):
    with on(date(2024, 3, 4)):
        dossier = drive(file_registration(applicant), staff, Status.APPRAISAL)
    process = flows.process_for(dossier)
    task = Task.objects.get(process=process, status__in=flows.OPEN_TASK_STATUSES)
    node = task.flow_task
    assert node.name == "appraisal"
    assert node.can_assign(staff[Role.SPECIALIST], task)
    assert not node.can_assign(staff["specialist_elsewhere"], task)
    assert node.can_delegate(staff[Role.HEAD_OF_DIVISION], task)
    assert not node.can_delegate(staff["head_elsewhere"], task)


# --- pages and documents ------------------------------------------------------------------
def _urls(dossier: Dossier) -> dict[str, str]:
    return {
        "applicant": reverse("permits:dossier-detail", kwargs={"code": dossier.code}),
        "staff": reverse("permits:staff-dossier", kwargs={"code": dossier.code}),
        "receipt": f"/ho-so/{dossier.code}/van-ban/tiep-nhan/",
        "certificate": f"/ho-so/{dossier.code}/van-ban/giay-chung-nhan/",
        "file": f"/ho-so/{dossier.code}/tai-lieu/{dossier.documents.first().pk}/",
    }


@pytest.fixture
def issued(staff, applicant):
    with on(date(2024, 3, 4)):
        return drive(file_registration(applicant), staff, Status.ISSUED)


def test_anonymous_visitors_are_sent_to_log_in(client, issued):
    for name, url in _urls(issued).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name


def test_the_applicant_of_another_dossier_sees_nothing(client, issued, other_applicant):
    client.force_login(other_applicant)
    for name, url in _urls(issued).items():
        if name == "staff":
            assert client.get(url).status_code in (302, 403), name
        else:
            assert client.get(url).status_code == 404, name


def test_the_owner_and_the_divisions_staff_get_the_documents(client, issued, applicant, staff):
    urls = _urls(issued)
    for user in (applicant, staff[Role.ONE_STOP_OFFICER], staff[Role.SPECIALIST]):
        client.force_login(user)
        for name in ("receipt", "certificate", "file"):
            assert client.get(urls[name]).status_code == 200, (user, name)
    # staff of the other division see the case page without its files and documents
    client.force_login(staff["specialist_elsewhere"])
    page = client.get(urls["staff"])
    assert page.status_code == 200 and issued.code in page.content.decode()
    assert "/van-ban/" not in page.content.decode()
    for name in ("receipt", "certificate", "file"):
        assert client.get(urls[name]).status_code == 404, name
