"""Who may do what on a radiation dossier, through the REST API: every role × every
action, each on its own dossier put first into the action's source state.

The dossiers are certificate dossiers (5 items to upload rather than 11): the steps,
their owners and the checks are the same for every kind of radiation dossier.

The second part (`test_ownership_matrix`) holds the role but not the step: the same
role another person holds, the same role in another division, the head of another
division, a dossier filed in the actor's own name, counter filings for accounts that
are not applicants' — over the API, the staff pages and the admin.

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
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from permits import flows, services
from permits.models import PROCEDURE_CODES, ApologySlip, Document, Dossier, DossierKind, Status
from tests.conftest import make_user
from tests.permits.conftest import ORGANISATION, drive, file_dossier, on, pdf
from workflows.models import Division
from workflows.roles import Role
from workflows.selectors import procedure_version_for

# one process runs the whole module: its module-scoped data is built once (xdist)
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("permits-test_permission_matrix")]

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


def matrix_cases(matrix: dict, steps: dict, roles: list):
    """(action, role, outcome) of every cell of a matrix (also the registration's)."""
    assert set(matrix) == set(steps)
    for action, row in matrix.items():
        outcomes = row.split()
        assert len(outcomes) == len(roles), action
        for role, outcome in zip(roles, outcomes, strict=True):
            yield pytest.param(action, str(role), outcome, id=f"{action}-{role}-{outcome}")


def _cases():
    return matrix_cases(MATRIX, STEPS, ROLES)


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

    assert_outcome(action, outcome, step, dossier, response, before, after)


def assert_outcome(action, outcome, step, dossier, response, before, after) -> None:
    """The cell's outcome: done and changed, or refused with nothing changed."""
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


# === ownership: the right role is not enough ========================================
# Every request below comes from a user who holds a role of the step but is not the one
# who may act now: a colleague of the officer who holds the task, the same role in
# another division, the head of another division, or anyone on a dossier filed in their
# own name; and counter filings naming an account that is not an applicant's. Each goes
# through one door — the REST API, the staff pages (viewflow's task pages, the case
# page's forms, the counter page, the queue's bulk claim) or the admin — and must be
# refused with the dossier, its tasks and the dossier table unchanged. A few controls
# show the rightful actor succeeding through the same door, so a refusal means the rule
# and not a broken request.


@pytest.fixture
def people(staff, applicant, other_applicant, divisions):
    """The staff fixture plus colleagues: the same role in the same division, the same
    role elsewhere, the head of another division; an admin; accounts a counter filing
    must not name."""
    qlkh = Division.objects.get_or_create(code="qlkh", defaults={"name": "Phòng Quản lý khoa học"})[
        0
    ]
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    admin_staff = make_user("quantri2", Role.INSPECTOR, is_staff=True)
    admin_staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="permits"))
    both = make_user("kiemnhiem", Role.APPLICANT, Role.SPECIALIST, division=divisions["cn-qlkhcs"])
    return {
        **staff,
        "owner": applicant,
        "other_applicant": other_applicant,
        "officer2": make_user("motcua2", Role.ONE_STOP_OFFICER, division=divisions["mot-cua"]),
        "officer_elsewhere": make_user(
            "motcua-vp", Role.ONE_STOP_OFFICER, division=divisions["van-phong"]
        ),
        "accountant2": make_user("ketoan2", Role.ACCOUNTANT, division=divisions["van-phong"]),
        "specialist2": make_user("chuyenvien2", Role.SPECIALIST, division=divisions["cn-qlkhcs"]),
        "specialist_elsewhere": make_user("chuyenvien-qlkh", Role.SPECIALIST, division=qlkh),
        "head_elsewhere": make_user("truongphong-qlkh", Role.HEAD_OF_DIVISION, division=qlkh),
        "admin": admin,
        "admin_staff": admin_staff,
        "applicant_and_staff": both,
        "inactive_applicant": make_user("ngunghoatdong", Role.APPLICANT, is_active=False),
    }


