"""The REST API: the whole path through HTTP with moved time, the treasury import
(partial, unmatched, duplicate), and the permission matrix (roles and ownership)."""

import io
from datetime import date

import pytest
from rest_framework.test import APIClient

from penalties.models import PenaltyCase, Status, TreasuryReceipt
from tests.penalties.conftest import decided, delivered, on, open_case


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_whole_path_through_http(people):
    ins, chief, acc = (api(people[k]) for k in ("inspector", "chief", "accountant"))
    with on(date(2023, 12, 22)):
        r = ins.post(
            "/api/penalties/cases/",
            {
                "violator_name": "Cửa hàng vàng Ngọc Lan",
                "record_number": "05/BB-VPHC",
                "record_on": "2023-12-22",
                "violation": "Cân vàng chưa kiểm định",
                "violator_is_organisation": False,
            },
            format="json",
        )
        assert r.status_code == 201, r.json()
        pk = r.json()["id"]
        assert r.json()["decision_due"] == "2024-01-03"
        assert (
            ins.post(
                f"/api/penalties/cases/{pk}/propose/", {"amount": 11_000_000}, format="json"
            ).status_code
            == 200
        )
        r = chief.post(f"/api/penalties/cases/{pk}/sign/", {}, format="json")
        assert r.status_code == 200 and r.json()["status"] == "decided"
        number = r.json()["decision_number"]
    with on(date(2023, 12, 29)):
        r = ins.post(
            f"/api/penalties/cases/{pk}/deliver/",
            {"on": "2023-12-29", "outcome": "received"},
            format="json",
        )
        assert r.json()["payment_due"] == "2024-01-08"
    with on(date(2024, 1, 9)):
        from penalties.services import penalties_daily

        penalties_daily()
        assert ins.post(f"/api/penalties/cases/{pk}/reminder/").status_code == 200
        # the demo's rule: 11,000,000 đ is below the instalment threshold
        r = chief.post(
            f"/api/penalties/cases/{pk}/instalments/",
            {
                "approve": True,
                "requested_on": "2024-01-09",
                "hardship_certified": True,
                "schedule": [{"due": "2024-02-01", "amount": 11_000_000}],
            },
            format="json",
        )
        assert r.status_code == 400 and r.json()["code"] == "instalments_not_eligible"
        assert "15.000.000" in r.json()["detail"]
    with on(date(2024, 3, 15)):
        r = ins.get(f"/api/penalties/cases/{pk}/")
        assert (r.json()["surcharge_today"], r.json()["total_due"]) == (368_500, 11_368_500)
        r = acc.post(
            f"/api/penalties/cases/{pk}/pay/",
            {"number": "KB-0001", "value_date": "15/03/2024", "amount": 11_368_500},
            format="json",
        )
        assert r.status_code == 200 and r.json()["status"] == "paid"
        # paid: the state refuses another payment (409), nothing changes
        r = acc.post(
            f"/api/penalties/cases/{pk}/pay/",
            {"number": "KB-0002", "value_date": "15/03/2024", "amount": 1},
            format="json",
        )
        assert r.status_code == 409
        lookup = api().post("/api/penalties/lookup/", {"decision_number": number, "key": "bad"})
        assert lookup.status_code == 404


def _statement(rows) -> io.BytesIO:
    text = "Số quyết định,Số chứng từ,Ngày nộp,Số tiền\n" + "".join(
        ",".join(r) + "\n" for r in rows
    )
    f = io.BytesIO(text.encode())
    f.name = "sao-ke.csv"
    return f


def test_treasury_import_partial_unmatched_duplicate(people):
    a = delivered(people)
    b = delivered(people, number="02/BB", name="Cơ sở B", amount=5_000_000)
    acc = api(people["accountant"])
    rows = [
        (a.decision_number, "KB-100", "05/01/2024", "4.000.000"),  # partial
        (b.decision_number, "KB-101", "05/01/2024", "5000000"),  # full
        ("99/QĐ-XPHC", "KB-102", "05/01/2024", "1000000"),  # unmatched
        (a.decision_number, "KB-100", "05/01/2024", "4.000.000"),  # duplicate in the file
    ]
    with on(date(2024, 1, 6)):
        r = acc.post("/api/penalties/statements/", {"file": _statement(rows)}, format="multipart")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["matched"], body["unmatched"], body["duplicates"]) == (2, 1, 1)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.paid_total == 4_000_000 and a.status == Status.AWAITING_PAYMENT
    assert b.status == Status.PAID
    # the same statement again: every line refused, nothing counted twice
    with on(date(2024, 1, 6)):
        again = acc.post(
            "/api/penalties/statements/", {"file": _statement(rows[:2])}, format="multipart"
        ).json()
    assert again["matched"] == 0
    a.refresh_from_db()
    assert a.paid_total == 4_000_000
    assert TreasuryReceipt.objects.count() == 2


