"""The audit log is history: the database refuses to change or delete an entry, whatever the
code above does (the admin already shows it read-only). As published drafts are kept
(0006), on both backends, and for DELETE on SQLite too: the tests' flush, which empties
tables with DELETE there, lets the trigger step aside (tests/conftest.py).
"""

from django.db import migrations

POSTGRES_FORWARDS = [
    """
    CREATE FUNCTION procedures_audit_entry_is_final() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit entry % is history: it cannot be changed or deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER procedures_audit_entry_is_final
    BEFORE UPDATE OR DELETE ON procedures_auditentry
    FOR EACH ROW EXECUTE FUNCTION procedures_audit_entry_is_final()
    """,
]
POSTGRES_BACKWARDS = [
    "DROP TRIGGER IF EXISTS procedures_audit_entry_is_final ON procedures_auditentry",
    "DROP FUNCTION IF EXISTS procedures_audit_entry_is_final()",
]
SQLITE_UPDATE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS procedures_audit_entry_is_final
    BEFORE UPDATE ON procedures_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'an audit entry is history: it cannot be changed');
    END
"""
SQLITE_DELETE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS procedures_audit_entry_is_kept
    BEFORE DELETE ON procedures_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'an audit entry is history: it cannot be deleted');
    END
"""
SQLITE_FORWARDS = [SQLITE_UPDATE_TRIGGER, SQLITE_DELETE_TRIGGER]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS procedures_audit_entry_is_final",
    "DROP TRIGGER IF EXISTS procedures_audit_entry_is_kept",
]


def _run(by_vendor):
    def run(apps, schema_editor):
        for statement in by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("procedures", "0013_draft_revisions_comments_and_presence")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            _run({"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        )
    ]
