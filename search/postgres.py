"""PostgreSQL full-text search: weighted tsvectors with GIN indexes, ts_rank_cd, ts_headline.

Each indexed section has three vectors, built with the `portal_english` configuration (English
stemming with `unaccent` first, created by this app's migrations), each with a GIN index:

- `document`: chapter title (weight A), section heading (A for ##, B for ###), the parent
  heading of a ### section (C) and the body text (D): what must match, and what is ranked.
- `heading`: the section heading and its parent heading, for the top ranking tier.
- `titles`: the chapter title with those headings, for the next tier.

Ranking every match is linear in the number of matches, so a broad query ("child") would get
slower as the manual grows. Instead the candidates are gathered tier by tier, at most
CANDIDATES from each (sections whose heading matches, then whose title or headings match, then
any), each tier read from its own GIN index, and only those are ranked. A query matching fewer
sections than that in every tier is ranked exactly; a broader one gets the best tiers first.

The reader's words reach PostgreSQL only as bound parameters of plainto_tsquery and
phraseto_tsquery, which treat their input as text, never as tsquery syntax.
"""

from itertools import combinations

from django.db import connection

from search.base import (
    ALL,
    ANY,
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

CONFIG = "portal_english"
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=18, MinWords=8, "
    'ShortWord=2, FragmentDelimiter=" … "'
)
SIMILAR_ENOUGH = 0.45  # trigram similarity; below it suggestions are more often wrong than right

INSERT = f"""
INSERT INTO search_searchdocument
    (section_id, version_id, opening, effective_date, valid_until, document, heading, titles)
VALUES (
    %(section)s, %(version)s, %(opening)s, %(effective)s, %(until)s,
    setweight(to_tsvector('{CONFIG}', %(chapter)s), 'A')
    || setweight(to_tsvector('{CONFIG}', %(heading)s), %(heading_weight)s::"char")
    || setweight(to_tsvector('{CONFIG}', %(context)s), 'C')
    || setweight(to_tsvector('{CONFIG}', %(body)s), 'D'),
    to_tsvector('{CONFIG}', %(heading)s || ' ' || %(context)s),
    to_tsvector('{CONFIG}', %(chapter)s || ' ' || %(heading)s || ' ' || %(context)s)
)
"""

MATCH = {ALL: "q.all_match", TWO: "q.two_match", ANY: "q.any_match"}
# Current on the day: the version's validity interval, copied onto each row (and kept there by
# the migration's trigger), holds it; `day` is a column of `q`.
CURRENT = "d.effective_date <= q.day AND (d.valid_until IS NULL OR d.valid_until > q.day)"
MATCHES = """
    SELECT d.section_id FROM q, search_searchdocument d WHERE {condition} AND {current}
"""


