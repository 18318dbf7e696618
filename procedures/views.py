"""Thin views: ask the selectors, hand the answer to a template. Views never write."""

import datetime
import re
from functools import wraps

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from procedures import review_dates, selectors
from procedures.caching import cached_page
from procedures.feedback.reading_figures import counts_reads
from procedures.glossary.views import marked_chapter_html
from procedures.models import ChapterVersion, Release
from procedures.partnerships import page as partnership_page
from procedures.records import diff_versions

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NEW_FOR = datetime.timedelta(days=90)
CHANGE_GROUPS = [
    (ChapterVersion.Change.NEW, "New chapters"),
    (ChapterVersion.Change.UPDATED, "Updated chapters"),
    (ChapterVersion.Change.WITHDRAWN, "Withdrawn chapters"),
    (ChapterVersion.Change.MINOR, "Minor corrections"),
]


@cached_page
def contents(request):
    return render(request, "procedures/contents.html", _contents_context())


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


def by_chapter(view):
    """Resolve the address's slug to its chapter (404 when none); a chapter's former slug
    answers with a permanent redirect to the same page under its current slug."""

    @wraps(view)
    def wrapper(request, *args, slug, **kwargs):
        found, renamed = selectors.find_chapter(slug)
        if found is None:
            raise Http404("There is no chapter at this address.")
        if renamed:
            match = request.resolver_match
            url = reverse(match.view_name, args=args, kwargs={**kwargs, "slug": found.slug})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return view(request, *args, chapter=found, **kwargs)

    return wrapper


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


@cached_page
@by_chapter
def versions(request, chapter):
    current = selectors.current_version(chapter)
    history, upcoming = selectors.history_and_upcoming(chapter)
    if not history:
        raise Http404("This chapter has not taken effect yet.")
    return render(
        request,
        "procedures/versions.html",
        {
            "chapter": chapter,
            "current": current or history[0],
            "history": history,
            "upcoming": upcoming,
            "numbers": [v.number for v in reversed(history)],
        },
    )


@by_chapter
def diff(request, chapter, a, b):
    """What changed from version a to version b of a chapter."""
    if a > b:
        return redirect("procedures:diff", slug=chapter.slug, a=b, b=a)
    if a == b:
        return redirect("procedures:version", slug=chapter.slug, number=a)
    between = selectors.versions_between(chapter, a, b)
    if len(between) < 2 or between[0].number != a or between[-1].number != b:
        raise Http404("There is no such pair of versions of this chapter.")
    old, new = between[0], between[-1]
    current = selectors.current_version(chapter)
    return render(
        request,
        "procedures/diff.html",
        {
            "chapter": chapter,
            "old": old,
            "new": new,
            "current": current,
            "amendments": between[1:],
            "diff": diff_versions(old, new),
        },
    )


@by_chapter
def compare(request, chapter):
    """The versions page's "compare two versions" form, without JavaScript."""
    try:
        first, last = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        return redirect("procedures:versions", slug=chapter.slug)
    if first < 1 or last < 1:
        return redirect("procedures:versions", slug=chapter.slug)
    first, last = sorted((first, last))
    if first == last:
        return redirect("procedures:version", slug=chapter.slug, number=first)
    return redirect("procedures:diff", slug=chapter.slug, a=first, b=last)


@cached_page
def amendments(request):
    releases = selectors.releases_in_effect()
    return render(
        request,
        "procedures/amendments.html",
        {
            "releases": [(release, _grouped(release.versions.all())) for release in releases],
            "scheduled": [
                (release, _grouped(release.versions.all()))
                for release in selectors.scheduled_releases()
            ],
            "outside_releases": _by_date(selectors.amendments_outside_releases()),
        },
    )


def release(request, pk):
    shown = get_object_or_404(selectors.published_releases(), pk=pk)
    versions = selectors.release_versions(shown)
    changes = []
    for item in versions:
        previous = None
        if item.number > 1 and item.change != ChapterVersion.Change.MINOR:
            previous = selectors.version(item.chapter, item.number - 1)
        if previous is not None:
            changes.append((item, diff_versions(previous, item)))
    return render(
        request,
        "procedures/release.html",
        {
            "release": shown,
            "groups": _grouped(versions),
            "changes": changes,
            "is_scheduled": shown.effective_date > selectors.today(),
        },
    )


def _grouped(versions):
    groups = []
    for change, heading in CHANGE_GROUPS:
        items = [v for v in versions if v.change == change]
        if items:
            groups.append((heading, items))
    return groups


def _by_date(versions):
    days = {}
    for item in versions:
        days.setdefault(item.effective_date, []).append(item)
    return [(day, _grouped(items)) for day, items in days.items()]


