"""SQLite full-text search: an FTS5 table with porter stemming, bm25 ranking and snippets.

`search_fts` (created by this app's migration) has one row per indexed section, its rowid the
section's id, with columns chapter (the chapter title), heading, context (the parent heading of
a ### section) and body, plus the version's id (not indexed) for the "current on the day" join.
The tokenizer is 'porter unicode61 remove_diacritics 2': English stemming, case and accents
folded.

The reader's words reach FTS5 only inside double-quoted strings (FTS5's own quoting, with any
quote doubled), bound as a parameter, so no operator (AND, OR, NOT, NEAR, *, :, ^, parentheses)
can come from the reader.
"""

import difflib

from django.db import connection

from procedures.search.base import (
    AS_TYPED,
    IN_SECTION_HEADING,
    IN_TITLE_OR_HEADING,
    MARK_END,
    MARK_START,
    OPENING,
    SIDE_BY_SIDE,
    THROUGH_SYNONYMS,
    Found,
    IndexRow,
    RawHit,
)
from procedures.search.query import Concept, Phrase, Query
from procedures.search.stopwords import STOP_WORDS

# bm25 column weights: chapter title, heading, parent heading, body
BM25 = "bm25(search_fts, 5.0, 10.0, 3.0, 1.0)"
SNIPPET_TOKENS = 24
CURRENT = "v.effective_date <= %s AND (v.valid_until IS NULL OR v.valid_until > %s)"
HEADINGS = "{heading context}"
TITLES = "{chapter heading context}"
MATCHING = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
NEAR_WORDS = 10
NEARBY = 0.5  # PostgreSQL's cover density rewards closeness within its 0..1 relevance


