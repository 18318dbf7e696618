"""What every search backend provides, and the pieces they share.

A backend (postgres.py, sqlite.py) turns a parsed `Query` into its own full-text query, ranks
the current sections that match and returns one page of them with marked-up snippets. Ranking
follows one rule on both: every word of the query in the section heading, then in the chapter
title or headings, then the reader's words side by side, then the engine's own text relevance.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.query import Query

# Private-use characters the engines put around matched words. Snippets are escaped first and
# only then are these turned into <mark>, so no text (the reader's or the manual's) is HTML.
MARK_START = "\ue000"
MARK_END = "\ue001"
MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")

# Broad queries ("child") match most sections. Rather than rank every match, each backend
# ranks at most CANDIDATES sections from each tier below (heading matches first), and counts
# matches only up to COUNT_LIMIT ("more than 1,000 results"), so the cost of a search stops
# growing with the size of the manual.
CANDIDATES = 300
COUNT_LIMIT = 1000

# Score tiers, added to the engine's relevance (scaled to 0..1, so a tier always wins):
IN_SECTION_HEADING = 3.0  # every concept in the section's own heading (or its parent's)
IN_TITLE_OR_HEADING = 2.0  # every concept in the chapter title and headings together
SIDE_BY_SIDE = 1.0  # the reader's words appear together, in the order typed
# A heading tier reached only through synonyms counts a little less than the reader's words.
THROUGH_SYNONYMS = 0.5
# Sections with the reader's own words (not only their synonyms) come first among equals.
AS_TYPED = 0.5
# When the chapter title carries the query, the chapter's opening section is the best landing.
OPENING = 0.5


# Which sections a search matches: every concept; or, widened, at least two of them (when
# there are three or more) or at least one.
ALL = "all"
TWO = "two"
ANY = "any"


@dataclass(frozen=True)
class IndexRow:
    section_id: int
    version_id: int
    chapter_title: str
    heading: str
    level: int
    context: str  # the parent heading of a level-3 section
    body: str
    opening: bool = False  # the version's first section
    effective_date: datetime.date | None = None  # the version's validity interval
    valid_until: datetime.date | None = None


@dataclass(frozen=True)
class RawHit:
    section_id: int
    score: float
    anchor: str
    heading: str
    chapter_number: str
    chapter_title: str
    slug: str
    marked_snippet: str


@dataclass(frozen=True)
class Found:
    total: int  # matching sections, counted up to COUNT_LIMIT + 1
    hits: tuple[RawHit, ...] = ()
    ranked: int = 0  # how many of them were ranked (all, unless the query is broad)


class Backend(Protocol):
    vendor: str

    def add(self, rows: list[IndexRow]) -> None:
        """Index sections, inside the caller's transaction."""

    def clear(self) -> None:
        """Forget every indexed section (for a rebuild)."""

    def find(
        self, query: Query, *, mode: str, day: datetime.date, offset: int, limit: int
    ) -> Found:
        """One page of the current sections matching the query in `mode` (ALL, TWO, ANY),
        best first, and how many match (counted up to COUNT_LIMIT + 1)."""

    def count(
        self, query: Query, *, mode: str, day: datetime.date, limit: int = COUNT_LIMIT
    ) -> int:
        """How many current sections match, counted up to `limit` + 1."""

    def similar_words(self, word: str) -> list[str]:
        """Words of the manual spelt like `word`, most alike first."""


def snippet_html(marked: str) -> SafeString:
    """Escape a snippet, then turn the engine's markers into <mark> elements."""
    escaped = escape(marked)
    highlighted = MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(highlighted.replace(MARK_START, "").replace(MARK_END, ""))  # noqa: S308