def test_treasury_import_xlsx(people):
    from openpyxl import Workbook

    a = delivered(people)
    wb = Workbook()
    ws = wb.active
    ws.append(["so_quyet_dinh", "so_chung_tu", "ngay_nop", "so_tien"])
    ws.append([a.decision_number, "KB-X1", date(2024, 1, 5), 11_000_000])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "sao-ke.xlsx"
    with on(date(2024, 1, 6)):
        r = api(people["accountant"]).post(
            "/api/penalties/statements/", {"file": out}, format="multipart"
        )
    assert r.json()["matched"] == 1
    a.refresh_from_db()
    assert a.status == Status.PAID


def test_treasury_import_bad_file(people):
    f = io.BytesIO(b"\x00\x01garbage")
    f.name = "x.csv"
    r = api(people["accountant"]).post(
        "/api/penalties/statements/", {"file": f}, format="multipart"
    )
    assert r.status_code == 400 and r.json()["detail"]


# --- the permission matrix -------------------------------------------------------------
# who: expected HTTP status for (list, propose on the inspector's case, sign, pay)
MATRIX = {
    "inspector": (200, 200, 403, 403),
    "inspector2": (200, 403, 403, 403),  # same role, not the case's inspector
    "chief": (200, 200, 200, 403),  # leads the inspectorate; signs within competence
    "director": (200, 403, 200, 403),
    "accountant": (200, 403, 403, 200),
    "specialist": (403, 403, 403, 403),  # other staff: no step, no data
    "other_head": (403, 403, 403, 403),  # head of another division
    "applicant": (403, 403, 403, 403),
    "anonymous": (403, 403, 403, 403),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(people, who):
    user = None if who == "anonymous" else people[who]
    client = api(user)
    expected = MATRIX[who]
    recorded = open_case(people, number="M-1")
    proposed = open_case(people, number="M-2")
    awaiting = delivered(people, number="M-3")
    with on(date(2023, 12, 22)):
        from penalties import services

        services.decision_propose(case=proposed, actor=people["inspector"], amount=5_000_000)
    with on(date(2024, 1, 2)):
        got = (
            client.get("/api/penalties/cases/").status_code,
            client.post(
                f"/api/penalties/cases/{recorded.pk}/propose/", {"amount": 1_000_000}, format="json"
            ).status_code,
            client.post(f"/api/penalties/cases/{proposed.pk}/sign/", {}, format="json").status_code,
            client.post(
                f"/api/penalties/cases/{awaiting.pk}/pay/",
                {"number": f"KB-{who}", "value_date": "2024-01-02", "amount": 100},
                format="json",
            ).status_code,
        )
    if who == "anonymous":
        got = tuple(403 if g == 401 else g for g in got)
    assert got == expected
    # a refusal changed nothing
    assert PenaltyCase.objects.get(pk=recorded.pk).status == (
        Status.PROPOSED if expected[1] == 200 else Status.RECORDED
    )


def test_error_shape_and_state_unchanged(people):
    case = decided(people)
    r = api(people["inspector"]).post(
        f"/api/penalties/cases/{case.pk}/propose/", {"amount": 5}, format="json"
    )
    assert r.status_code == 409 and set(r.json()) >= {"detail", "code"}
    case.refresh_from_db()
    assert case.status == Status.DECIDED
    r = api(people["inspector"]).get("/api/penalties/cases/999999/")
    assert r.status_code == 404 and r.json()["code"]


def test_personal_data_hidden_from_accountant(people):
    case = delivered(people)
    acc = api(people["accountant"]).get(f"/api/penalties/cases/{case.pk}/").json()
    assert acc["violator_address"] == "" and acc["violator_id_number"] == ""
    ins = api(people["inspector"]).get(f"/api/penalties/cases/{case.pk}/").json()
    assert ins["violator_id_number"] == "5500123456"


def test_lookup_api(people):
    case = delivered(people)
    with on(date(2024, 3, 15)):
        r = api().post(
            "/api/penalties/lookup/",
            {"decision_number": case.decision_number, "key": case.lookup_key},
        )
    body = r.json()
    assert r.status_code == 200
    assert body["surcharge_today"] == 368_500 and body["total_due"] == 11_368_500
    assert "Kim Tín" not in str(body)