# --- setting the scene: the flow's tasks and who holds them ----------------------------
def _task(dossier: Dossier, node: str) -> Task:
    process = flows.process_for(dossier)
    return Task.objects.get(
        process=process, flow_task__in=[getattr(f, node) for f in flows.FLOWS],
        status__in=flows.OPEN_TASK_STATUSES,
    )  # fmt: skip


def _claim(node: str, who: str):
    def setup(dossier, users):
        task = _task(dossier, node)
        task.flow_task.activation_class(task).assign(users[who])

    return setup


def _assign_to(who: str):
    """The head gives the appraisal to `who`; the task follows (flow_sync)."""

    def setup(dossier, users):
        services.dossier_assign(
            dossier=dossier, actor=users[Role.HEAD_OF_DIVISION], specialist=users[who]
        )
        flows.flow_sync(dossier)

    return setup


def _draft_apology(dossier, users):
    services.apology_draft(
        dossier=dossier, actor=users[Role.DIRECTOR], reason="Chờ kết quả đo kiểm bổ sung."
    )


def _then(*setups):
    def setup(dossier, users):
        for s in setups:
            s(dossier, users)

    return setup


# --- the doors ---------------------------------------------------------------------------
def _api(step: str, data=None):
    return _post(step, data)


def _api_assign(who: str):
    return lambda c, d, u: c.post(
        f"/api/permits/dossiers/{d.code}/assign/", {"specialist": u[who].username}, format="json"
    )


def _page(node: str, view: str, data=None):
    """A viewflow task page of the dossier's open task of `node` (claim: assign;
    execute; the head's reassign)."""

    def send(client, dossier, users):
        task = _task(dossier, node)
        url = task.flow_task.reverse(view, args=[task.process_id, task.pk])
        return client.post(url, data(users) if callable(data) else (data or {}))

    return send


