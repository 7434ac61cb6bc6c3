"""The managers' page across procedures (workflows.manager): who sees what, the counts
from the tally against a direct count, the ageing buckets at their boundaries, the
on-time rate per quarter, filters and drill-down links, and the query count."""

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.conftest import make_user
from workflows import ledger, manager, registry
from workflows.models import Deadline, Division, LedgerTally, Procedure
from workflows.registry import LedgerSource
from workflows.roles import Role

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2024, 3, 4)  # a Monday: due soon = up to Wednesday 06/03
URL = "/quan-ly/"


def at(day: date, hour: int = 9, minute: int = 0):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN), tick=False
    )


@pytest.fixture
def source(monkeypatch):
    """A ledger source for the rows of these tests (cases are divisions, a model of the
    engine, so that no procedure app is needed)."""
    src = LedgerSource(
        "workflows.division",
        ("TEST-01", "TEST-02"),
        lambda object_id, code: f"/ho-so-thu/{code}/",
        lambda kind: {"check": "Kiểm tra hồ sơ", "sign": "Ký duyệt"}.get(kind, kind),
    )
    monkeypatch.setattr(registry, "ledger_sources", [src])
    return src


@pytest.fixture
def org(db, source):
    a = Division.objects.create(code="phong-a", name="Phòng A")
    b = Division.objects.create(code="phong-b", name="Phòng B")
    Procedure.objects.create(code="TEST-01", name_vi="Thủ tục một")
    Procedure.objects.create(code="TEST-02", name_vi="Thủ tục hai")
    people = {
        "director": make_user("giamdoc", Role.DIRECTOR),
        "head_a": make_user("truongphong_a", Role.HEAD_OF_DIVISION, division=a),
        "a1": make_user("cv_a1", Role.SPECIALIST, division=a, last_name="Nguyễn", first_name="An"),
        "a2": make_user("cv_a2", Role.SPECIALIST, division=a),
        "b1": make_user("cv_b1", Role.SPECIALIST, division=b),
        "applicant": make_user("nguoinop", Role.APPLICANT),
    }
    return {"a": a, "b": b, **people}


def row(owner, due, *, division=None, kind="check", procedure="TEST-01", i=0, **extra) -> Deadline:
    return Deadline(
        content_type=ContentType.objects.get_for_model(Division),
        object_id=str(i),
        kind=kind,
        procedure_code=procedure,
        dossier_code=f"HS-{i:05d}",
        title=f"Hồ sơ số {i}",
        owner_user=owner,
        owner_division=division or getattr(owner, "division", None),
        due_date=due,
        **extra,
    )


def seed(org) -> None:
    """A small department: overdue, due soon and later rows in two divisions."""
    d = TODAY
    rows = [
        row(org["a1"], d - timedelta(days=3), i=1),  # late 1–5
        row(org["a1"], d - timedelta(days=40), i=2, kind="sign"),  # late > 30
        row(org["a1"], d + timedelta(days=1), i=3),  # soon
        row(org["a2"], d - timedelta(days=8), i=4, procedure="TEST-02"),  # late 6–10
        row(org["a2"], d + timedelta(days=20), i=5),  # later
        row(org["b1"], d - timedelta(days=15), i=6),  # late 11–30
        row(org["b1"], d, i=7, kind="sign"),  # soon (due today)
        row(org["b1"], d - timedelta(days=2), i=8, paused=True),  # paused: not counted
        row(org["b1"], d - timedelta(days=2), i=9, state="met", closed_on=d),  # closed
    ]
    Deadline.objects.bulk_create(rows)


def get(client, user, params=None, url=URL):
    client.force_login(user)
    with at(TODAY):
        return client.get(url, params or {})


def listed(response) -> list[str]:
    return [item["row"].dossier_code for item in response.context["items"]]


