"""The pages that show the manual as a whole: the contents, a chapter (with its glossary
markup, the chosen partnership's local information and What to do now), the printout check,
the print margins and the search page. Each assembles the core's selectors and the feature
apps' parts; views stay thin and never write."""

import datetime
import re
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from feedback.reading_figures import counts_reads, note_search
from glossary.views import marked_chapter_html
from partnerships import page as partnership_page
from partnerships import printouts
from partnerships import selectors as partnership_selectors
from procedures import review_dates, selectors
from procedures import views as core
from procedures.caching import cached_page
from procedures.models import ChapterVersion
from procedures.views import by_chapter, css_string, day, day_or_400, printed_on
from search import contacts as contact_search
from search import engine, query
from search.glossary import search_glossary


@cached_page
def contents(request):
    context = _contents_context()
    # Under a chosen partnership the contents starts with its numbers.
    partnership = getattr(request, "partnership", None)
    context["key_numbers"] = partnership_selectors.key_numbers(partnership)
    return render(request, "procedures/contents.html", context)


def _contents_context(on=None):
    flags = selectors.release_flags(on)
    parts = selectors.contents(on)
    for _part, versions in parts:
        for version in versions:
            version.release_flag = flags.get(version.chapter_id, "")
    shown = [version for _part, versions in parts for version in versions]
    return {
        "parts": parts,
        "latest_release": selectors.latest_release(on) if flags else None,
        "has_sample": any(version.is_sample for version in shown),
        "has_reconstructed": any(version.is_reconstructed for version in shown),
    }


@counts_reads  # in memory, outside the page cache: a cached hit adds no query
@cached_page
@by_chapter
def chapter(request, chapter):
    current = selectors.current_version(chapter)
    if current is None:
        raise Http404("This chapter has not taken effect yet.")
    return render_version_page(request, current, current=current)


@cached_page
@by_chapter
def version(request, chapter, number):
    shown = selectors.version(chapter, number)
    if shown is None:
        raise Http404(f"There is no version {number} of this chapter.")
    return render_version_page(request, shown, current=selectors.current_version(chapter))


def as_of_contents(request, day):
    on = day_or_400(request, day)
    if not isinstance(on, datetime.date):
        return on
    context = _contents_context(on)
    context["as_of"] = on
    context["as_of_future"] = on > selectors.today()
    return render(request, "procedures/contents.html", context)


@by_chapter
def as_of_chapter(request, day, chapter):
    on = day_or_400(request, day)
    if not isinstance(on, datetime.date):
        return on
    shown = selectors.current_version(chapter, on=on)
    if shown is None:
        raise Http404("This chapter had not taken effect on that date.")
    return render_version_page(request, shown, current=selectors.current_version(chapter), as_of=on)


@by_chapter
def printout(request, chapter, number):
    """The short address on a printed page: is this version still the one to act on?"""
    printed = selectors.version(chapter, number)
    if printed is None:
        raise Http404(f"There is no version {number} of this chapter.")
    today = selectors.today()
    current = selectors.current_version(chapter)
    later = selectors.versions_after(printed)
    in_effect = [v for v in later if v.effective_date <= today]
    if printed.effective_date > today:
        status = "scheduled"
    elif current is not None and current.pk == printed.pk:
        status = "current"
    elif all(v.change == ChapterVersion.Change.MINOR for v in in_effect):
        status = "corrected"  # only typo and link fixes since: nothing to re-read
    else:
        status = "superseded"
    overdue = None
    if status in ("current", "corrected"):
        due = review_dates.next_review(current, review_dates.chapter_reviews(chapter))
        overdue = review_dates.overdue_since(current, due)
    # Under /p/<partnership>/ the printout also showed local information and contacts.
    partnership = getattr(request, "partnership", None)
    local_checks = (
        printouts.checks(
            partnership,
            chapter,
            local=request.GET.get("local"),
            contacts=request.GET.get("contacts"),
            on=today,
        )
        if partnership is not None
        else []
    )
    if status in ("current", "corrected") and any(c.changed for c in local_checks):
        status = "local-changed"
    return render(
        request,
        "procedures/printout.html",
        {
            "review_overdue_since": overdue,
            "local_checks": local_checks,
            "local_unknown": any(c.unknown for c in local_checks),
            "chapter": chapter,
            "printed": printed,
            "current": current,
            "status": status,
            "since": printed.valid_until,
            "changes_since": in_effect,
            "scheduled": [v for v in later if v.effective_date > today],
            "diff_url": (
                reverse(
                    "procedures:diff",
                    kwargs={"slug": chapter.slug, "a": printed.number, "b": current.number},
                )
                if current is not None and current.number > printed.number
                else ""
            ),
        },
    )


