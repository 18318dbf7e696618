"""The search index: two neutral tables, then each database's own full-text machinery.

PostgreSQL: the unaccent and pg_trgm extensions, a `portal_english` text search configuration
(English stemming after unaccent), tsvector columns on search_searchdocument with a GIN index,
and a trigram index on the vocabulary for "Did you mean".
SQLite: an FTS5 table, emptied row by row by a trigger when index rows are deleted (so `flush`
and cascading deletes keep it in step).

The SQL is written out here, not imported, so this migration means the same thing forever.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'portal_english') THEN
            CREATE TEXT SEARCH CONFIGURATION portal_english (COPY = pg_catalog.english);
            ALTER TEXT SEARCH CONFIGURATION portal_english
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END
    $$
    """,
    """
    ALTER TABLE search_searchdocument
        ADD COLUMN document tsvector NOT NULL,
        ADD COLUMN heading tsvector NOT NULL
    """,
    "CREATE INDEX search_document_gin ON search_searchdocument USING gin (document)",
    "CREATE INDEX search_word_trgm ON search_searchword USING gin (word gin_trgm_ops)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS search_word_trgm",
    "DROP INDEX IF EXISTS search_document_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS document, "
    "DROP COLUMN IF EXISTS heading",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_english",
]
SQLITE_FORWARDS = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        chapter, heading, context, body, version_id UNINDEXED, opening UNINDEXED,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_fts_forget AFTER DELETE ON search_searchdocument
    BEGIN
        DELETE FROM search_fts WHERE rowid = old.section_id;
    END
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_fts_forget",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("procedures", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("sections", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "section",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="procedures.section",
                    ),
                ),
                ("opening", models.BooleanField(default=False)),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="procedures.chapterversion",
                    ),
                ),
            ],
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            _run({"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