# --- rules: the ageing buckets at their boundaries -------------------------------------------
@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [
        (1, manager.LATE_1_5),
        (5, manager.LATE_1_5),
        (6, manager.LATE_6_10),
        (10, manager.LATE_6_10),
        (11, manager.LATE_11_30),
        (30, manager.LATE_11_30),
        (31, manager.LATE_31),
        (400, manager.LATE_31),
        (0, manager.SOON),
        (-2, manager.SOON),  # Wednesday: the second working day
        (-3, manager.LATER),
    ],
)
def test_bucket_boundaries(days_late, bucket):
    limit = date(2024, 3, 6)
    assert manager.bucket_of(TODAY - timedelta(days=days_late), TODAY, limit) == bucket
    low, high = manager.bucket_due_range(bucket, TODAY, limit)
    due = TODAY - timedelta(days=days_late)
    assert (low is None or low <= due) and (high is None or due <= high)


def test_soon_skips_the_weekend():
    assert manager.soon_until(date(2024, 3, 8)) == date(2024, 3, 12)  # Friday → Tuesday


def test_tally_buckets_match_the_rule_at_every_boundary(org):
    days = [0, 1, 5, 6, 10, 11, 30, 31, -1, -2, -3, -10]
    Deadline.objects.bulk_create(
        row(org["a1"], TODAY - timedelta(days=n), i=i) for i, n in enumerate(days)
    )
    with at(TODAY):
        manager.tally_refresh()
    limit = manager.soon_until(TODAY)
    expected = {}
    for n in days:
        b = manager.bucket_of(TODAY - timedelta(days=n), TODAY, limit)
        expected[b] = expected.get(b, 0) + 1
    got = dict(LedgerTally.objects.values_list("bucket", "n"))
    assert got == expected
    assert got[manager.LATE_1_5] == 2 and got[manager.LATE_31] == 1


# --- the tally against a direct count ----------------------------------------------------------
def direct_counts(today: date) -> dict:
    limit = manager.soon_until(today)
    out = {}
    for d in Deadline.objects.filter(state="open", paused=False):
        key = (
            d.owner_division_id,
            d.owner_user_id,
            d.kind,
            manager.bucket_of(d.due_date, today, limit),
        )
        out[key] = out.get(key, 0) + 1
    return out


def tally_counts() -> dict:
    out = {}
    for t in LedgerTally.objects.all():
        key = (t.division_id, t.user_id, t.kind, t.bucket)
        out[key] = out.get(key, 0) + t.n
    return out


def test_tally_equals_a_direct_count_after_transitions_and_when_the_day_changes(org):
    seed(org)
    case = org["a"]
    with at(TODAY, 9):
        manager.tally_current()
        assert tally_counts() == direct_counts(TODAY)
        opened = ledger.deadline_open(
            case=case,
            kind="check",
            due_date=TODAY - timedelta(days=1),
            title="Mới",
            procedure_code="TEST-01",
            owner_user=org["a2"],
        )
        closing = Deadline.objects.get(dossier_code="HS-00001")
        ledger.deadline_close(deadline=closing)
        ledger.deadline_reschedule(
            deadline=Deadline.objects.get(dossier_code="HS-00005"), due_date=TODAY
        )
        ledger.deadline_reassign(
            deadline=Deadline.objects.get(dossier_code="HS-00006"), owner_user=org["a1"]
        )
        assert tally_counts() != direct_counts(TODAY)  # within the minute: the old counts
    with at(TODAY, 9, 2):  # older than a minute: the page refreshes first
        manager.tally_current()
        assert tally_counts() == direct_counts(TODAY)
        assert opened.pk
    tomorrow = TODAY + timedelta(days=1)
    with at(tomorrow, 0, 1):  # a new day: every row one day older
        stamp = manager.tally_current()
        assert stamp.as_of == tomorrow
        assert tally_counts() == direct_counts(tomorrow)


def test_beat_task_refreshes_the_tally(org):
    from workflows.tasks import refresh_ledger_tally

    seed(org)
    with at(TODAY):
        assert refresh_ledger_tally() == 1
    assert sum(LedgerTally.objects.values_list("n", flat=True)) == 7


