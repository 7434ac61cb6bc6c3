"""Pages: who sees them (200 / 403 / 404), the actions shown only to who may act, the
forms' Vietnamese refusals, and query counts constant in the number of assignments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from directives.models import Assignment, OutgoingKind, Source, SourceKind, Status
from directives.services import allocate_codes
from workflows.selectors import procedure_version_for

from .conftest import on, register

pytestmark = pytest.mark.django_db
REGISTER = "/can-bo/nhiem-vu-ubnd/"


def _login(client, user):
    client.force_login(user)
    return client


def bulk(n: int, divisions, officer) -> None:
    version = procedure_version_for("nhiem-vu-ubnd-giao", date(2024, 1, 1))
    codes = allocate_codes(2024, n)
    rows = Assignment.objects.bulk_create(
        Assignment(
            code=codes[i],
            procedure_version=version,
            source=Source.PROVINCE,
            source_kind=SourceKind.OFFICIAL_LETTER,
            source_number=f"{i}/UBND-KGVX",
            source_date=date(2024, 1, 2) + timedelta(days=i % 60),
            content=f"Nhiệm vụ thử số {i}",
            received_on=date(2024, 1, 2) + timedelta(days=i % 60),
            due_on=date(2024, 3, 1),
            original_due_on=date(2024, 3, 1),
            last_day=date(2024, 3, 1),
            lead_division=divisions["qlkh"],
            officer=officer,
            status=Status.IN_PROGRESS,
        )
        for i in range(n)
    )
    through = Assignment.supporting_divisions.through
    through.objects.bulk_create(
        through(assignment_id=a.pk, division_id=divisions["cn-qlkhcs"].pk) for a in rows
    )


@pytest.mark.parametrize("who", ["office", "director", "head", "officer", "supporter", "inspector"])
def test_register_for_the_staff_with_a_step(client, people, divisions, who):
    register(people, divisions)
    response = _login(client, people[who]).get(REGISTER)
    assert response.status_code == 200
    assert "motcua-table" in response.content.decode()


def test_a_division_sees_only_what_it_leads_or_supports(client, people, divisions):
    register(people, divisions)  # qlkh leads, cn-qlkhcs supports
    body = _login(client, people["inspector"]).get(REGISTER).content.decode()
    assert "NV-2024-0001" not in body
    body = _login(client, people["supporter"]).get(REGISTER).content.decode()
    assert "NV-2024-0001" in body


@pytest.mark.parametrize("who", ["accountant", "applicant"])
def test_register_refused_to_roles_without_a_step(client, people, divisions, who):
    a = register(people, divisions)
    c = _login(client, people[who])
    assert c.get(REGISTER).status_code == 403
    assert c.get(f"{REGISTER}{a.pk}/").status_code == 403
    assert c.get(f"{REGISTER}moi/").status_code == 403


def test_anonymous_goes_to_login(client, people, divisions):
    assert client.get(REGISTER).status_code == 302


def test_an_assignment_page_shows_actions_only_to_who_may_act(client, people, divisions):
    a = register(people, divisions)
    url = f"{REGISTER}{a.pk}/"
    body = _login(client, people["head"]).get(url).content.decode()
    for action in (
        "action-assign",
        "action-note",
        "action-complete",
        "action-extend",
        "action-cancel",
    ):
        assert f'id="{action}"' in body
    assert "Công văn số 84/UBND-KGVX ngày 08/01/2024" in body
    body = _login(client, people["officer"]).get(url).content.decode()
    assert 'id="action-complete"' in body and 'id="action-extend"' not in body
    body = _login(client, people["supporter"]).get(url).content.decode()
    assert 'id="action-note"' in body and 'id="action-complete"' not in body
    body = _login(client, people["office"]).get(url).content.decode()
    assert 'id="action-' not in body
    assert _login(client, people["inspector"]).get(url).status_code == 404


def test_complete_through_the_page_and_a_refusal_keeps_the_data(client, people, divisions):
    a = register(people, divisions)
    url = reverse("directives:action", args=[a.pk, "complete"])
    c = _login(client, people["officer"])
    with on(date(2024, 1, 30)):
        bad = c.post(
            url,
            {
                "complete-outgoing_kind": OutgoingKind.REPORT,
                "complete-outgoing_number": "5/BC-SKHCN",
                "complete-outgoing_date": "2024-01-05",
            },
        )
        assert bad.status_code == 400
        assert "không được trước ngày nhận nhiệm vụ" in bad.content.decode()
        a.refresh_from_db()
        assert a.status == Status.IN_PROGRESS
        ok = c.post(
            url,
            {
                "complete-outgoing_kind": OutgoingKind.REPORT,
                "complete-outgoing_number": "5/BC-SKHCN",
                "complete-outgoing_date": "30/01/2024",
            },
        )
    assert ok.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.COMPLETED and a.result == "early"


def test_a_step_posted_by_the_wrong_person_is_403_and_changes_nothing(client, people, divisions):
    a = register(people, divisions)
    url = reverse("directives:action", args=[a.pk, "extend"])
    response = _login(client, people["officer"]).post(
        url, {"extend-new_due_on": "2024-03-01", "extend-reason": "Chờ số liệu"}
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.due_on == date(2024, 1, 31)


def test_create_page_and_import_through_the_page(client, people, divisions):
    c = _login(client, people["office"])
    assert c.get(f"{REGISTER}moi/").status_code == 200
    with on(date(2024, 1, 8)):
        response = c.post(
            f"{REGISTER}moi/",
            {
                "source": "ubnd",
                "source_kind": "cong_van",
                "source_number": "84/UBND-KGVX",
                "source_date": "2024-01-08",
                "content": "Góp ý",
                "received_on": "2024-01-08",
                "due_on": "2024-01-05",
                "lead_division": divisions["qlkh"].pk,
            },
        )
    assert response.status_code == 400
    assert "không được trước ngày văn bản giao nhiệm vụ" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from directives import imports

    content = imports.book_csv(
        [
            {
                "source": "UBND tỉnh",
                "source_kind": "Công văn",
                "source_number": "1/UBND",
                "source_date": "08/01/2024",
                "content": "Nhiệm vụ",
                "received_on": "07/01/2024",
                "due_on": "20/01/2024",
                "lead_division": "qlkh",
            }
        ]
    )
    with on(date(2024, 1, 9)):
        bad = c.post(f"{REGISTER}nhap-so/", {"file": SimpleUploadedFile("so.csv", content)})
    assert bad.status_code == 400
    assert "Dòng 2, cột F" in bad.content.decode()
    assert not Assignment.objects.exists()
    assert c.get(f"{REGISTER}mau-so.csv").status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_register_queries_constant(client, people, divisions, django_assert_max_num_queries, n):
    bulk(n, divisions, people["officer"])
    c = _login(client, people["head"])
    c.get(REGISTER)  # warm the per-process caches
    with django_assert_max_num_queries(12):
        response = c.get(REGISTER)
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = c.get(
            REGISTER,
            {
                "warning": "overdue",
                "quarter": "2024-Q1",
                "q": "thử",
                "division": divisions["cn-qlkhcs"].pk,
                "page": 2,
            },
        )
    assert response.status_code == 200


def test_menu_shows_the_application(client, people, divisions):
    body = _login(client, people["office"]).get("/workflow/inbox/").content.decode()
    assert "Nhiệm vụ UBND tỉnh giao" in body


def test_pages_read_vietnamese_and_use_the_shared_tables(client, people, divisions):
    from tests.workflows.test_vietnamese import page_problems

    a = register(people, divisions)
    c = _login(client, people["director"])
    for path in (REGISTER, f"{REGISTER}{a.pk}/", f"{REGISTER}moi/"):
        response = c.get(path)
        assert response.status_code == 200
        assert page_problems(response.content.decode()) == [], path


def test_assignment_page_queries_do_not_grow_with_notes(
    client, people, divisions, django_assert_max_num_queries
):
    a = register(people, divisions)
    c = _login(client, people["head"])
    c.get(f"{REGISTER}{a.pk}/")
    from directives.models import ProgressNote

    ProgressNote.objects.bulk_create(
        ProgressNote(assignment=a, author=people["officer"], text=f"Ghi nhận {i}")
        for i in range(50)
    )
    with django_assert_max_num_queries(25):
        assert c.get(f"{REGISTER}{a.pk}/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"quarter": "2024-Q9"},
        {"division": "999999"},
        {"page": "abc"},
        {"officer": "x"},
        {"warning": "late"},
        {"q": "x" * 300},
    ],
)
def test_bad_filters_never_500(client, people, divisions, query):
    register(people, divisions)
    assert _login(client, people["office"]).get(REGISTER, query).status_code == 200
