"""Pages and API of the engine: who may see what, and at what query cost."""

import pytest

from notifications.models import Notification
from notifications.services import notifications_enqueue
from tests.conftest import bulk_deadlines, make_user
from workflows.models import Division

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_staff_login_page_is_vietnamese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/deadlines/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_applicant_cannot_see_the_ledger(client):
    client.force_login(make_user("citizen", "applicant"))
    assert client.get("/deadlines/").status_code == 403
    assert client.get("/api/deadlines/").status_code == 403


@pytest.mark.parametrize("n", [10, 300])
def test_ledger_page_costs_the_same_queries_for_10_or_300_rows(
    client, n, django_assert_max_num_queries
):
    division = Division.objects.create(code="cn", name="Phòng Công nghệ")
    user = make_user("head", "head_of_division", division=division)
    bulk_deadlines(n, owner=lambda i: user, division=division)
    client.force_login(user)
    client.get("/deadlines/?view=all")  # warm the calendar
    with django_assert_max_num_queries(12):
        response = client.get("/deadlines/?view=overdue")
    assert response.status_code == 200
    body = response.content.decode()
    assert "HS-00000" in body and "Phòng Công nghệ" in body
    with django_assert_max_num_queries(12):
        api = client.get("/api/deadlines/?view=overdue")
    assert api.json()["count"] == n


def test_in_app_notifications_are_listed_for_their_user_only(client):
    me, other = make_user("me", "specialist"), make_user("other", "specialist")
    for user, key in ((me, "a"), (other, "b")):
        notifications_enqueue(
            recipients=[user],
            template="deadline_reminder",
            context={"dossier_code": f"HS-{key}", "due_date": "19/02/2024"},
            channels=["in_app"],
            key=key,
        )
    client.force_login(me)
    page = client.get("/thong-bao/").content.decode()
    assert "HS-a" in page and "HS-b" not in page
    items = client.get("/api/notifications/").json()["results"]
    assert [i["subject"] for i in items] == ["Nhắc việc: hồ sơ HS-a đến hạn ngày 19/02/2024"]
    mine = Notification.objects.get(recipient=me)
    theirs = Notification.objects.get(recipient=other)
    assert client.post(f"/thong-bao/{theirs.pk}/da-doc/").status_code == 404
    assert client.post(f"/api/notifications/{mine.pk}/read/").json()["read_at"]


def test_openapi_schema_and_docs(client):
    client.force_login(make_user("officer", "one_stop_officer"))
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


# seed_demo as a whole: tests/tasks_lifecycle/test_demo.py (run once, it is slow)


def test_login_page_names_the_department(client):
    body = client.get("/accounts/login/").content.decode()
    assert "Hệ thống một cửa Sở Khoa học và Công nghệ" in body
    assert "Demo suite" not in body and "Django Material" not in body


def test_after_login_staff_go_to_the_staff_site_applicants_to_their_dossiers(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("officer", "one_stop_officer"))
    assert client.get("/vao/").url == "/"
    client.force_login(make_user("clinic", "applicant"))
    assert client.get("/vao/").url == "/ho-so/"
    client.logout()
    assert client.get("/vao/").url.startswith("/accounts/login/")


# --- the doors -------------------------------------------------------------------------------
def test_front_door_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    login = client.get(response["Location"])
    body = login.content.decode()
    assert login.status_code == 200 and "Đăng nhập" in body
    assert "Access Forbidden" not in body and "not logged in" not in body


def test_front_door_sends_each_user_to_the_home_of_their_role(client):
    client.force_login(make_user("officer", "one_stop_officer"))
    assert client.get("/").url == "/workflow/inbox/"
    client.force_login(make_user("clinic", "applicant"))
    assert client.get("/").url == "/ho-so/"
    assert client.get("/ho-so/").status_code == 200  # the site's name leads somewhere


def test_a_staff_page_asked_anonymously_leads_to_the_login_page_and_back(client):
    response = client.get("/workflow/inbox/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/workflow/inbox/"


def test_an_applicant_on_a_staff_page_gets_a_vietnamese_403(client):
    client.force_login(make_user("clinic", "applicant", first_name="Hà", last_name="Lê"))
    response = client.get("/workflow/inbox/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Access Forbidden" not in body and "have no rights" not in body
    assert "Không có quyền truy cập" in body