@pytest.mark.postgres
def test_beat_refresh_warms_the_counts_of_the_department_and_each_division(
    org, django_assert_num_queries
):
    """The first director or head of division to open the page after a refresh finds its
    counts already made (no counting on their click)."""
    from workflows.tasks import refresh_ledger_tally

    seed(org)
    with at(TODAY):
        assert refresh_ledger_tally() == 1
        stamp = manager.tally_current()
        scopes = [manager.Scope("department")] + [
            manager.Scope("division", division_id=d.pk)
            for d in Division.objects.filter(is_active=True)
        ]
        with django_assert_num_queries(0):
            for scope in scopes:
                manager.counts_cached(stamp, scope, manager.Filters(), TODAY)


# --- the on-time rate per quarter --------------------------------------------------------------
def test_on_time_rate_per_quarter_and_past_quarters_stay(org):
    a1 = org["a1"]
    closed = [
        (date(2023, 11, 10), date(2023, 11, 9), "missed"),  # Q4/2023
        (date(2023, 12, 20), date(2023, 12, 25), "met"),
        (date(2023, 12, 29), date(2023, 12, 31), "met"),
        (date(2024, 1, 10), date(2024, 1, 15), "met"),  # Q1/2024
        (date(2024, 2, 10), date(2024, 2, 5), "missed"),
        (date(2022, 1, 10), date(2022, 1, 5), "missed"),  # older than six quarters
    ]
    Deadline.objects.bulk_create(
        row(a1, closed_on, i=i, state=state, closed_on=done)
        for i, (done, closed_on, state) in enumerate(closed)
    )
    client_scope = manager.Scope("department")
    with at(TODAY):
        manager.tally_refresh()
        rates = manager.on_time_by_quarter(client_scope, manager.Filters(), TODAY)
    assert [r["quarter"].code for r in rates] == [
        "2022-Q4",
        "2023-Q1",
        "2023-Q2",
        "2023-Q3",
        "2023-Q4",
        "2024-Q1",
    ]
    by = {r["quarter"].code: (r["met"], r["missed"], r["rate"]) for r in rates}
    assert by["2023-Q4"] == (2, 1, 66.7)
    assert by["2024-Q1"] == (1, 1, 50.0)
    assert by["2023-Q1"] == (0, 0, None)
    # a closing this quarter counts at the next refresh; the past quarter is final
    Deadline.objects.bulk_create(
        [
            row(a1, TODAY, i=50, state="met", closed_on=TODAY),
            row(a1, date(2023, 10, 5), i=51, state="met", closed_on=date(2023, 10, 5)),
        ]
    )
    with at(TODAY, 10):
        manager.tally_refresh()
        rates = manager.on_time_by_quarter(client_scope, manager.Filters(), TODAY)
    by = {r["quarter"].code: (r["met"], r["missed"]) for r in rates}
    assert by["2024-Q1"] == (2, 1) and by["2023-Q4"] == (2, 1)
    # the day after the quarter ends, the quarter is counted once more, then kept
    with at(date(2024, 4, 1)):
        manager.tally_refresh()
        rates = manager.on_time_by_quarter(client_scope, manager.Filters(), date(2024, 4, 1))
    assert {r["quarter"].code: r["met"] for r in rates}["2024-Q1"] == 2


# --- who sees what -----------------------------------------------------------------------------
def test_permission_matrix(client, org):
    seed(org)
    with at(TODAY):
        response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert get(client, org["applicant"]).status_code == 403

    director = get(client, org["director"])
    assert director.status_code == 200 and director.context["scope"].level == "department"
    assert set(listed(director)) == {
        "HS-00001",
        "HS-00002",
        "HS-00003",
        "HS-00004",
        "HS-00006",
        "HS-00007",
    }

    head = get(client, org["head_a"])
    assert head.context["scope"].level == "division"
    assert set(listed(head)) == {"HS-00001", "HS-00002", "HS-00003", "HS-00004"}
    assert head.context["tally"]["overdue"] == 3
    assert get(client, org["head_a"], {"division": org["a"].pk}).status_code == 200
    assert get(client, org["head_a"], {"division": org["b"].pk}).status_code == 403

    officer = get(client, org["a1"])
    assert officer.context["scope"].level == "own"
    assert set(listed(officer)) == {"HS-00001", "HS-00002", "HS-00003"}
    assert get(client, org["a1"], {"officer": org["a1"].pk}).status_code == 200
    assert get(client, org["a1"], {"officer": org["a2"].pk}).status_code == 403
    assert get(client, org["a1"], {"division": org["a"].pk}).status_code == 403

    # everyone on the staff also has their own rows at /quan-ly/cua-toi/
    mine = get(client, org["head_a"], url=reverse("manager:mine"))
    assert mine.status_code == 200 and listed(mine) == []
    assert get(client, org["applicant"], url=reverse("manager:mine")).status_code == 403


