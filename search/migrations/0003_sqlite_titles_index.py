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


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_vocabulary_without_counts"),
    ]

    operations = [
        migrations.RunPython(_run(SQLITE_FORWARDS), _run(SQLITE_BACKWARDS)),
    ]
