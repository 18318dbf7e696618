"""PostgreSQL full-text search: weighted tsvectors with a GIN index, ts_rank_cd, ts_headline.

Each indexed section has two vectors, built with the `portal_english` configuration (English
stemming with `unaccent` first, created by this app's migration):

- `document`: chapter title (weight A), section heading (A for ##, B for ###), the parent
  heading of a ### section (C) and the body text (D). The GIN index is on this column.
- `heading`: the section heading and its parent heading alone, for the top ranking tier.

The reader's words reach PostgreSQL only as bound parameters of plainto_tsquery and
phraseto_tsquery, which treat their input as text, never as tsquery syntax.
"""

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

CONFIG = "portal_english"
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=18, MinWords=8, "
    'ShortWord=2, FragmentDelimiter=" … "'
)

INSERT = f"""
INSERT INTO search_searchdocument (section_id, version_id, opening, document, heading)
VALUES (
    %s, %s, %s,
    setweight(to_tsvector('{CONFIG}', %s), 'A')
    || setweight(to_tsvector('{CONFIG}', %s), CASE WHEN %s > 2 THEN 'B' ELSE 'A' END::"char")
    || setweight(to_tsvector('{CONFIG}', %s), 'C')
    || setweight(to_tsvector('{CONFIG}', %s), 'D'),
    to_tsvector('{CONFIG}', %s)
)
"""

SIMILAR_ENOUGH = 0.45  # trigram similarity; below it suggestions are more often wrong than right
CURRENT = "v.effective_date <= %s AND (v.valid_until IS NULL OR v.valid_until > %s)"


class PostgresBackend:
    vendor = "postgresql"

    def add(self, rows: list[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                INSERT,
                [
                    (
                        row.section_id,
                        row.version_id,
                        row.opening,
                        row.chapter_title,
                        row.heading,
                        row.level,
                        row.context,
                        row.body,
                        f"{row.heading} {row.context}",
                    )
                    for row in rows
                ],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchdocument")

    def find(self, query, *, any_concept, day, offset, limit) -> Found:
        params: list = []
        terms = _terms_cte(query, params)
        score = _score(query, any_concept)
        match = "q.any_match" if any_concept else "q.all_match"
        params += [day, day, limit, offset, HEADLINE_OPTIONS]
        sql = f"""
            WITH q AS MATERIALIZED ({terms}),
            ranked AS (
                SELECT d.section_id, {score} AS score, v.number_key,
                       count(*) OVER () AS total
                FROM q, search_searchdocument d
                JOIN procedures_chapterversion v ON v.id = d.version_id
                WHERE d.document @@ {match} AND {CURRENT}
                ORDER BY score DESC, v.number_key, d.section_id
                LIMIT %s OFFSET %s
            )
            SELECT r.section_id, r.score, r.total, s.anchor, s.title, v.chapter_number,
                   v.title, c.slug, ts_headline('{CONFIG}', s.text, q.highlight, %s)
            FROM q, ranked r
            JOIN procedures_section s ON s.id = r.section_id
            JOIN procedures_chapterversion v ON v.id = s.version_id
            JOIN procedures_chapter c ON c.id = v.chapter_id
            ORDER BY r.score DESC, r.number_key, r.section_id
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return Found(total=0)
        return Found(
            total=rows[0][2],
            hits=tuple(
                RawHit(
                    section_id=row[0],
                    score=float(row[1]),
                    anchor=row[3],
                    heading=row[4],
                    chapter_number=row[5],
                    chapter_title=row[6],
                    slug=row[7],
                    marked_snippet=row[8],
                )
                for row in rows
            ),
        )

    def count(self, query, *, any_concept, day) -> int:
        params: list = []
        terms = _terms_cte(query, params)
        match = "q.any_match" if any_concept else "q.all_match"
        params += [day, day]
        sql = f"""
            WITH q AS MATERIALIZED ({terms})
            SELECT count(*) FROM q, search_searchdocument d
            JOIN procedures_chapterversion v ON v.id = d.version_id
            WHERE d.document @@ {match} AND {CURRENT}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def similar_words(self, word: str) -> list[str]:
        # `%%` is pg_trgm's similarity operator (escaped for the driver): it uses the GIN index
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchword WHERE word %% %s AND word <> %s "
                "AND similarity(word, %s) >= %s "
                "ORDER BY similarity(word, %s) DESC, sections DESC, word LIMIT 5",
                [word, word, word, SIMILAR_ENOUGH, word],
            )
            return [row[0] for row in cursor.fetchall()]


def _phrase(phrase: Phrase, params: list) -> str:
    params.append(phrase.text)
    function = (
        "phraseto_tsquery" if phrase.adjacent and len(phrase.words) > 1 else "plainto_tsquery"
    )
    return f"{function}('{CONFIG}', %s)"


def _concept(concept: Concept, params: list) -> str:
    return "(" + " || ".join(_phrase(p, params) for p in concept.alternatives) + ")"


def _terms_cte(query: Query, params: list) -> str:
    """One row of tsqueries, computed once per search: each concept, the match for all of
    them and for any of them (exclusions applied), the reader's own words without synonyms,
    and the side-by-side phrase.

    The inner SELECT binds every parameter once, in order; the outer one only combines."""
    inner = [f"{_concept(concept, params)} AS c{i}" for i, concept in enumerate(query.concepts)]
    names = [f"c{i}" for i in range(len(query.concepts))]
    typed = "positive"
    if _has_synonyms(query):
        inner.append(" && ".join(_phrase(c.typed, params) for c in query.concepts) + " AS typed")
        typed = "typed"
    excluded = ""
    if query.exclusions:
        inner.append("(" + " || ".join(_phrase(p, params) for p in query.exclusions) + ") AS x")
        excluded = " && !!x"
    together = _phrase(query.together, params) if query.together else "NULL::tsquery"
    inner.append(f"{together} AS together")
    outer = [
        f"{' && '.join(names)}{excluded} AS all_match",
        f"({' || '.join(names)}){excluded} AS any_match",
        f"{' && '.join(names)} AS positive",
        f"{' || '.join(names)} AS highlight",
        "together",
        *names,
    ]
    if typed == "typed":
        outer.append("typed")
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)}) AS t"


