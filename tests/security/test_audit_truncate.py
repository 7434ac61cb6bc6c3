"""F13: the audit trail refuses TRUNCATE on PostgreSQL, as it refuses UPDATE and DELETE."""

import pytest
from django.db import DatabaseError, connection, transaction

from tests.conftest import make_user
from workflows.audit import audit_record
from workflows.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the audit trigger exists on PostgreSQL only")


def test_truncate_of_the_audit_trail_is_refused():
    user = make_user("audit-truncate")
    audit_record(case=user, actor=user, action="register")
    with transaction.atomic(), connection.cursor() as cursor:
        # the test settings allow TRUNCATE for Django's flush; a normal connection
        # has no such setting
        cursor.execute("SET LOCAL motcua.audit_truncate = ''")
        # the test's own rows leave deferred FK checks pending; run them first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        refused = pytest.raises(DatabaseError, match="append-only: TRUNCATE refused")
        with refused, transaction.atomic():
            cursor.execute("TRUNCATE workflows_auditentry")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE workflows_auditentry CASCADE")
    assert AuditEntry.objects.filter(action="register").exists()


def test_update_and_delete_are_still_refused():
    user = make_user("audit-update")
    audit_record(case=user, actor=user, action="register")
    for statement in (
        "UPDATE workflows_auditentry SET note = 'x'",
        "DELETE FROM workflows_auditentry",
    ):
        refused = pytest.raises(DatabaseError, match="append-only")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
