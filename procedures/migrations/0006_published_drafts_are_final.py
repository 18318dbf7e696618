"""A published draft is history: the database refuses to change it (and, on PostgreSQL, to
delete it), whatever the code above does. The admin and publishing check first and explain;
this is the last line behind them.

SQLite: updates only, because Django's flush empties tables with DELETE there (PostgreSQL
truncates, which row triggers do not see).
"""

from django.db import migrations

POSTGRES_FORWARDS = [
    """
    CREATE FUNCTION procedures_draft_published_is_final() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION 'draft % is published: it cannot be changed or deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER procedures_draft_published_is_final
    BEFORE UPDATE OR DELETE ON procedures_draft
    FOR EACH ROW EXECUTE FUNCTION procedures_draft_published_is_final()
    """,
]
POSTGRES_BACKWARDS = [
    "DROP TRIGGER IF EXISTS procedures_draft_published_is_final ON procedures_draft",
    "DROP FUNCTION IF EXISTS procedures_draft_published_is_final()",
]
SQLITE_FORWARDS = [
    """
    CREATE TRIGGER procedures_draft_published_is_final
    BEFORE UPDATE ON procedures_draft
    FOR EACH ROW WHEN OLD.status = 'published'
    BEGIN
        SELECT RAISE(ABORT, 'a published draft cannot be changed');
    END
    """,
]
SQLITE_BACKWARDS = ["DROP TRIGGER IF EXISTS procedures_draft_published_is_final"]


def _run(by_vendor):
    def run(apps, schema_editor):
        for statement in by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("procedures", "0005_publishers_read_the_audit")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            _run({"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        )
    ]
