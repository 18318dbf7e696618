"""SQLite full-text search: an FTS5 table with porter stemming, bm25 ranking and snippets.

`search_fts` (created by this app's migration) has one row per indexed section, its rowid the
section's id, with columns chapter (the chapter title), heading, context (the parent heading of
a ### section) and body, plus (not indexed) the version's id for the "current on the day" join
and whether the section opens its chapter.
The tokenizer is 'porter unicode61 remove_diacritics 2': English stemming, case and accents
folded.

As on PostgreSQL, only a bounded number of candidates is ranked: at most CANDIDATES from each
tier (heading matches, title or heading matches, any match), each read with FTS5 column filters.

The reader's words reach FTS5 only inside double-quoted strings (FTS5's own quoting, with any
quote doubled), bound as a parameter, so no operator (AND, OR, NOT, NEAR, *, :, ^, parentheses)
can come from the reader.
"""

import difflib
from itertools import combinations

from django.db import connection

from procedures.search.base import (
    ALL,
    AS_TYPED,
    CANDIDATES,
    COUNT_LIMIT,
    IN_SECTION_HEADING,
    IN_TITLE_OR_HEADING,
    MARK_END,
    MARK_START,
    OPENING,
    SIDE_BY_SIDE,
    THROUGH_SYNONYMS,
    TWO,
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
# One FTS5 match, restricted to the candidates (FTS5 then checks only those rows).
MATCHING = (
    "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
    "AND rowid IN (SELECT section_id FROM candidates)"
)
MATCHES = f"""
    SELECT f.rowid AS section_id FROM search_fts f
    JOIN procedures_chapterversion v ON v.id = f.version_id
    WHERE search_fts MATCH %s AND {CURRENT}
"""
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

    def find(self, query, *, mode, day, offset, limit) -> Found:
        match = _match(query, mode)
        dates = [day.isoformat(), day.isoformat()]
        tiers = _tiers(query, mode)
        candidates = " UNION ".join(
            [f"SELECT section_id FROM ({MATCHES} LIMIT {CANDIDATES})" for _ in tiers]
            + [f"SELECT section_id FROM (SELECT section_id FROM matches LIMIT {CANDIDATES})"]
        )
        bonuses, bonus_params = _bonuses(query, mode)
        sql = f"""
            WITH matches AS MATERIALIZED ({MATCHES} LIMIT {COUNT_LIMIT + 1}),
            candidates AS MATERIALIZED ({candidates}),
            h AS (
                SELECT f.rowid AS section_id, -{BM25} AS relevance, v.number_key, f.opening
                FROM search_fts f JOIN procedures_chapterversion v ON v.id = f.version_id
                WHERE search_fts MATCH %s AND f.rowid IN (SELECT section_id FROM candidates)
            )
            SELECT h.section_id, h.relevance / (h.relevance + 1.0){bonuses} AS score,
                   (SELECT count(*) FROM matches) AS total, count(*) OVER () AS ranked
            FROM h
            ORDER BY score DESC, h.number_key, h.section_id
            LIMIT %s OFFSET %s
        """
        params = [match, *dates]
        params += [value for tier in tiers for value in (tier, *dates)]
        params += [match, *bonus_params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ranked = cursor.fetchall()
            if not ranked:
                return Found(total=0)
            details = self._details(cursor, [row[0] for row in ranked], _any(query.concepts))
        return Found(
            total=ranked[0][2],
            ranked=ranked[0][3],
            hits=tuple(
                RawHit(section_id=row[0], score=float(row[1]), **details[row[0]]) for row in ranked
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

    def count(self, query, *, mode, day, limit=COUNT_LIMIT) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM ({MATCHES} LIMIT {limit + 1})",
                [_match(query, mode), day.isoformat(), day.isoformat()],
            )
            return cursor.fetchone()[0]

    def similar_words(self, word: str) -> list[str]:
        # Misspellings rarely change the first letter or the length by more than two.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchword "
                "WHERE substr(word, 1, 1) = %s AND length(word) BETWEEN %s AND %s AND word <> %s "
                "ORDER BY word",
                [word[:1], len(word) - 2, len(word) + 2, word],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        return difflib.get_close_matches(word, candidates, n=5, cutoff=0.75)


def _match(query: Query, mode: str) -> str:
    if mode == ALL:
        expression = _all(query.concepts)
    elif mode == TWO:
        expression = " OR ".join(
            f"({_concept(a)} AND {_concept(b)})" for a, b in combinations(query.concepts, 2)
        )
    else:
        expression = _any(query.concepts)
    return _without_exclusions(expression, query)


def _without_exclusions(expression: str, query: Query) -> str:
    if not query.exclusions:
        return expression
    return f"({expression}) NOT ({' OR '.join(_phrase(p) for p in query.exclusions)})"


def _tiers(query: Query, mode: str) -> list[str]:
    """Where candidates come from, besides the first matches: heading matches, then title or
    heading matches (every concept; widened, any)."""
    wanted = _all(query.concepts) if mode == ALL else _any(query.concepts)
    tiers = [f"{HEADINGS} : ({wanted})", f"{TITLES} : ({wanted})"]
    return [_without_exclusions(tier, query) for tier in tiers]


def _bonuses(query: Query, mode: str) -> tuple[str, list]:
    """The ranking tiers as SQL added to the score, each a membership test in one more FTS5
    match (FTS5 allows one MATCH per table scan, so each test is its own subquery)."""
    terms, params = [], []

    def when(expression, points):
        terms.append(f"CASE WHEN h.section_id IN ({MATCHING}) THEN {points} ELSE 0 END")
        params.append(expression)

    if mode != ALL:
        # Widened: more concepts first, one in a heading counting extra.
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
