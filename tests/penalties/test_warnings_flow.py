"""Warnings before the time bar (the ledger's ladder), who acts next (the flow), the
inspections API, the admin, and concurrent imports of one receipt (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.services import deadlines_sweep
from penalties import services
from penalties.flows import open_tasks
from penalties.models import DeliveryAttempt, PenaltyCase, Status, TreasuryReceipt
from tests.penalties.conftest import decided, delivered, on, open_case


def _sent_to(username: str, template: str) -> int:
    return Notification.objects.filter(
        recipient__username=username, template=template, channel="in_app"
    ).count()


def test_chief_inspector_and_director_warned_before_the_time_bar(people):
    case = delivered(people)  # decided 22/12/2023 → limitation 22/12/2024
    assert case.limitation_on == date(2024, 12, 22)
    for day in (date(2024, 9, 23), date(2024, 10, 23), date(2024, 11, 22), date(2024, 12, 15)):
        with on(day):
            services.penalties_daily(today=day)
            deadlines_sweep(today=day)
    # T-90 and T-30 to the Chief Inspector; T-60, T-30, T-7 to the director
    assert _sent_to("chanhthanhtra", "deadline_reminder") >= 2
    assert _sent_to("giamdoc", "deadline_reminder") >= 2
    assert _sent_to("giamdoc", "deadline_due_today") >= 1
    # the enforcement decision (due T-60) was also flagged to the Chief Inspector
    keys = Notification.objects.filter(recipient__username="chanhthanhtra").values_list(
        "idempotency_key", flat=True
    )
    assert len(set(keys)) == len(keys)
    with on(date(2024, 12, 23)):
        services.penalties_daily(today=date(2024, 12, 23))
    case.refresh_from_db()
    assert case.status == Status.TIME_BARRED


def test_sweep_twice_sends_nothing_twice(people):
    delivered(people)
    with on(date(2024, 9, 23)):
        deadlines_sweep(today=date(2024, 9, 23))
        n = Notification.objects.count()
        deadlines_sweep(today=date(2024, 9, 23))
    assert Notification.objects.count() == n


@pytest.mark.parametrize(
    ("stage", "node"),
    [
        ("recorded", "record"),
        ("proposed", "sign"),
        ("decided", "deliver"),
        ("awaiting", "collect"),
        ("paid", None),
    ],
)
def test_flow_follows_the_status(people, stage, node):
    case = open_case(people)
    with on(date(2023, 12, 22)):
        if stage != "recorded":
            case = services.decision_propose(case=case, actor=people["inspector"], amount=1_000_000)
        if stage in ("decided", "awaiting", "paid"):
            case = services.decision_sign(case=case, actor=people["chief"])
        if stage in ("awaiting", "paid"):
            case = services.delivery_record(
                case=case,
                actor=people["inspector"],
                on=date(2023, 12, 22),
                outcome=DeliveryAttempt.Outcome.RECEIVED,
            )
        if stage == "paid":
            services.payment_record(
                case=case,
                actor=people["accountant"],
                number="KB-F",
                value_date=date(2023, 12, 22),
                amount=1_000_000,
            )
    names = [t.flow_task.name for t in open_tasks(case)]
    assert names == ([node] if node else [])


def test_inspections_api(people):
    client = APIClient()
    client.force_authenticate(people["inspector"])
    r = client.post(
        "/api/penalties/inspections/",
        {
            "kind": "surprise",
            "number": "08/QĐ-SKHCN",
            "issued_on": "2024-01-15",
            "title": "Kiểm tra đột xuất kinh doanh vàng",
            "amended_by": "45/QĐ-SKHCN ngày 05/03/2024",
        },
        format="json",
    )
    assert r.status_code == 201
    with on(date(2024, 1, 20)):
        r2 = client.post(
            "/api/penalties/cases/",
            {
                "violator_name": "Cửa hàng vàng A (Sông Mã)",
                "record_number": "10/BB",
                "record_on": "2024-01-20",
                "violation": "Cân chưa kiểm định",
                "inspection": r.json()["id"],
            },
            format="json",
        )
    assert r2.status_code == 201
    assert PenaltyCase.objects.get(pk=r2.json()["id"]).inspection_id == r.json()["id"]
    other = APIClient()
    other.force_authenticate(people["specialist"])
    assert other.get("/api/penalties/inspections/").status_code == 403


def test_admin_is_read_only_and_hides_personal_data(people, client):
    from django.contrib.auth import get_user_model

    case = decided(people)
    admin = get_user_model().objects.create_superuser("root", "r@x.vn", "x-test-pass")
    client.force_login(admin)
    page = client.get(f"/admin/penalties/penaltycase/{case.pk}/change/")
    assert page.status_code == 200 and "5500123456" in page.content.decode()
    assert client.get("/admin/penalties/penaltycase/add/").status_code == 403


def test_other_inspector_refused_on_the_page(people, client):
    case = decided(people)
    client.force_login(people["inspector2"])
    with on(date(2023, 12, 29)):
        r = client.post(
            f"/can-bo/xu-phat/ho-so/{case.pk}/thao-tac/giao/",
            {"giao-on": "29/12/2023", "giao-outcome": "received"},
        )
    assert r.status_code == 400 and "cán bộ khác" in r.content.decode()
    case.refresh_from_db()
    assert case.status == Status.DECIDED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_receipt_imported_twice_at_once_counts_once(people):
    case = delivered(people)
    errors, barrier = [], threading.Barrier(2)

    def pay():
        try:
            barrier.wait()
            services.payment_record(
                case=PenaltyCase.objects.get(pk=case.pk),
                actor=people["accountant"],
                number="KB-RACE",
                value_date=date(2024, 1, 5),
                amount=1_000_000,
            )
        except Exception as exc:  # noqa: BLE001 - one of the two must be refused
            errors.append(exc)
        finally:
            connection.close()

    with on(date(2024, 1, 5)):
        threads = [threading.Thread(target=pay) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(errors) == 1
    assert TreasuryReceipt.objects.filter(number="KB-RACE").count() == 1
    assert PenaltyCase.objects.get(pk=case.pk).paid_total == 1_000_000


def test_flow_pages_lead_to_the_case_page(people, client):
    from penalties.flows import process_for

    case = decided(people)
    process = process_for(case)
    client.force_login(people["chief"])
    r = client.get(f"/workflow/flows/penalty/{process.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/can-bo/xu-phat/ho-so/{case.pk}/"
    assert client.get("/workflow/flows/penalty/").status_code == 200
    client.force_login(people["specialist"])
    assert client.get("/workflow/flows/penalty/").status_code == 403
