"""workflows.sql: the engine's compiled INSERT and UPDATE do what the ORM does."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError

from workflows.models import AuditEntry, Division
from workflows.sql import insert, save_fields

pytestmark = pytest.mark.django_db


def _entry(**kwargs):
    ct = ContentType.objects.get_for_model(Division)
    return AuditEntry(content_type=ct, object_id="1", action="x", **kwargs)


def test_insert_sets_primary_keys_and_defaults_as_the_orm_does():
    rows = [_entry(note="một"), _entry(note="hai", data={"k": [1, "đ"]})]
    insert(rows)
    assert all(r.pk and not r._state.adding and r._state.db == "default" for r in rows)
    stored = {e.pk: e for e in AuditEntry.objects.filter(pk__in=[r.pk for r in rows])}
    assert stored[rows[0].pk].note == "một" and stored[rows[1].pk].data == {"k": [1, "đ"]}
    assert stored[rows[0].pk].at == rows[0].at  # the field's default, as saved


def test_insert_takes_the_id_of_a_related_object_saved_after_assignment():
    division = Division(code="tmp-sql", name="Tạm")
    entry = _entry()
    entry.content_type = ContentType.objects.get_for_model(Division)
    division.save()
    insert([entry])
    assert entry.content_type_id == ContentType.objects.get_for_model(Division).pk


def test_save_fields_updates_only_the_fields_named():
    division = Division.objects.create(code="tmp-fields", name="Trước")
    division.name, division.code = "Sau", "tmp-other"
    save_fields(division, ["name"])
    division.refresh_from_db()
    assert (division.name, division.code) == ("Sau", "tmp-fields")


def test_save_fields_refuses_a_row_that_is_gone():
    division = Division.objects.create(code="tmp-gone", name="Tạm")
    Division.objects.filter(pk=division.pk).delete()
    division.name = "Khác"
    with pytest.raises(DatabaseError):
        save_fields(division, ["name"])


# --- built-once UPDATE, the ledger's close, prepared statements -------------------------
def _rows(case, *specs):
    from workflows.ledger import deadline_open

    return [
        deadline_open(case=case, kind=kind, due_date=due, title=kind, paused=paused)
        for kind, due, paused in specs
    ]


def test_update_changes_the_rows_matching_every_condition():
    from workflows.models import Deadline
    from workflows.sql import update

    case = Division.objects.create(code="upd", name="Cập nhật")
    a, b = _rows(case, ("step", date(2024, 2, 1), False), ("check", date(2024, 2, 1), False))
    changed = update(
        Deadline,
        {"title": "đổi", "escalation_level": 2},
        {"object_id": str(case.pk), "kind": "step"},
    )
    assert changed == 1
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.title, a.escalation_level) == ("đổi", 2)
    assert (b.title, b.escalation_level) == ("check", 0)


def test_close_open_meets_misses_and_cancels_in_one_statement(django_assert_num_queries):
    from workflows.ledger import deadlines_close_open
    from workflows.models import Deadline

    case = Division.objects.create(code="close", name="Đóng")
    met, missed, cancelled, other = _rows(
        case,
        ("step", date(2024, 3, 1), False),
        ("check", date(2024, 2, 1), False),
        ("fee", date(2024, 2, 1), True),
        ("result", date(2024, 2, 1), False),
    )
    with django_assert_num_queries(1):
        n = deadlines_close_open(
            case=case, kinds=["step", "check"], cancel_kinds=["fee"], on=date(2024, 2, 15)
        )
    assert n == 3
    for row in (met, missed, cancelled, other):
        row.refresh_from_db()
    S = Deadline.State
    assert (met.state, missed.state, cancelled.state, other.state) == (
        S.MET,
        S.MISSED,
        S.CANCELLED,
        S.OPEN,
    )
    assert met.closed_on == date(2024, 2, 15) and not met.paused
    assert cancelled.paused  # a cancelled row keeps its flag
    assert deadlines_close_open(case=case, kinds=["step"]) == 0  # closed already
    assert deadlines_close_open(case=case) == 0


@pytest.mark.postgres
def test_the_engines_statements_are_prepared_once_per_connection():
    from django.db import connection

    from workflows import sql

    assert sql.prepares(connection)
    insert([_entry(note="một")])
    insert([_entry(note="hai")])
    with connection.cursor() as c:
        c.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in c.fetchall()]
    assert sum('INSERT INTO "workflows_auditentry"' in s for s in prepared) == 1
    # the kept cursor is reused; a statement while its results are read gets its own
    with sql.cursor(connection) as outer:
        outer.execute("SELECT 1")
        with sql.cursor(connection) as inner:
            inner.execute("SELECT 2")
            assert inner.cursor is not outer.cursor and inner.fetchone() == (2,)
        assert outer.fetchone() == (1,)
    with sql.cursor(connection) as again:
        assert again.cursor is outer.cursor


def test_compiled_reads_build_the_objects_the_orm_builds():
    from workflows.models import Deadline
    from workflows.selectors import compiled_get

    case = Division.objects.create(code="read", name="Đọc")
    (row,) = _rows(case, ("step", date(2024, 2, 1), True))
    build = lambda: Deadline.objects.select_related("content_type")  # noqa: E731
    fast = compiled_get(("test_sql", "compiled_reads"), build, row.pk)
    orm = build().get(pk=row.pk)
    names = [f.attname for f in Deadline._meta.concrete_fields]
    assert [getattr(fast, n) for n in names] == [getattr(orm, n) for n in names]
    assert fast._state.db == "default" and not fast._state.adding
    assert fast.content_type == orm.content_type and fast.paused is True
    fast.title = "mới"
    save_fields(fast, ["title"])
    assert Deadline.objects.get(pk=row.pk).title == "mới"