class AmendmentsFeed(Feed):
    """Atom feed of releases and of amendments published outside a release."""

    feed_type = Atom1Feed
    title = "Amendments to the Safeguarding Children Procedures"
    subtitle = "New, updated and withdrawn chapters, release by release."
    description_template = "procedures/feed_item.html"

    def link(self):
        return reverse("procedures:amendments")

    def items(self):
        entries = [
            (_dated(release), release)
            for release in selectors.releases_in_effect() + selectors.scheduled_releases()
        ]
        entries += [
            (_dated(version), version) for version in selectors.amendments_outside_releases()
        ]
        entries.sort(key=lambda entry: (entry[0], _effective(entry[1])), reverse=True)
        return [item for _, item in entries[:50]]

    def item_title(self, item):
        when = item.effective_date
        verb = "takes effect" if when > selectors.today() else "effective"
        if isinstance(item, Release):
            return f"{item.name} ({verb} {when.day} {when:%B %Y})"
        change = item.get_change_display().lower()
        return f"{item.chapter_number} {item.title}: {change} ({verb} {when.day} {when:%B %Y})"

    def item_link(self, item):
        if isinstance(item, Release):
            return item.get_absolute_url()
        return item.get_diff_url() or item.get_absolute_url()

    def item_guid(self, item):
        kind = "release" if isinstance(item, Release) else "version"
        return f"tag:procedures-portal,2024:{kind}:{item.pk}"

    def item_pubdate(self, item):
        return _dated(item)

    def item_updateddate(self, item):
        return _dated(item)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = kwargs["item"]
        context["today"] = selectors.today()
        if isinstance(item, Release):
            context["groups"] = _grouped(list(item.versions.all()))
        return context


def _effective(item):
    return item.effective_date


def _dated(item):
    """When a feed entry was published: the publishing moment, except for history loaded from
    files (published by nobody), which took effect on its effective date, not on the day the
    manual was loaded."""
    if item.published_by_id is not None:
        return item.published_at
    start = datetime.datetime.combine(item.effective_date, datetime.time())
    return min(item.published_at, timezone.make_aware(start))


# --- point in time --------------------------------------------------------------------------


def as_of(request):
    """The "view the manual on a date" form: ?date=YYYY-MM-DD redirects to the dated view."""
    raw = request.GET.get("date", "").strip()
    if not raw:
        return render(request, "procedures/as_of_form.html", {})
    day = _parse_day(raw)
    if day is None:
        return render(
            request,
            "procedures/as_of_form.html",
            {"error": "Enter a real date as YYYY-MM-DD, for example 2024-06-21.", "value": raw},
            status=400,
        )
    return redirect("procedures:as_of_contents", day=day.isoformat())


def as_of_contents(request, day):
    on = _day_or_400(request, day)
    if not isinstance(on, datetime.date):
        return on
    context = _contents_context(on)
    context["as_of"] = on
    context["as_of_future"] = on > selectors.today()
    return render(request, "procedures/contents.html", context)


@by_chapter
def as_of_chapter(request, day, chapter):
    on = _day_or_400(request, day)
    if not isinstance(on, datetime.date):
        return on
    shown = selectors.current_version(chapter, on=on)
    if shown is None:
        raise Http404("This chapter had not taken effect on that date.")
    return render_version_page(request, shown, current=selectors.current_version(chapter), as_of=on)


def _parse_day(raw):
    if not DAY.match(raw):
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return None


def _day_or_400(request, raw):
    """The day in the address, or a page explaining how to write one (status 400)."""
    day = _parse_day(raw)
    if day is None:
        return render(
            request,
            "procedures/as_of_form.html",
            {
                "error": f"'{raw[:40]}' is not a date: write it as YYYY-MM-DD, "
                "for example 2024-06-21.",
                "value": raw[:40],
            },
            status=400,
        )
    return day


# --- printouts ------------------------------------------------------------------------------


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
    return render(
        request,
        "procedures/printout.html",
        {
            "review_overdue_since": overdue,
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
    facts = {
        "title": f"{shown.chapter_number} {shown.title}",
        "version": f"Version {shown.number}, effective {_day(shown.effective_date)}",
        "status": _print_status(shown, current),
        "printed_on": printed_on(timezone.localtime()),
        "check_url": request.build_absolute_uri(shown.get_check_url()),
        "origin": request.build_absolute_uri("/").rstrip("/"),
    }
    css = render_to_string(
        "procedures/print_margins.css", {key: css_string(value) for key, value in facts.items()}
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The printed-on time is the moment of the request (print-margins.js renews it on printing).
    response["Cache-Control"] = "no-store"
    return response


def _print_status(shown, current):
    if current is not None and current.pk == shown.pk:
        return ""
    if shown.effective_date > selectors.today():
        return "Not in effect yet"
    return "Superseded: do not act on it"


def _day(value):
    return f"{value.day} {value:%B %Y}"


def css_string(value: str) -> str:
    """A quoted CSS string holding `value` as plain text, whatever characters it has."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\' or ord(char) < 32 or ord(char) == 127 else char
        for char in value
    )
    return f'"{escaped}"'


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
        "new_since": on - NEW_FOR,
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
        "check_url": request.build_absolute_uri(shown.get_check_url()),
    }
    context.update(local_context)
    context.update(extra or {})
    return render(request, "procedures/chapter.html", context)


def printed_on(day):
    """'Friday 21 June 2024': the day only, so the page is the same all day and can be cached;
    static/js/print-time.js adds the reader's time of day when the page is shown and printed."""
    return f"{day:%A} {day.day} {day:%B %Y}"
