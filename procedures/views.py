"""Thin views: ask the selectors, hand the answer to a template. Views never write."""

import datetime
import re
from functools import wraps

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from procedures import selectors
from procedures.caching import cached_page
from procedures.models import ChapterVersion, Release
from procedures.records import diff_versions

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NEW_FOR = datetime.timedelta(days=90)
CHANGE_GROUPS = [
    (ChapterVersion.Change.NEW, "New chapters"),
    (ChapterVersion.Change.UPDATED, "Updated chapters"),
    (ChapterVersion.Change.WITHDRAWN, "Withdrawn chapters"),
    (ChapterVersion.Change.MINOR, "Minor corrections"),
]


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
    return render(request, "procedures/amendments.html", amendments_context())


def amendments_context():
    """Releases and amendments in effect, newest first, and those still to take effect."""
    return {
        "releases": [
            (release, _grouped(release.versions.all()))
            for release in selectors.releases_in_effect()
        ],
        "scheduled": [
            (release, _grouped(release.versions.all()))
            for release in selectors.scheduled_releases()
        ],
        "outside_releases": _by_date(selectors.amendments_outside_releases()),
        "coming_outside_releases": _by_date(selectors.coming_outside_releases()),
    }


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
            (_dated(version), version)
            for version in selectors.amendments_outside_releases()
            + selectors.coming_outside_releases()
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
    """When a feed entry was published: the publishing moment, except for versions loaded
    from files (published by nobody), dated by when they take effect, not by the day the
    manual was loaded (a coming one is dated by its future day)."""
    if item.published_by_id is not None:
        return item.published_at
    return timezone.make_aware(datetime.datetime.combine(item.effective_date, datetime.time()))


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


def _parse_day(raw):
    if not DAY.match(raw):
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return None


def day_or_400(request, raw):
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


def day(value):
    return f"{value.day} {value:%B %Y}"


def css_string(value: str) -> str:
    """A quoted CSS string holding `value` as plain text, whatever characters it has."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\' or ord(char) < 32 or ord(char) == 127 else char
        for char in value
    )
    return f'"{escaped}"'


def printed_on(day):
    """'Friday 21 June 2024': the day only, so the page is the same all day and can be cached;
    static/js/print-time.js adds the reader's time of day when the page is shown and printed."""
    return f"{day:%A} {day.day} {day:%B %Y}"
