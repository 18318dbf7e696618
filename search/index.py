"""Keeping the index in step with the manual: told of every new version by the core's
`version_stored` signal, inside the transaction that stores it, so a version's sections and
their index rows appear (or roll back) together. Nothing ever has to run on a schedule: which
version is current on a day is decided at query time from the versions' validity intervals.
"""

import re

from django.db import connection, transaction

from procedures.models import ChapterVersion, Section
from procedures.text import fold
from search.backends import get_backend
from search.base import IndexRow

VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}")
UPSERT_BATCH = 300


def index_version(version: ChapterVersion) -> None:
    """Index the sections of a version just stored (withdrawn versions have none)."""
    rows = _rows(version.pk, version.title, version.effective_date, version.valid_until)
    if not rows:
        return
    get_backend().add(rows)
    _add_words(rows)


def rebuild_index() -> int:
    """Index every stored version afresh; returns the number of sections indexed."""
    backend = get_backend()
    indexed = 0
    with transaction.atomic():
        backend.clear()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchword")
        versions = (
            ChapterVersion.objects.filter(sections__isnull=False)
            .distinct()
            .values_list("pk", "title", "effective_date", "valid_until")
            .order_by("pk")
        )
        for pk, title, effective_date, valid_until in versions.iterator():
            rows = _rows(pk, title, effective_date, valid_until)
            backend.add(rows)
            _add_words(rows)
            indexed += len(rows)
    return indexed


def _rows(version_id, chapter_title, effective_date, valid_until):
    sections = (
        Section.objects.filter(version_id=version_id)
        .order_by("position")
        .values_list("id", "title", "level", "text")
    )
    rows, parent = [], ""
    for section_id, title, level, text in sections:
        if level <= 2:
            parent = title
        rows.append(
            IndexRow(
                section_id=section_id,
                version_id=version_id,
                chapter_title=chapter_title,
                heading=title,
                level=level,
                context=parent if level > 2 else "",
                body=text,
                opening=not rows,
                effective_date=effective_date,
                valid_until=valid_until,
            )
        )
    return rows


def words_of(text: str) -> set[str]:
    return set(VOCABULARY_WORD.findall(fold(text)))


def _add_words(rows):
    """Add the sections' words to the vocabulary.

    Only new words are written: counting occurrences would update the same rows ("child",
    "abuse") once per version, and in one long loading transaction PostgreSQL would then
    walk an ever longer chain of row versions for each update.
    """
    found = set()
    for row in rows:
        found |= words_of(f"{row.chapter_title} {row.heading} {row.body}")
    # Sorted, so two transactions adding words lock them in the same order.
    items = sorted(found)
    with connection.cursor() as cursor:
        for start in range(0, len(items), UPSERT_BATCH):
            batch = items[start : start + UPSERT_BATCH]
            values = ", ".join(["(%s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO search_searchword (word) VALUES {values} "
                "ON CONFLICT (word) DO NOTHING",
                batch,
            )
