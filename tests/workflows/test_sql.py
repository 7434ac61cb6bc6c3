"""workflows.sql: the engine's compiled INSERT and UPDATE do what the ORM does."""

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