def _has_synonyms(query: Query) -> bool:
    return any(concept.synonyms for concept in query.concepts)


def _tier(vector: str, points: float, query: Query) -> str:
    if _has_synonyms(query):
        return (
            f"CASE WHEN {vector} @@ q.typed THEN {points}"
            f" WHEN {vector} @@ q.positive THEN {points - THROUGH_SYNONYMS} ELSE 0 END"
        )
    return f"CASE WHEN {vector} @@ q.positive THEN {points} ELSE 0 END"


def _score(query: Query, any_concept: bool) -> str:
    titles = "ts_filter(d.document, '{a,b,c}')"
    if not any_concept:
        # Cover density over all the concepts: closer together ranks higher.
        return (
            f"ts_rank_cd('{WEIGHTS}', d.document, q.positive, 32)"
            f" + {_tier('d.heading', IN_SECTION_HEADING, query)}"
            f" + {_tier(titles, IN_TITLE_OR_HEADING, query)}"
            f" + CASE WHEN d.document @@ q.together THEN {SIDE_BY_SIDE} ELSE 0 END"
            f" + CASE WHEN d.opening AND {titles} @@ q.positive THEN {OPENING} ELSE 0 END"
            + (
                f" + CASE WHEN d.document @@ q.typed THEN {AS_TYPED} ELSE 0 END"
                if _has_synonyms(query)
                else ""
            )
        )
    # No section has every concept: more concepts first, a concept in a heading counting extra.
    per_concept = " + ".join(
        f"(CASE WHEN d.document @@ q.c{i} THEN 4 ELSE 0 END"
        f" + CASE WHEN {titles} @@ q.c{i} THEN 1 ELSE 0 END)"
        for i in range(len(query.concepts))
    )
    return f"{per_concept} + ts_rank_cd('{WEIGHTS}', d.document, q.highlight, 32)"
