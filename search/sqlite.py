"""SQLite full-text search: FTS5 tables with porter stemming, bm25 ranking and snippets.

`search_fts` (created by this app's migrations) has one row per indexed section, its rowid the
section's id, with columns chapter (the chapter title), heading, context (the parent heading of
a ### section) and body, plus (not indexed) the version's id for the "current on the day" join
and whether the section opens its chapter. `search_fts_titles` holds the same rows without the
body, so questions about headings read only headings. The tokenizer is
'porter unicode61 remove_diacritics 2': English stemming, case and accents folded.

FTS5 is fast at scans that stop after a limit and slow at testing chosen rows (about 0.2 ms a
row), and bm25 reads every occurrence of the query's words to weigh them. So a search is a
handful of scans, none of which grows with the manual: the first CANDIDATES current matches in
the one scan that computes bm25; the heading and title tiers from the small titles table; and
the other bonuses (words side by side, near each other, as typed) from scans limited to the
rowids the first one covered. A section's score is the sum of the points of the scans that
found it, plus its bm25 relevance. For a query with fewer matches than CANDIDATES (any query
on a manual of a few hundred chapters) this ranks every match; for a broader one, it ranks the
heading and title matches and the first matches.

The reader's words reach FTS5 only inside double-quoted strings (FTS5's own quoting, with any
quote doubled), bound as a parameter, so no operator (AND, OR, NOT, NEAR, *, :, ^, parentheses)
can come from the reader.
"""

import difflib
from itertools import combinations

from django.db import connection

from search.base import (
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
from search.query import Concept, Phrase, Query
from search.stopwords import STOP_WORDS

# bm25 column weights: chapter title, heading, parent heading, body
BM25 = "bm25(search_fts, 5.0, 10.0, 3.0, 1.0)"
SNIPPET_TOKENS = 24
CURRENT = "v.effective_date <= %s AND (v.valid_until IS NULL OR v.valid_until > %s)"
HEADINGS = "{heading context}"
TITLES = "{chapter heading context}"
MATCHES = f"""
    SELECT f.rowid AS section_id FROM search_fts f
    JOIN procedures_chapterversion v ON v.id = f.version_id
    WHERE search_fts MATCH %s AND {CURRENT}
"""
MAIN = f"""
    SELECT f.rowid AS section_id, -{BM25} AS relevance
    FROM search_fts f JOIN procedures_chapterversion v ON v.id = f.version_id
    WHERE search_fts MATCH %s AND {CURRENT}
"""
RANGE = f"""
    SELECT f.rowid AS section_id, 0.0 AS relevance, f.opening
    FROM search_fts f JOIN procedures_chapterversion v ON v.id = f.version_id
    WHERE search_fts MATCH %s AND {CURRENT}
    AND f.rowid BETWEEN (SELECT lo FROM bounds) AND (SELECT hi FROM bounds)
"""
# The titles table's own bm25 is the relevance of sections found only there.
TITLES_SCAN = f"""
    SELECT t.rowid AS section_id, -bm25(search_fts_titles, 5.0, 10.0, 3.0) AS relevance,
           t.opening
    FROM search_fts_titles t JOIN procedures_chapterversion v ON v.id = t.version_id
    WHERE search_fts_titles MATCH %s AND {CURRENT}
"""
EXCLUDED = "AND t.rowid NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
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

        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts_titles (rowid, chapter, heading, context, version_id, "
                "opening) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        row.section_id,
                        row.chapter_title,
                        row.heading,
                        row.context,
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
        dates = [day.isoformat(), day.isoformat()]
        scans, params = [], []
        for scan, scan_params, points in _sources(query, mode, dates):
            scans.append(
                f"SELECT section_id, {points} AS points, relevance, 0 AS main"
                f" FROM ({scan} LIMIT {CANDIDATES})"
            )
            params += scan_params
        sql = f"""
            WITH matches AS MATERIALIZED ({MATCHES} LIMIT {COUNT_LIMIT + 1}),
            main AS MATERIALIZED ({MAIN} LIMIT {CANDIDATES}),
            bounds AS MATERIALIZED (SELECT min(section_id) AS lo, max(section_id) AS hi FROM main),
            found AS (
                SELECT section_id, 0.0 AS points, relevance, 1 AS main FROM main
                {"".join(f" UNION ALL {scan}" for scan in scans)}
            ),
            relevant AS (
                SELECT section_id, sum(points) AS points,
                       coalesce(max(CASE WHEN main = 1 THEN relevance END), max(relevance)) AS r
                FROM found GROUP BY section_id
            )
            SELECT s.section_id, s.points + s.r / (s.r + 1.0) AS score,
                   (SELECT count(*) FROM matches), count(*) OVER () AS ranked
            FROM relevant s
            JOIN search_searchdocument d ON d.section_id = s.section_id
            JOIN procedures_chapterversion v ON v.id = d.version_id
            ORDER BY score DESC, v.number_key, s.section_id
            LIMIT %s OFFSET %s
        """
        match = _match(query, mode)
        params = [match, *dates, match, *dates, *params, limit, offset]
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


def _sources(query: Query, mode: str, dates: list) -> list[tuple[str, list, str]]:
    """The scans besides the first matches: (SQL of the scan, its parameters, points)."""
    match = _match(query, mode)
    sources = []

    def in_range(expression, points):
        # Limited to the rowids the first scan covered: bounded work, rows that match.
        sources.append((RANGE, [f"({expression}) AND ({match})", *dates], points))

    def in_titles(expression, points):
        # Exclusions are words anywhere in a section, so they are checked in the full table.
        if query.exclusions:
            exclusions = " OR ".join(_phrase(p) for p in query.exclusions)
            sources.append((TITLES_SCAN + EXCLUDED, [expression, *dates, exclusions], points))
        else:
            sources.append((TITLES_SCAN, [expression, *dates], points))

    if mode != ALL:
        # Widened: more concepts first, one in a heading counting extra.
        for concept in query.concepts:
            in_range(_concept(concept), "4.0")
            in_range(f"{TITLES} : {_concept(concept)}", "1.0")
        return sources

    positive = _all(query.concepts)
    typed = " AND ".join(_phrase(concept.typed) for concept in query.concepts)
    has_synonyms = any(concept.synonyms for concept in query.concepts)
    through_synonyms = THROUGH_SYNONYMS if has_synonyms else 0.0
    for columns, points in ((HEADINGS, IN_SECTION_HEADING), (TITLES, IN_TITLE_OR_HEADING)):
        # With the title tier, the chapter's opening section is the best landing.
        opening = f" + {OPENING} * opening" if columns == TITLES else ""
        in_titles(f"{columns} : ({positive})", f"{points - through_synonyms}{opening}")
        if has_synonyms:
            in_titles(f"{columns} : ({typed})", f"{through_synonyms}")
    if has_synonyms:
        in_range(typed, f"{AS_TYPED}")
    if query.together:
        in_range(_phrase(query.together), f"{SIDE_BY_SIDE}")
    near = [_quoted(word) for word in query.words() if word not in STOP_WORDS]
    if len(near) > 1:
        # bm25 ignores word positions: reward the reader's words near each other.
        in_range(f"NEAR({' '.join(near)}, {NEAR_WORDS})", f"{NEARBY}")
    return sources


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