class PostgresBackend:
    vendor = "postgresql"

    def add(self, rows: list[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                INSERT,
                [
                    {
                        "section": row.section_id,
                        "version": row.version_id,
                        "opening": row.opening,
                        "effective": row.effective_date,
                        "until": row.valid_until,
                        "chapter": row.chapter_title,
                        "heading": row.heading,
                        "heading_weight": "B" if row.level > 2 else "A",
                        "context": row.context,
                        "body": row.body,
                    }
                    for row in rows
                ],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchdocument")

    def find(self, query, *, mode, day, offset, limit) -> Found:
        params: list = []
        terms = _terms_cte(query, day, params)
        match = MATCH[mode]
        wanted = "q.positive" if mode == ALL else "q.highlight"
        # Tiers from the small heading and titles indexes need not be checked against the
        # document here: every ranked candidate is, below.
        tiers = [
            _matches(f"d.heading @@ {wanted}"),
            _matches(f"d.titles @@ {wanted}"),
            "SELECT section_id FROM matches",
        ]
        candidates = " UNION ".join(f"({tier} LIMIT {CANDIDATES})" for tier in tiers)
        matching = _first_matches(query, mode, day, params)
        params += [limit, offset, HEADLINE_OPTIONS]
        sql = f"""
            WITH q AS MATERIALIZED ({terms}),
            matches AS MATERIALIZED ({matching}),
            candidates AS ({candidates}),
            ranked AS (
                SELECT d.section_id, {_score(query, mode)} AS score, v.number_key,
                       count(*) OVER () AS ranked
                FROM q, candidates c
                JOIN search_searchdocument d ON d.section_id = c.section_id
                JOIN procedures_chapterversion v ON v.id = d.version_id
                -- coalesce() keeps the planner from answering this with the GIN index (it
                -- would read every match); each candidate is looked up by its key instead.
                WHERE coalesce(d.document @@ {match}, FALSE)
                ORDER BY score DESC, v.number_key, d.section_id
                LIMIT %s OFFSET %s
            )
            SELECT r.section_id, r.score, (SELECT count(*) FROM matches), s.anchor, s.title,
                   v.chapter_number, v.title, c.slug,
                   ts_headline('{CONFIG}', s.text, q.highlight, %s), r.ranked
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
            ranked=rows[0][9],
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

    def count(self, query, *, mode, day, limit=COUNT_LIMIT) -> int:
        params: list = []
        matching = _first_matches(query, mode, day, params, limit=limit + 1)
        sql = f"SELECT count(*) FROM ({matching}) m"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def similar_words(self, word: str) -> list[str]:
        # `%%` is pg_trgm's similarity operator (escaped for the driver): it uses the GIN index
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchword WHERE word %% %s AND word <> %s "
                "AND similarity(word, %s) >= %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT 5",
                [word, word, word, SIMILAR_ENOUGH, word],
            )
            return [row[0] for row in cursor.fetchall()]


def _matches(condition: str) -> str:
    return MATCHES.format(condition=condition, current=CURRENT)


def _phrase(phrase: Phrase, params: list) -> str:
    params.append(phrase.text)
    adjacent = phrase.adjacent and len(phrase.words) > 1
    function = "phraseto_tsquery" if adjacent else "plainto_tsquery"
    return f"{function}('{CONFIG}', %s)"


def _concept(concept: Concept, params: list) -> str:
    return "(" + " || ".join(_phrase(p, params) for p in concept.alternatives) + ")"


def _has_synonyms(query: Query) -> bool:
    return any(concept.synonyms for concept in query.concepts)


def _terms_cte(query: Query, day, params: list) -> str:
    """One row, computed once per search: the day; each alternative of each concept (a0_0,
    a0_1, ...); the match for all concepts, any two and any one (exclusions applied); the
    reader's own words without synonyms; the side-by-side phrase.

    The inner SELECT binds every parameter once, in order; the outer one only combines."""
    params.append(day)
    inner = ["%s::date AS day"]
    concepts = []
    for i, concept in enumerate(query.concepts):
        names = []
        for j, phrase in enumerate(concept.alternatives):
            inner.append(f"{_phrase(phrase, params)} AS a{i}_{j}")
            names.append(f"a{i}_{j}")
        concepts.append("(" + " || ".join(names) + ")")
    if _has_synonyms(query):
        inner.append(" && ".join(_phrase(c.typed, params) for c in query.concepts) + " AS typed")
    excluded = ""
    if query.exclusions:
        inner.append("(" + " || ".join(_phrase(p, params) for p in query.exclusions) + ") AS x")
        excluded = " && !!x"
    together = _phrase(query.together, params) if query.together else "NULL::tsquery"
    inner.append(f"{together} AS together")
    pairs = " || ".join(f"({a} && {b})" for a, b in combinations(concepts, 2)) or concepts[0]
    outer = [
        "day",
        *(column.split(" AS ")[-1] for column in inner[1:] if " AS a" in column),
        f"{' && '.join(concepts)}{excluded} AS all_match",
        f"({' || '.join(concepts)}){excluded} AS any_match",
        f"{' && '.join(concepts)} AS positive",
        f"{' || '.join(concepts)} AS highlight",
        f"({pairs}){excluded} AS two_match",
        "together",
        "typed" if _has_synonyms(query) else "NULL::tsquery AS typed",
        "x" if query.exclusions else "NULL::tsquery AS x",
        *(f"{expression} AS c{i}" for i, expression in enumerate(concepts)),
    ]
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)}) AS t"


def _first_matches(query, mode, day, params, *, limit=COUNT_LIMIT + 1):
    """The first `limit` current sections matching in `mode`, as a SELECT of section ids.

    The query's words are written into this statement as constants (bound client-side, as
    every parameter is), not read from the `q` row: PostgreSQL then knows from its statistics
    how common each word is. For a rare word it reads the GIN index; for a word in most
    sections ("child") it reads the table and stops at the limit, after about `limit` rows,
    where the index would read the word's whole posting list, which grows with the manual.
    Either way the rows come in the table's order, so the same matches are the first ones
    (synchronised scans, which would start a scan where another left off, are turned off
    for the connection: see apps.py)."""
    condition = _document_matches(query, mode, params)
    params += [day, day]
    return (
        f"SELECT d.section_id FROM search_searchdocument d WHERE {condition}"
        " AND d.effective_date <= %s AND (d.valid_until IS NULL OR d.valid_until > %s)"
        f" LIMIT {limit}"
    )


def _document_matches(query: Query, mode: str, params: list) -> str:
    """The condition for sections matching in `mode`, one test per alternative of each
    concept: with an index scan PostgreSQL combines one GIN scan per alternative
    (BitmapAnd/BitmapOr), so a phrase like "child protection enquiry" costs what its rarest
    word costs, where one scan of the whole tsquery would read every posting list of every
    alternative in full."""

    def concept(c: Concept) -> str:
        return (
            "(" + " OR ".join(f"d.document @@ {_phrase(p, params)}" for p in c.alternatives) + ")"
        )

    if mode == TWO:
        pairs = combinations(query.concepts, 2)
        condition = "(" + " OR ".join(f"({concept(a)} AND {concept(b)})" for a, b in pairs) + ")"
    elif mode == ALL:
        condition = " AND ".join(concept(c) for c in query.concepts)
    else:
        condition = "(" + " OR ".join(concept(c) for c in query.concepts) + ")"
    if query.exclusions:
        excluded = " || ".join(_phrase(p, params) for p in query.exclusions)
        condition += f" AND NOT coalesce(d.document @@ ({excluded}), FALSE)"
    return condition


def _f(points: float) -> str:
    """A score constant as float8 (a bare 3.0 would make PostgreSQL add numerics)."""
    return f"{points}::float8"


def _tier(vector: str, points: float, query: Query, bonus: str = "") -> str:
    if _has_synonyms(query):
        return (
            f"CASE WHEN {vector} @@ q.typed THEN {_f(points)}{bonus}"
            f" WHEN {vector} @@ q.positive THEN {_f(points - THROUGH_SYNONYMS)}{bonus}"
            " ELSE 0 END"
        )
    return f"CASE WHEN {vector} @@ q.positive THEN {_f(points)}{bonus} ELSE 0 END"


def _score(query: Query, mode: str) -> str:
    if mode == ALL:
        # Cover density over all the concepts: closer together ranks higher.
        score = [
            f"ts_rank_cd('{WEIGHTS}', d.document, q.positive, 32)",
            _tier("d.heading", IN_SECTION_HEADING, query),
            # With the title tier, the chapter's opening section is the best landing.
            _tier("d.titles", IN_TITLE_OR_HEADING, query, f" + {_f(OPENING)} * d.opening::int"),
            f"CASE WHEN d.document @@ q.together THEN {_f(SIDE_BY_SIDE)} ELSE 0 END",
        ]
        if _has_synonyms(query):
            score.append(f"CASE WHEN d.document @@ q.typed THEN {_f(AS_TYPED)} ELSE 0 END")
        return " + ".join(score)
    # Widened: more concepts first, one in a heading counting extra.
    per_concept = " + ".join(
        f"(CASE WHEN d.document @@ q.c{i} THEN 4 ELSE 0 END"
        f" + CASE WHEN d.titles @@ q.c{i} THEN 1 ELSE 0 END)::float8"
        for i in range(len(query.concepts))
    )
    return f"{per_concept} + ts_rank_cd('{WEIGHTS}', d.document, q.highlight, 32)"
