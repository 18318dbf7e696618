"""SQLite: a second, small FTS5 table with only the chapter title and headings of each section.

Ranking tiers ask "are the query's words in the heading?". Asked of the full table, FTS5 reads
every occurrence of the words in the body too, which grows with the manual; asked of this table
it reads only headings. The trigger that empties the index now empties both tables.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    """
    CREATE VIRTUAL TABLE search_fts_titles USING fts5(
        chapter, heading, context, version_id UNINDEXED, opening UNINDEXED,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    INSERT INTO search_fts_titles (rowid, chapter, heading, context, version_id, opening)
    SELECT rowid, chapter, heading, context, version_id, opening FROM search_fts
    """,
    "DROP TRIGGER IF EXISTS search_fts_forget",
    """
    CREATE TRIGGER search_fts_forget AFTER DELETE ON search_searchdocument
    BEGIN
        DELETE FROM search_fts WHERE rowid = old.section_id;
        DELETE FROM search_fts_titles WHERE rowid = old.section_id;
    END
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_fts_forget",
    """
    CREATE TRIGGER search_fts_forget AFTER DELETE ON search_searchdocument
    BEGIN
        DELETE FROM search_fts WHERE rowid = old.section_id;
    END
    """,
    "DROP TABLE IF EXISTS search_fts_titles",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


def index_existing_sections(apps, schema_editor):
    # Uses today's indexing code, which expects the schema as the latest migration leaves it:
    # keep this step in the newest search migration (move it when adding one after this).
    from procedures.search.index import rebuild_index

    Section = apps.get_model("procedures", "Section")
    if Section.objects.using(schema_editor.connection.alias).exists():
        rebuild_index()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_vocabulary_without_counts"),
    ]

    operations = [
        migrations.RunPython(_run(SQLITE_FORWARDS), _run(SQLITE_BACKWARDS)),
        migrations.RunPython(index_existing_sections, migrations.RunPython.noop),
    ]
