"""The A-Z glossary page."""

from django.shortcuts import render
from django.urls import reverse

from procedures import selectors as manual
from procedures.caching import cached_page

from .markup import mark_first_uses, terms_of
from .selectors import glossary_on

LETTERS = [chr(code) for code in range(ord("A"), ord("Z") + 1)]


@cached_page
def glossary(request):
    entries = glossary_on(manual.today())
    by_letter = {}
    for entry in entries:
        first = entry.term[:1].upper()
        by_letter.setdefault(first if first in LETTERS else "#", []).append(entry)
    return render(
        request,
        "glossary/glossary.html",
        {
            "letters": [(letter, letter in by_letter) for letter in LETTERS],
            "groups": sorted(by_letter.items(), key=lambda item: (item[0] == "#", item[0])),
        },
    )


def marked_chapter_html(html, *, on):
    """A chapter's stored HTML with the first use of each glossary term marked (markup.py
    says why this happens when the page is built)."""
    return mark_first_uses(
        html, terms_of(glossary_on(on)), glossary_url=reverse("glossary:glossary")
    )
