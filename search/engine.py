"""Search the current manual: the one entry point the view (and anything else) calls.

    results = search("cse signs", page=2)

Only versions current on the day (today by default) are searched, so a scheduled version
becomes searchable on its effective date and superseded text never appears. When fewer than
three sections have every word, the search widens to sections with at least two of the words
(then one), those with most of them first, and the page says so. When little is found, the
manual's own vocabulary offers a better spelling ("Did you mean grooming?"). Counts stop at
COUNT_LIMIT and broad queries rank a bounded set of candidates (see base.py), so a search
costs about the same on a manual of 1,000 chapters as of 10,000 (docs/benchmarks.md).
"""

import datetime
import math
import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from procedures.rendering import chapter_url
from procedures.selectors import today
from procedures.text import WORD, fold
from search.backends import get_backend
from search.base import ALL, ANY, COUNT_LIMIT, TWO, Found, snippet_html
from search.models import SearchWord
from search.query import Query, parse_query

PER_PAGE = 20
FEW = 3  # fewer sections than this with every word: widen, and look for a better spelling


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
    total: int = 0  # counted up to COUNT_LIMIT; see `more_than_counted`
    ranked: int = 0  # how many can be paged through (all, unless the query is broad)
    more_than_counted: bool = False
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
        return _pages(min(self.total, self.ranked), self.per_page)

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
    page = max(1, min(page, _pages(COUNT_LIMIT, per_page)))

    found, shown_page = _page(backend, query, mode=ALL, day=day, page=page, size=per_page)
    every_word_total = found.total
    if found.total < FEW and len(query.concepts) > 1:
        # Too few sections have every word: widen to those with at least two of them (or,
        # if that is still too few, one), ranked by how many they have, so the complete
        # matches still come first.
        for mode in (TWO, ANY) if len(query.concepts) > 2 else (ANY,):
            found, shown_page = _page(backend, query, mode=mode, day=day, page=page, size=per_page)
            if found.total >= FEW:
                break
    suggestion = _suggestion(backend, query, day) if every_word_total < FEW else ""
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
        total=min(found.total, COUNT_LIMIT),
        ranked=found.ranked,
        more_than_counted=found.total > COUNT_LIMIT,
        page=shown_page,
        per_page=per_page,
        with_every_word=every_word_total,
        suggestion=suggestion,
        also_searched_for=tuple(dict.fromkeys(p.text for c in query.concepts for p in c.synonyms)),
    )


def _pages(results: int, per_page: int) -> int:
    return max(1, math.ceil(results / per_page))


def _page(backend, query, *, mode, day, page, size) -> tuple[Found, int]:
    found = backend.find(query, mode=mode, day=day, offset=(page - 1) * size, limit=size)
    if found.hits or page == 1:
        return found, page
    # Past the last page: show the last one rather than an empty page.
    first = backend.find(query, mode=mode, day=day, offset=0, limit=size)
    last = _pages(min(first.total, first.ranked), size)
    if last == 1:
        return first, 1
    found = backend.find(query, mode=mode, day=day, offset=(last - 1) * size, limit=size)
    return found, last


def _suggestion(backend, query: Query, day) -> str:
    """The query with its unknown words replaced by the manual's nearest words, each of which
    is in the current manual; else ""."""
    typed = {word for concept in query.concepts for word in concept.typed.words}
    typed.update(word for phrase in query.exclusions for word in phrase.words)
    candidates = {word for word in typed if len(word) >= 4 and not word.isdigit()}
    if not candidates:
        return ""
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    replacements = {}
    for word in sorted(candidates - known):
        if _in_current_manual(backend, word, day):
            continue  # another form of it is ("arranging" finds "arrange")
        for similar in backend.similar_words(word):
            # The vocabulary keeps words of superseded versions too: offer only current ones.
            if _in_current_manual(backend, similar, day):
                replacements[word] = similar
                break
    if not replacements:
        return ""
    corrected = WORD.sub(
        lambda match: replacements.get(fold(match.group(0)), match.group(0)), query.text
    )
    return re.sub(r"\s+", " ", corrected).strip()


def _in_current_manual(backend, word: str, day) -> bool:
    alone = parse_query(word)
    return alone.searchable and backend.count(alone, mode=ANY, day=day, limit=0) > 0