@by_chapter
def print_margins(request, chapter, number):
    """The running header and footer of a printed version, as a stylesheet: CSS paged media
    puts them on every page, and margin boxes take their text only from CSS (the policy
    forbids inline styles, so the per-version words come from this same-origin file)."""
    shown = selectors.version(chapter, number)
    if shown is None:
        raise Http404(f"There is no version {number} of this chapter.")
    current = selectors.current_version(chapter)
    partnership = getattr(request, "partnership", None)
    local = printouts.shown(partnership, chapter)
    facts = {
        "title": f"{shown.chapter_number} {shown.title}",
        "version": f"Version {shown.number}, effective {day(shown.effective_date)}",
        "status": _print_status(shown, current),
        "printed_on": printed_on(timezone.localtime()),
        "check_url": request.build_absolute_uri(printouts.check_path(shown, partnership)),
        "origin": request.build_absolute_uri("/").rstrip("/"),
        "local": f"{local.footer()}. " if local else "",
    }
    css = render_to_string(
        "procedures/print_margins.css", {key: css_string(value) for key, value in facts.items()}
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The printed-on time is the moment of the request (print-margins.js renews it on printing),
    # so a browser asks again each time; the saved copy keeps one for printing offline.
    response["Cache-Control"] = "no-cache"
    return response


def _print_status(shown, current):
    if current is not None and current.pk == shown.pk:
        return ""
    if shown.effective_date > selectors.today():
        return "Not in effect yet"
    return "Superseded: do not act on it"


def _printed_with(partnership, chapter, on):
    """The partnership line of the print footer ('' for the regional text)."""
    local = printouts.shown(partnership, chapter, on=on) if chapter.pk else None
    return local.footer() if local else ""


AS_OF_LINK = re.compile(r'href="(?:/p/[a-z0-9-]+)?/chapters/')


def render_version_page(request, shown, *, current, as_of=None, extra=None):
    chapter = shown.chapter
    on = as_of or selectors.today()
    html = marked_chapter_html(shown.html, on=on)
    html, local_context = partnership_page.chapter_context(request, shown, html, on=on)
    if as_of is not None:
        # Cross-links lead to the other chapters as they stood on the same day.
        html = AS_OF_LINK.sub(
            f'href="{get_script_prefix()}as-of/{as_of.isoformat()}/chapters/', html
        )
    reviews = review_dates.chapter_reviews(chapter) if chapter.pk else []
    next_review = review_dates.next_review(shown, reviews)
    replacement = None
    if shown.replaced_by_id:
        replacement = selectors.current_version(shown.replaced_by, on=on)
    history, upcoming = selectors.history_and_upcoming(chapter, on=on) if chapter.pk else ([], [])
    related, linking_here = (
        selectors.related_and_linking_here(shown, on=on) if shown.pk else ([], [])
    )
    context = {
        "version": shown,
        "chapter": chapter,
        "body_html": html,
        "current": current,
        "is_current": current is not None and current.pk == shown.pk,
        "is_scheduled": shown.effective_date > selectors.today(),
        "as_of": as_of,
        "as_of_future": as_of is not None and as_of > selectors.today(),
        "replacement": replacement,
        "sections": selectors.sections(shown) if shown.pk else [],
        "history": history,
        # "New" marks a first version for its first months only, not for ever.
        "new_since": on - core.NEW_FOR,
        "upcoming": upcoming,
        "related": related,
        "linking_here": linking_here,
        "reviews": reviews,
        "next_review": next_review,
        "review_overdue_since": (
            review_dates.overdue_since(shown, next_review)
            if as_of is None and current is not None and current.pk == shown.pk
            else None
        ),
        "printed_on": printed_on(selectors.today()),
        "page_url": request.build_absolute_uri(shown.get_absolute_url()),
        "check_url": request.build_absolute_uri(
            printouts.check_path(shown, local_context["partnership"], on=on)
        ),
        "printed_with": _printed_with(local_context["partnership"], chapter, on),
    }
    context.update(local_context)
    context.update(extra or {})
    return render(request, "procedures/chapter.html", context)


@cached_page
def amendments(request):
    """The amendments, the national contacts' changes and, under /p/<partnership>/, that
    partnership's own changes of local information and contacts, coming ones first."""
    partnership = getattr(request, "partnership", None)
    context = {
        **core.amendments_context(),
        "national_changes": partnership_selectors.changes(None),
        "partnership_changes": partnership_selectors.changes(partnership) if partnership else None,
    }
    return render(request, "partnerships/amendments.html", context)


# --- search ---------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(r"\s*\+?(\d{1,12})\s*")


def search(request):
    text = request.GET.get("q", "")
    results = engine.search(text, page=page_number(request.GET.get("page")))
    partnership = getattr(request, "partnership", None)
    local_results = (
        contact_search.search_partnership(
            results.query, partnership=partnership, day=selectors.today()
        )
        if results.page == 1
        else None
    )
    if not local_results:
        note_search(results)  # counts a search that found nothing, for managers
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
            "local_results": local_results,
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