def test_bad_filters_are_a_400_in_vietnamese(client, org):
    for params in (
        {"division": "abc"},
        {"step": "khong.co:check"},
        {"window": "x"},
        {"age": "9"},
        {"quarter": "2024-Q9"},
    ):
        response = get(client, org["director"], params)
        assert response.status_code == 400, params


# --- counts, filters and drill-down ------------------------------------------------------------
def test_counts_by_division_officer_procedure_and_step(client, org):
    seed(org)
    t = get(client, org["director"]).context["tally"]
    assert (t["overdue"], t["due_soon"], t["open"]) == (4, 2, 7)
    assert t["buckets"] == {
        "late_1_5": 1,
        "late_6_10": 1,
        "late_11_30": 1,
        "late_31": 1,
        "soon": 2,
        "later": 1,
    }
    by_division = {r["division__name"]: (r["overdue"], r["due_soon"]) for r in t["by_division"]}
    assert by_division == {"Phòng A": (3, 1), "Phòng B": (1, 1)}
    by_officer = {r["name"]: (r["overdue"], r["due_soon"]) for r in t["by_officer"]}
    assert by_officer == {"Nguyễn An": (2, 1), "cv_a2": (1, 0), "cv_b1": (1, 1)}
    by_procedure = {r["name"]: (r["overdue"], r["due_soon"]) for r in t["by_procedure"]}
    assert by_procedure == {"Thủ tục một": (3, 2), "Thủ tục hai": (1, 0)}
    by_step = {r["name"]: (r["overdue"], r["due_soon"]) for r in t["by_step"]}
    assert by_step == {"Kiểm tra hồ sơ": (3, 1), "Ký duyệt": (1, 1)}


def _follow(client, user, url):
    parsed = urlparse(url)
    params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    return get(client, user, params)


def test_every_count_drills_down_to_its_rows(client, org):
    seed(org)
    director = org["director"]
    response = get(client, director)
    t = response.context["tally"]
    body = response.content.decode()
    for table in ("by_division", "by_officer", "by_procedure", "by_step"):
        for r in t[table]:
            assert r["overdue_url"].replace("&", "&amp;") in body
            shown = _follow(client, director, r["overdue_url"])
            assert shown.status_code == 200
            assert len(listed(shown)) == r["overdue"] == shown.context["page_obj"].paginator.count
            assert all(item["days_late"] > 0 for item in shown.context["items"])
            soon = _follow(client, director, r["soon_url"])
            assert len(listed(soon)) == r["due_soon"]
    # the charts' bars: ageing and overdue by division
    for bar in response.context["age_chart"]["bars"]:
        shown = _follow(client, director, bar.url)
        assert len(listed(shown)) == bar.value
    for bar in response.context["division_chart"]["bars"]:
        assert len(listed(_follow(client, director, bar.url))) == bar.value
    # each row links to its case (the source's case_url)
    assert 'href="/ho-so-thu/HS-00002/"' in body


def test_filters_search_and_windows(client, org):
    seed(org)
    director = org["director"]
    step = manager.step_param(ContentType.objects.get_for_model(Division).pk, "sign")
    assert listed(get(client, director, {"step": step, "window": "open"})) == [
        "HS-00002",
        "HS-00007",
    ]
    assert listed(get(client, director, {"procedure": "TEST-02"})) == ["HS-00004"]
    assert listed(get(client, director, {"officer": org["b1"].pk})) == ["HS-00006", "HS-00007"]
    assert listed(get(client, director, {"division": org["b"].pk, "window": "soon"})) == [
        "HS-00007"
    ]
    assert listed(get(client, director, {"window": "open"}))[-1] == "HS-00005"
    searched = get(client, director, {"q": "HS-0000", "window": "open"})
    assert len(listed(searched)) == 7 and searched.context["page_obj"].paginator.count == 7
    assert listed(get(client, director, {"q": "số 4"})) == ["HS-00004"]
    assert listed(get(client, director, {"age": "late_11_30"})) == ["HS-00006"]
    closed = get(client, director, {"quarter": "2024-Q1"})
    assert listed(closed) == ["HS-00009"] and closed.context["page_obj"].paginator.count == 1


