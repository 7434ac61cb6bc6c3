"""The append-only audit trail also refuses TRUNCATE on PostgreSQL.

A statement-level trigger: TRUNCATE fires no row trigger, so the UPDATE/DELETE guard of
0002 let it empty the table. The one exception is a connection started with
`-c motcua.audit_truncate=allow`, which only the test settings use (Django's test
runner empties every table with TRUNCATE between transactional tests).
"""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION workflows_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('motcua.audit_truncate', true) = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'workflows_auditentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS workflows_audit_no_truncate ON workflows_auditentry;
CREATE TRIGGER workflows_audit_no_truncate
    BEFORE TRUNCATE ON workflows_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION workflows_audit_no_truncate();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS workflows_audit_no_truncate ON workflows_auditentry;
DROP FUNCTION IF EXISTS workflows_audit_no_truncate();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def guard_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0004_ladder_offset_unit_version_parameters")]

    operations = [migrations.RunPython(guard, guard_drop)]