def _execute(node: str, action: str, **fields):
    return _page(
        node, "execute", {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    )


def _bulk_claim(node: str):
    def send(client, dossier, users):
        task = _task(dossier, node)
        return client.post(reverse("workflow:tasks_assign"), {"pk": [task.pk], "_confirm": "1"})

    return send


def _case_apology_draft(client, dossier, users):
    return client.post(
        reverse("permits:staff-apology-draft", kwargs={"code": dossier.code}),
        {"reason": "Chờ kết quả đo kiểm bổ sung."},
    )


def _case_apology_issue(client, dossier, users):
    slip = ApologySlip.objects.get(dossier=dossier)
    return client.post(
        reverse("permits:staff-apology-issue", kwargs={"code": dossier.code, "pk": slip.pk})
    )


def _api_issue(client, dossier, users):
    slip = ApologySlip.objects.get(dossier=dossier)
    return client.post(f"/api/permits/apologies/{slip.pk}/issue/")


def _api_file(applicant: str | None, channel: str):
    def send(client, dossier, users):
        data = {
            "kind": "certificate",
            **ORGANISATION,
            "worker": {
                "name": "Lò Văn Bình",
                "birth_date": "1990-04-12",
                "id_number": "014090001234",
            },
            "channel": channel,
        }
        if applicant:
            data["applicant"] = users[applicant].username
        return client.post("/api/permits/dossiers/", data, format="json")

    return send


def _counter_page(applicant: str):
    def send(client, dossier, users):
        data = {
            "intake-applicant": users[applicant].username,
            "intake-channel": "counter",
            **{f"org-{k}": v for k, v in ORGANISATION.items()},
            "worker-name": "Lò Văn Bình",
            "worker-birth_date": "12/04/1990",
            "worker-id_number": "014090001234",
        }
        version = procedure_version_for(PROCEDURE_CODES[KIND], date(2024, 3, 4))
        for spec in version.documents:
            data[f"doc-file-{spec['code']}"] = pdf(f"{spec['code']}.pdf")
            if spec.get("dated"):
                data[f"doc-issued-{spec['code']}"] = "15/02/2024"
        url = reverse("permits:counter-intake", kwargs={"kind": KIND})
        return client.post(url, data)

    return send


def _admin(view: str):
    def send(client, dossier, users):
        if view == "add":
            return client.post(reverse("admin:permits_dossier_add"), {"code": "X"})
        url = reverse(f"admin:permits_dossier_{view}", args=[dossier.pk])
        data = {"post": "yes"} if view == "delete" else {"status": Status.ISSUED}
        return client.post(url, data)

    return send


@dataclass(frozen=True)
class Scene:
    state: str | None  # the dossier's state (None: no dossier)
    actor: str  # who sends the request
    door: str  # api, page, admin
    request: Callable
    setup: Callable | None = None  # claims and assignments before the request
    owner: str = "owner"  # whose account the dossier is filed in
    ok: bool = False  # a control: the rightful actor, who must succeed


S, H = Role.SPECIALIST, Role.HEAD_OF_DIVISION
FILING_REASON = "Hồ sơ nhận tại quầy chỉ được lập cho tài khoản của tổ chức, cá nhân"
SCENES: dict[str, Scene] = {
    # --- same role, other person: the task is held by a colleague --------------------------
    "accept/held-by-colleague/api": Scene(
        Status.SUBMITTED, "officer2", "api", _api("accept"),
        _claim("check", Role.ONE_STOP_OFFICER),
    ),
    "reject/held-by-colleague/api": Scene(
        Status.SUBMITTED, "officer2", "api", _api("reject", {"reasons": "Không thuộc thẩm quyền."}),
        _claim("check", Role.ONE_STOP_OFFICER),
    ),
    "request-supplement/held-by-colleague/api": Scene(
        Status.SUBMITTED, "officer2", "api",
        _api("request-supplement", {"items": [ITEM], "reasons": "Ảnh không rõ mặt."}),
        _claim("check", Role.ONE_STOP_OFFICER),
    ),
    "accept/held-by-colleague/page-execute": Scene(
        Status.SUBMITTED, "officer2", "page", _execute("check", "accept", note=""),
        _claim("check", Role.ONE_STOP_OFFICER),
    ),
    "accept/held-by-colleague/page-claim": Scene(
        Status.SUBMITTED, "officer2", "page", _page("check", "assign"),
        _claim("check", Role.ONE_STOP_OFFICER),
    ),
    "accept/holder/api (control)": Scene(
        Status.SUBMITTED, Role.ONE_STOP_OFFICER, "api", _api("accept"),
        _claim("check", Role.ONE_STOP_OFFICER), ok=True,
    ),
    "accept/unclaimed/api (control)": Scene(
        Status.SUBMITTED, "officer2", "api", _api("accept"), ok=True,
    ),
    "record-fee/held-by-colleague/api": Scene(
        Status.AWAITING_FEE, "accountant2", "api", _api("record-fee", {"receipt_no": "BL-2"}),
        _claim("fee", Role.ACCOUNTANT),
    ),
    "record-fee/held-by-colleague/page-execute": Scene(
        Status.AWAITING_FEE, "accountant2", "page",
        _execute("fee", "record_fee", receipt_no="BL-2", paid_on=""),
        _claim("fee", Role.ACCOUNTANT),
    ),
    "record-appraisal/assigned-to-colleague/api (F1)": Scene(
        Status.APPRAISAL, "specialist2", "api",
        _api("record-appraisal", {"conclusion": "pass", "findings": "Đạt yêu cầu."}),
        _assign_to(S),
    ),
    "record-appraisal/assigned-to-colleague/page-execute": Scene(
        Status.APPRAISAL, "specialist2", "page",
        _execute("appraisal", "record_appraisal", conclusion="pass", findings="Đạt."),
        _assign_to(S),
    ),
    "record-appraisal/assignee/api (control)": Scene(
        Status.APPRAISAL, S, "api",
        _api("record-appraisal", {"conclusion": "pass", "findings": "Đạt yêu cầu."}),
        _assign_to(S), ok=True,
    ),
    "request-supplement@appraisal/assigned-to-colleague/api": Scene(
        Status.APPRAISAL, "specialist2", "api",
        _api("request-supplement", {"items": [ITEM], "reasons": "Ảnh chụp quá 6 tháng."}),
        _assign_to(S),
    ),
    "assign-self/assigned-to-colleague/api (F3)": Scene(
        Status.APPRAISAL, "specialist2", "api", _api_assign("specialist2"), _assign_to(S),
    ),
    "assign-other/assigned-to-colleague/api": Scene(
        Status.APPRAISAL, "specialist2", "api", _api_assign(S), _assign_to("specialist2"),
    ),
    "assign/unassigned-to-colleague/api": Scene(
        Status.APPRAISAL, "specialist2", "api", _api_assign(S),
    ),
    "assign-self/assigned-to-colleague/page-claim (F3)": Scene(
        Status.APPRAISAL, "specialist2", "page", _page("appraisal", "assign"), _assign_to(S),
    ),
    "assign-self/assigned-to-colleague/page-reassign (F3)": Scene(
        Status.APPRAISAL, "specialist2", "page",
        _page("appraisal", "reassign", lambda u: {"specialist": u["specialist2"].pk}),
        _assign_to(S),
    ),
    "assign-self/assigned-to-colleague/queue-bulk-claim": Scene(
        Status.APPRAISAL, "specialist2", "page", _bulk_claim("appraisal"), _assign_to(S),
    ),
    "reassign/head/api (control)": Scene(
        Status.APPRAISAL, H, "api", _api_assign("specialist2"), _assign_to(S), ok=True,
    ),
    "apologies/assigned-to-colleague/api": Scene(
        Status.APPRAISAL, "specialist2", "api",
        _api("apologies", {"reason": "Chờ kết quả đo kiểm bổ sung."}), _assign_to(S),
    ),
    "apologies/assigned-to-colleague/case-page": Scene(
        Status.APPRAISAL, "specialist2", "page", _case_apology_draft, _assign_to(S),
    ),
    "apologies/assignee/case-page (control)": Scene(
        Status.APPRAISAL, S, "page", _case_apology_draft, _assign_to(S), ok=True,
    ),
    # --- same role, other division -------------------------------------------------------
    "accept/officer-elsewhere/api": Scene(
        Status.SUBMITTED, "officer_elsewhere", "api", _api("accept"),
    ),
    "accept/officer-elsewhere/page-claim": Scene(
        Status.SUBMITTED, "officer_elsewhere", "page", _page("check", "assign"),
    ),
    "record-fee/officer-elsewhere/api": Scene(
        Status.AWAITING_FEE, "officer_elsewhere", "api", _api("record-fee", {"receipt_no": "B"}),
    ),
    "record-appraisal/specialist-elsewhere/api": Scene(
        Status.APPRAISAL, "specialist_elsewhere", "api",
        _api("record-appraisal", {"conclusion": "pass", "findings": "Đạt yêu cầu."}),
    ),
    "assign-self/specialist-elsewhere/api": Scene(
        Status.APPRAISAL, "specialist_elsewhere", "api", _api_assign("specialist_elsewhere"),
    ),
    "assign-self/specialist-elsewhere/page-claim": Scene(
        Status.APPRAISAL, "specialist_elsewhere", "page", _page("appraisal", "assign"),
    ),
    "assign-self/specialist-elsewhere/queue-bulk-claim": Scene(
        Status.APPRAISAL, "specialist_elsewhere", "page", _bulk_claim("appraisal"),
    ),
    "assign-to-specialist-elsewhere/head/api": Scene(
        Status.APPRAISAL, H, "api", _api_assign("specialist_elsewhere"),
    ),
    "apologies/specialist-elsewhere/api": Scene(
        Status.APPRAISAL, "specialist_elsewhere", "api",
        _api("apologies", {"reason": "Chờ kết quả đo kiểm bổ sung."}),
    ),
    # --- the head of another division (F2) -----------------------------------------------
    "review/head-elsewhere/api (F2)": Scene(
        Status.REVIEW, "head_elsewhere", "api", _api("review", {"approve": True}),
    ),
    "review@return/head-elsewhere/api": Scene(
        Status.REVIEW, "head_elsewhere", "api",
        _api("review", {"approve": False, "note": "Bổ sung số liệu đo."}),
    ),
    "review/head-elsewhere/page-claim": Scene(
        Status.REVIEW, "head_elsewhere", "page", _page("review", "assign"),
    ),
    "assign/head-elsewhere/api (F2)": Scene(
        Status.APPRAISAL, "head_elsewhere", "api", _api_assign(S),
    ),
    "assign/head-elsewhere/page-reassign": Scene(
        Status.APPRAISAL, "head_elsewhere", "page",
        _page("appraisal", "reassign", lambda u: {"specialist": u[S].pk}),
    ),
    "apologies/head-elsewhere/api": Scene(
        Status.APPRAISAL, "head_elsewhere", "api",
        _api("apologies", {"reason": "Chờ kết quả đo kiểm bổ sung."}),
    ),
    "apologies/issue/head-elsewhere/api": Scene(
        Status.APPRAISAL, "head_elsewhere", "api", _api_issue, _draft_apology,
    ),
    "apologies/issue/head-elsewhere/case-page": Scene(
        Status.APPRAISAL, "head_elsewhere", "page", _case_apology_issue, _draft_apology,
    ),
    "review/head/api (control)": Scene(
        Status.REVIEW, H, "api", _api("review", {"approve": True}), ok=True,
    ),
    # --- self-dealing: a dossier filed in the actor's own name (F4) --------------------------
    "sign/own-dossier/api (F4)": Scene(
        Status.SIGNING, Role.DIRECTOR, "api", _api("sign"), owner=Role.DIRECTOR,
    ),
    "refuse/own-dossier/api": Scene(
        Status.SIGNING, Role.DIRECTOR, "api", _api("refuse", {"reasons": "Không đạt."}),
        owner=Role.DIRECTOR,
    ),
    "sign/own-dossier/page-claim": Scene(
        Status.SIGNING, Role.DIRECTOR, "page", _page("signing", "assign"), owner=Role.DIRECTOR,
    ),
    "review/own-dossier/api": Scene(
        Status.REVIEW, H, "api", _api("review", {"approve": True}), owner=H,
    ),
    "record-appraisal/own-dossier/api": Scene(
        Status.APPRAISAL, S, "api",
        _api("record-appraisal", {"conclusion": "pass", "findings": "Đạt yêu cầu."}), owner=S,
    ),
    "assign-self/own-dossier/api": Scene(Status.APPRAISAL, S, "api", _api_assign(S), owner=S),
    "assign-to-the-applicant/head/api": Scene(
        Status.APPRAISAL, H, "api", _api_assign(S), owner=S,
    ),
    "record-fee/own-dossier/api": Scene(
        Status.AWAITING_FEE, Role.ACCOUNTANT, "api", _api("record-fee", {"receipt_no": "B"}),
        owner=Role.ACCOUNTANT,
    ),
    "accept/own-dossier/api": Scene(
        Status.SUBMITTED, Role.ONE_STOP_OFFICER, "api", _api("accept"),
        owner=Role.ONE_STOP_OFFICER,
    ),
    "accept/own-dossier/page-claim": Scene(
        Status.SUBMITTED, Role.ONE_STOP_OFFICER, "page", _page("check", "assign"),
        owner=Role.ONE_STOP_OFFICER,
    ),
    "apologies/own-dossier/api": Scene(
        Status.APPRAISAL, Role.DIRECTOR, "api",
        _api("apologies", {"reason": "Chờ kết quả đo kiểm bổ sung."}), owner=Role.DIRECTOR,
    ),
    # --- counter filings (F4, F5) ----------------------------------------------------------
    "file-counter/for-staff/api (F4)": Scene(
        None, Role.ONE_STOP_OFFICER, "api", _api_file(Role.DIRECTOR, "counter"),
    ),
    "file-counter/for-superuser/api (F4)": Scene(
        None, Role.ONE_STOP_OFFICER, "api", _api_file("admin", "counter"),
    ),
    "file-counter/for-inactive/api": Scene(
        None, Role.ONE_STOP_OFFICER, "api", _api_file("inactive_applicant", "post"),
    ),
    "file-counter/for-applicant-who-is-staff/api": Scene(
        None, Role.ONE_STOP_OFFICER, "api", _api_file("applicant_and_staff", "counter"),
    ),
    "file-counter/for-self/api": Scene(
        None, Role.ONE_STOP_OFFICER, "api", _api_file(None, "counter"),
    ),
    "file-online/for-applicant/api (F5)": Scene(
        None, Role.ONE_STOP_OFFICER, "api", _api_file("owner", "online"),
    ),
    "file-counter/officer-elsewhere/api": Scene(
        None, "officer_elsewhere", "api", _api_file("owner", "counter"),
    ),
    "file-counter/not-an-officer/api": Scene(None, S, "api", _api_file("owner", "counter")),
    "file-online/for-other-applicant/api": Scene(
        None, "other_applicant", "api", _api_file("owner", "online"),
    ),
    "file-counter/for-applicant/api (control)": Scene(
        None, Role.ONE_STOP_OFFICER, "api", _api_file("owner", "counter"), ok=True,
    ),
    "file-counter/for-staff/page (F4)": Scene(
        None, Role.ONE_STOP_OFFICER, "page", _counter_page(Role.DIRECTOR),
    ),
    "file-counter/for-superuser/page": Scene(
        None, Role.ONE_STOP_OFFICER, "page", _counter_page("admin"),
    ),
    "file-counter/for-inactive/page": Scene(
        None, Role.ONE_STOP_OFFICER, "page", _counter_page("inactive_applicant"),
    ),
    "file-counter/for-applicant-who-is-staff/page": Scene(
        None, Role.ONE_STOP_OFFICER, "page", _counter_page("applicant_and_staff"),
    ),
    "file-counter/for-applicant/page (control)": Scene(
        None, Role.ONE_STOP_OFFICER, "page", _counter_page("owner"), ok=True,
    ),
    "file-counter/officer-elsewhere/page": Scene(
        None, "officer_elsewhere", "page", _counter_page("owner"),
    ),
    # --- the admin: read-only for everyone, superuser included -----------------------------
    "admin-change/superuser": Scene(Status.REVIEW, "admin", "admin", _admin("change")),
    "admin-delete/superuser": Scene(Status.REVIEW, "admin", "admin", _admin("delete")),
    "admin-add/superuser": Scene(None, "admin", "admin", _admin("add")),
    "admin-change/staff-with-every-permission": Scene(
        Status.SIGNING, "admin_staff", "admin", _admin("change"),
    ),
    "admin-delete/staff-with-every-permission": Scene(
        Status.SIGNING, "admin_staff", "admin", _admin("delete"),
    ),
}  # fmt: skip


def _ownership_snapshot(dossier: Dossier | None) -> dict:
    snap = _snapshot(dossier)
    if dossier is not None:
        process = flows.process_for(dossier)
        snap["tasks"] = sorted(
            Task.objects.filter(process=process).values_list("pk", "status", "owner_id")
        )
    return snap


def _scene_dossier(scene: Scene, users) -> Dossier | None:
    if scene.state is None:
        return None
    dossier = drive(file_dossier(users[scene.owner], kind=KIND), users, scene.state)
    flows.flow_sync(dossier)  # the flow and its task for the current step
    if scene.setup is not None:
        scene.setup(dossier, users)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.parametrize("name", list(SCENES))
def test_ownership_matrix(name, people):
    scene = SCENES[name]
    with on(date(2024, 3, 4)):
        dossier = _scene_dossier(scene, people)
        before = _ownership_snapshot(dossier)
        client = APIClient()
        client.force_login(people[scene.actor])
        response = scene.request(client, dossier, people)
        after = _ownership_snapshot(dossier)

    if scene.ok:
        assert response.status_code in (200, 201, 302), response.content[:500]
        assert after != before, "the rightful actor's request changed nothing"
        return
    # refused: a 403/404/400 (or, on a page, a redirect back with the message), and
    # nothing changed — not the dossier, not its tasks, not the dossier table
    assert after == before, (name, response.status_code)
    assert response.status_code in (302, 400, 403, 404), response.status_code
    if scene.door == "api" and response.status_code != 400:
        body = response.json()
        assert set(body) <= {"detail", "code"}, body  # no data of the dossier