def test_page_shows_the_tally_time_charts_and_is_vietnamese(client, org):
    seed(org)
    client.force_login(org["director"])
    with at(TODAY, 14, 7):
        body = client.get(URL).content.decode()
    assert "Số liệu tổng hợp lúc 14:07" in body
    assert body.count("<svg") == 3 and 'role="img"' in body and "<title" in body
    assert "Quá hạn theo đơn vị" in body and "Tỷ lệ đúng hạn theo quý" in body
    assert "Phòng A: 3 việc quá hạn" in body


# --- query count -------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [10, 10_000])
def test_query_count_does_not_grow_with_rows(client, org, n, django_assert_max_num_queries):
    users = [org["a1"], org["a2"], org["b1"]]
    Deadline.objects.bulk_create(
        row(users[i % 3], TODAY - timedelta(days=i % 50 - 10), i=i, kind=("check", "sign")[i % 2])
        for i in range(n)
    )
    for user, level in (
        (org["director"], "department"),
        (org["head_a"], "division"),
        (org["a1"], "own"),
    ):
        client.force_login(user)
        with at(TODAY):
            client.get(URL)  # refreshes the tally
            with django_assert_max_num_queries(14):
                response = client.get(URL, {"window": "open"})
        assert response.status_code == 200 and response.context["scope"].level == level
        assert len(response.context["items"]) == min(
            manager.PAGE_SIZE, response.context["tally"]["open"]
        )


def test_every_app_registers_its_ledger_source():
    """The apps' sources (registered in their ready()): each names its rows' steps in
    Vietnamese and builds its case page's URL without a query."""
    models = {s.model for s in registry.ledger_sources}
    assert {
        "permits.dossier",
        "permits.permit",
        "tasks_lifecycle.council",
        "tasks_lifecycle.task",
        "penalties.penaltycase",
    } <= models
    codes = {c for s in registry.ledger_sources for c in s.procedure_codes}
    assert {"bx-giay-phep-moi", "khcn-dang-ky-ket-qua", "hd-tu-van-khcn", "nhiem-vu-khcn"} <= codes
    for s in registry.ledger_sources:
        assert s.case_url("7", "GPBX-240205-0001").startswith("/")
    labels = {s.model: s.kind_label for s in registry.ledger_sources}
    assert labels["penalties.penaltycase"]("payment") == "Nộp tiền phạt"
    assert labels["tasks_lifecycle.council"]("papers_due") == "Gửi tài liệu họp"


def test_cached_counts_follow_each_refresh_even_at_one_frozen_time(client, org):
    """The counts are cached for the life of one tally: a refresh (here at the same
    frozen time as the one before) shows the new counts at once; between refreshes a
    view reads them from the cache (two queries fewer)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seed(org)
    with at(TODAY):
        manager.tally_refresh()
    first = get(client, org["director"])
    assert first.context["tally"]["overdue"] == 4
    with CaptureQueriesContext(connection) as again_queries:
        again = get(client, org["director"])
    assert again.context["tally"]["overdue"] == 4
    Deadline.objects.bulk_create([row(org["a1"], TODAY - timedelta(days=2), i=20)])
    with at(TODAY):
        manager.tally_refresh()
    with CaptureQueriesContext(connection) as after_queries:
        after = get(client, org["director"])
    assert after.context["tally"]["overdue"] == 5
    assert after.context["tally"]["buckets"][manager.LATE_1_5] == 2
    if connection.vendor == "postgresql":  # the cache's key is the refresh's transaction
        assert len(again_queries) == len(after_queries) - 2
