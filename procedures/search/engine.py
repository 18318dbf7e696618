"""Search the current manual: the one entry point the view (and anything else) calls.

    results = search("cse signs", page=2)

Only versions current on the day (today by default) are searched, so a scheduled version
becomes searchable on its effective date and superseded text never appears. When no section
has every word, the sections with most of them are shown instead, and said so. When little is
found, the manual's own vocabulary offers a better spelling ("Did you mean grooming?").
"""

import datetime
import math
import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from procedures.rendering import chapter_url
from procedures.search.backends import get_backend
from procedures.search.base import Found, snippet_html
from procedures.search.models import SearchWord
from procedures.search.query import Query, parse_query
from procedures.search.text import WORD, fold
from procedures.selectors import today

PER_PAGE = 20
MAX_PAGE = 1000  # deeper pages are not useful; asking for one shows the last page
FEW = 3  # fewer results than this and a better spelling is looked for


@dataclass(frozen=True)
class Hit:
    slug: str
    chapter_number: str
    chapter_title: str
    anchor: str
    heading: str
    snippet: SafeString

    @property
    def url(self) -> str:
        return chapter_url(self.slug, self.anchor)

    @property
    def chapter(self) -> str:
        return f"{self.chapter_number} {self.chapter_title}"


@dataclass(frozen=True)
class Results:
    query: Query
    hits: tuple[Hit, ...] = ()
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    with_every_word: int = 0  # how many of `total` have every word (they come first)
    suggestion: str = ""
    also_searched_for: tuple[str, ...] = field(default=())

    @property
    def some_words_only(self) -> bool:
        return self.with_every_word < self.total

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.hits) - 1


def search(
    text: str | None,
    *,
    page: int = 1,
    on: datetime.date | None = None,
    per_page: int = PER_PAGE,
) -> Results:
    query = parse_query(text)
    if not query.searchable:
        return Results(query=query)
    day = on or today()
    backend = get_backend()
    page = max(1, min(page, MAX_PAGE))

    found, shown_page = _page(backend, query, any_concept=False, day=day, page=page, size=per_page)
    every_word_total = found.total
    if found.total < FEW and len(query.concepts) > 1:
        # Too few sections have every word: widen to those with some, ranked by how many
        # they have, so the complete matches still come first.
        found, shown_page = _page(
            backend, query, any_concept=True, day=day, page=page, size=per_page
        )
    suggestion = ""
    if every_word_total < FEW:
        suggestion = _suggestion(backend, query, day, found.total)
    return Results(
        query=query,
        hits=tuple(
            Hit(
                slug=hit.slug,
                chapter_number=hit.chapter_number,
                chapter_title=hit.chapter_title,
                anchor=hit.anchor,
                heading=hit.heading,
                snippet=snippet_html(hit.marked_snippet),
            )
            for hit in found.hits
        ),
        total=found.total,
        page=shown_page,
        per_page=per_page,
        with_every_word=every_word_total,
        suggestion=suggestion,
        also_searched_for=tuple(dict.fromkeys(p.text for c in query.concepts for p in c.synonyms)),
    )


def _page(backend, query, *, any_concept, day, page, size) -> tuple[Found, int]:
    found = backend.find(
        query, any_concept=any_concept, day=day, offset=(page - 1) * size, limit=size
    )
    if found.hits or page == 1:
        return found, page
    # Past the last page: show the last one rather than an empty page.
    total = backend.count(query, any_concept=any_concept, day=day)
    if total == 0:
        return Found(total=0), 1
    last = math.ceil(total / size)
    found = backend.find(
        query, any_concept=any_concept, day=day, offset=(last - 1) * size, limit=size
    )
    return found, last


def _suggestion(backend, query: Query, day, found: int) -> str:
    """The query with unknown words replaced by the manual's nearest words, if that finds
    more current sections (with any of the words) than the `found` now; else ""."""
    typed = {word for concept in query.concepts for word in concept.typed.words}
    typed.update(word for phrase in query.exclusions for word in phrase.words)
    candidates = {word for word in typed if len(word) >= 4 and not word.isdigit()}
    if not candidates:
        return ""
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    replacements = {}
    for word in sorted(candidates - known):
        similar = backend.similar_words(word)
        if similar:
            replacements[word] = similar[0]
    if not replacements:
        return ""
    corrected = WORD.sub(
        lambda match: replacements.get(fold(match.group(0)), match.group(0)), query.text
    )
    corrected_query = parse_query(corrected)
    if not corrected_query.searchable:
        return ""
    if backend.count(corrected_query, any_concept=True, day=day) <= found:
        return ""
    return re.sub(r"\s+", " ", corrected).strip()
