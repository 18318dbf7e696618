"""Two changes for speed on large manuals, then index whatever the database already holds.

- The vocabulary keeps words only: counting them made a large load slow on PostgreSQL (the
  same rows were updated once per version inside one transaction).
- PostgreSQL: a `titles` vector (chapter title and headings) beside `heading`, each with a GIN
  index, so ranking tiers are read from small indexes instead of filtering every match; and
  the version's validity interval on each row (kept by a trigger), so matches need no join.

A portal that had content before search was added is indexed here.
"""

from django.db import migrations

POSTGRES_FORWARDS = [
    "ALTER TABLE search_searchdocument ADD COLUMN titles tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_searchdocument ALTER COLUMN titles DROP DEFAULT",
    "CREATE INDEX search_heading_gin ON search_searchdocument USING gin (heading)",
    "CREATE INDEX search_titles_gin ON search_searchdocument USING gin (titles)",
    # The version's validity interval, copied onto its index rows so a search filters on
    # "current" without joining every match to its version. A trigger keeps the copy in step
    # whatever changes a version's dates (storing the next version closes the interval).
    """
    ALTER TABLE search_searchdocument
        ADD COLUMN effective_date date NOT NULL DEFAULT '1900-01-01',
        ADD COLUMN valid_until date
    """,
    "ALTER TABLE search_searchdocument ALTER COLUMN effective_date DROP DEFAULT",
    """
    CREATE FUNCTION search_copy_validity() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE search_searchdocument
        SET effective_date = NEW.effective_date, valid_until = NEW.valid_until
        WHERE version_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER search_copy_validity
    AFTER UPDATE OF effective_date, valid_until ON procedures_chapterversion
    FOR EACH ROW
    WHEN (OLD.effective_date IS DISTINCT FROM NEW.effective_date
          OR OLD.valid_until IS DISTINCT FROM NEW.valid_until)
    EXECUTE FUNCTION search_copy_validity()
    """,
]
POSTGRES_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_copy_validity ON procedures_chapterversion",
    "DROP FUNCTION IF EXISTS search_copy_validity()",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS effective_date, "
    "DROP COLUMN IF EXISTS valid_until",
    "DROP INDEX IF EXISTS search_titles_gin",
    "DROP INDEX IF EXISTS search_heading_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS titles",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="searchword", name="sections"),
        migrations.RunPython(_run(POSTGRES_FORWARDS), _run(POSTGRES_BACKWARDS)),
    ]