class SqliteBackend:
    vendor = "sqlite"

    def add(self, rows: list[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_searchdocument (section_id, version_id, opening) "
                "VALUES (%s, %s, %s)",
                [(row.section_id, row.version_id, row.opening) for row in rows],
            )
            cursor.executemany(
                "INSERT INTO search_fts "
                "(rowid, chapter, heading, context, body, version_id, opening) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        row.section_id,
                        row.chapter_title,
                        row.heading,
                        row.context,
                        row.body,
                        row.version_id,
                        int(row.opening),
                    )
                    for row in rows
                ],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchdocument")  # its trigger empties search_fts

    def find(self, query, *, any_concept, day, offset, limit) -> Found:
        match = _match(query, any_concept)
        bonuses, bonus_params = _bonuses(query, any_concept)
        sql = f"""
            WITH h AS (
                SELECT f.rowid AS section_id, -{BM25} AS relevance, v.number_key, f.opening
                FROM search_fts f JOIN procedures_chapterversion v ON v.id = f.version_id
                WHERE search_fts MATCH %s AND {CURRENT}
            )
            SELECT h.section_id, h.relevance / (h.relevance + 1.0){bonuses} AS score,
                   count(*) OVER () AS total
            FROM h
            ORDER BY score DESC, h.number_key, h.section_id
            LIMIT %s OFFSET %s
        """
        params = [match, day.isoformat(), day.isoformat(), *bonus_params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ranked = cursor.fetchall()
            if not ranked:
                return Found(total=0)
            details = self._details(cursor, [row[0] for row in ranked], _any(query.concepts))
        return Found(
            total=ranked[0][2],
            hits=tuple(
                RawHit(section_id=section_id, score=float(score), **details[section_id])
                for section_id, score, _total in ranked
            ),
        )

    def _details(self, cursor, ids, highlight):
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"""
            SELECT f.rowid, s.anchor, s.title, v.chapter_number, v.title, c.slug,
                   snippet(search_fts, 3, %s, %s, ' … ', {SNIPPET_TOKENS})
            FROM search_fts f
            JOIN procedures_section s ON s.id = f.rowid
            JOIN procedures_chapterversion v ON v.id = s.version_id
            JOIN procedures_chapter c ON c.id = v.chapter_id
            WHERE search_fts MATCH %s AND f.rowid IN ({marks})
            """,
            [MARK_START, MARK_END, highlight, *ids],
        )
        return {
            row[0]: {
                "anchor": row[1],
                "heading": row[2],
                "chapter_number": row[3],
                "chapter_title": row[4],
                "slug": row[5],
                "marked_snippet": row[6] or "",
            }
            for row in cursor.fetchall()
        }

    def count(self, query, *, any_concept, day) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT count(*) FROM search_fts f
                JOIN procedures_chapterversion v ON v.id = f.version_id
                WHERE search_fts MATCH %s AND {CURRENT}
                """,
                [_match(query, any_concept), day.isoformat(), day.isoformat()],
            )
            return cursor.fetchone()[0]

    def similar_words(self, word: str) -> list[str]:
        # Misspellings rarely change the first letter or the length by more than two.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchword "
                "WHERE substr(word, 1, 1) = %s AND length(word) BETWEEN %s AND %s AND word <> %s "
                "ORDER BY sections DESC",
                [word[:1], len(word) - 2, len(word) + 2, word],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        return difflib.get_close_matches(word, candidates, n=5, cutoff=0.75)


def _match(query: Query, any_concept: bool) -> str:
    expression = _any(query.concepts) if any_concept else _all(query.concepts)
    if not query.exclusions:
        return expression
    return f"({expression}) NOT ({' OR '.join(_phrase(p) for p in query.exclusions)})"


def _bonuses(query: Query, any_concept: bool) -> tuple[str, list]:
    """The ranking tiers as SQL added to the score, each a membership test in one more FTS5
    match (FTS5 allows one MATCH per table scan, so each test is its own subquery)."""
    terms, params = [], []

    def when(expression, points):
        terms.append(f"CASE WHEN h.section_id IN ({MATCHING}) THEN {points} ELSE 0 END")
        params.append(expression)

    if any_concept:
        # No section has every concept: more concepts first, one in a heading counting extra.
        for concept in query.concepts:
            when(_concept(concept), 4)
            when(f"{TITLES} : {_concept(concept)}", 1)
        return "".join(f" + {term}" for term in terms), params

    positive = _all(query.concepts)
    typed = " AND ".join(_phrase(concept.typed) for concept in query.concepts)
    has_synonyms = any(concept.synonyms for concept in query.concepts)
    for columns, points in ((HEADINGS, IN_SECTION_HEADING), (TITLES, IN_TITLE_OR_HEADING)):
        # With the title tier, the chapter's opening section is the best landing.
        opening = f" + {OPENING} * h.opening" if columns == TITLES else ""
        if has_synonyms:
            terms.append(
                f"CASE WHEN h.section_id IN ({MATCHING}) THEN {points}{opening} "
                f"WHEN h.section_id IN ({MATCHING}) THEN {points - THROUGH_SYNONYMS}{opening} "
                "ELSE 0 END"
            )
            params += [f"{columns} : ({typed})", f"{columns} : ({positive})"]
        else:
            when(f"{columns} : ({positive})", f"{points}{opening}")
    if has_synonyms:
        when(typed, AS_TYPED)
    if query.together:
        when(_phrase(query.together), SIDE_BY_SIDE)
    near = [_quoted(word) for word in query.words() if word not in STOP_WORDS]
    if len(near) > 1:
        # bm25 ignores word positions: reward the reader's words near each other.
        when(f"NEAR({' '.join(near)}, {NEAR_WORDS})", NEARBY)
    return "".join(f" + {term}" for term in terms), params


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _phrase(phrase: Phrase) -> str:
    if phrase.adjacent or len(phrase.words) == 1:
        return _quoted(phrase.text)
    meaningful = [word for word in phrase.words if word not in STOP_WORDS] or phrase.words
    return "(" + " AND ".join(_quoted(word) for word in meaningful) + ")"


def _concept(concept: Concept) -> str:
    return "(" + " OR ".join(_phrase(p) for p in concept.alternatives) + ")"


def _all(concepts) -> str:
    return " AND ".join(_concept(c) for c in concepts)


def _any(concepts) -> str:
    return " OR ".join(_concept(c) for c in concepts)
