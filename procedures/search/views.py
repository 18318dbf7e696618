"""The search page: `/search/?q=...&page=N`. Any input gets a page, never an error."""

import re
from urllib.parse import urlencode

from django.shortcuts import render

from procedures import selectors
from procedures.feedback.reading_figures import note_search
from procedures.glossary.search import search_glossary
from procedures.partnerships import search as partnership_search
from procedures.partnerships import selectors as partnership_selectors
from procedures.search import engine, query

PAGE_NUMBER = re.compile(r"\s*\+?(\d{1,12})\s*")


def search(request):
    text = request.GET.get("q", "")
    results = engine.search(text, page=page_number(request.GET.get("page")))
    note_search(results)  # counts a search that found nothing, for managers
    partnership = getattr(request, "partnership", None)
    return render(
        request,
        "search/results.html",
        {
            "results": results,
            "search_query": results.query.text,
            "problem": results.query.problem,
            "problems": {
                "empty": query.EMPTY,
                "only_common_words": query.ONLY_COMMON_WORDS,
                "only_exclusions": query.ONLY_EXCLUSIONS,
            },
            "max_length": query.MAX_LENGTH,
            # Contacts and the chosen partnership's local information (first page only).
            "local_results": partnership_search.search_partnership(
                results.query, partnership=partnership, day=selectors.today()
            )
            if results.page == 1
            else None,
            "urgent_contacts": partnership_selectors.urgent_contacts(partnership),
            # Glossary entries the query names (first page only), like contacts.
            "glossary_results": search_glossary(results.query, day=selectors.today())
            if results.page == 1
            else [],
            "pagination": pagination(results, results.query.text),
            "suggestion_url": "?" + urlencode({"q": results.suggestion})
            if results.suggestion
            else "",
        },
    )


def page_number(raw: str | None) -> int:
    """A page number from the address: anything that is not a positive whole number is 1;
    huge numbers are capped by the engine, which shows the last page."""
    match = PAGE_NUMBER.fullmatch(raw or "")
    return max(1, int(match.group(1))) if match else 1


def pagination(results, text: str) -> dict | None:
    """GOV.UK pagination: first, last, and the pages either side of the current one."""
    if results.pages <= 1:
        return None
    current, last = results.page, results.pages

    def href(number):
        return "?" + urlencode({"q": text, "page": number} if number > 1 else {"q": text})

    numbers = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    items, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == current})
        previous = number
    return {
        "items": items,
        "previous": href(current - 1) if current > 1 else "",
        "next": href(current + 1) if current < last else "",
    }
