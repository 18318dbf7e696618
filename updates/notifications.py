"""Emailing the confirmed subscribers who follow a published release's chapters.

Each gets one email listing only the changes they follow (plus a line that other chapters
changed too, with a link to the release), sent at most once through sending.send_once.
"""

import logging

from django.urls import NoReverseMatch, Resolver404, resolve

from procedures import routes
from procedures.models import ChapterVersion, Release
from updates import conf
from updates.choices import Choice, following_release
from updates.emails import absolute_url, build_message
from updates.sending import NotifyResult, send_once

logger = logging.getLogger(__name__)

# The order practitioners read them in; minor corrections are never listed.
GROUPS = [
    (ChapterVersion.Change.NEW, "New chapters"),
    (ChapterVersion.Change.UPDATED, "Updated chapters"),
    (ChapterVersion.Change.WITHDRAWN, "Withdrawn chapters"),
]


def notify_release(release: Release) -> NotifyResult:
    """Send each confirmed subscriber who follows a chapter in the release one email listing
    the new, updated and withdrawn chapters they follow. Sends nothing for an unpublished
    release or one with only minor corrections."""
    if release.published_at is None:
        return NotifyResult(reason=f"release {release.name!r} is not published")
    versions = listed_versions(release)
    if not versions:
        return NotifyResult(reason=f"release {release.name!r} has only minor corrections")

    items = [(version, _item(version)) for version in versions]
    release_url = _release_url(release)
    subject = f"{release.name}: amendments to the {conf.portal_name()}"

    def build(subscriber, connection):
        choice = Choice.of(subscriber)
        followed = [(version, item) for version, item in items if choice.covers(version)]
        if not followed:
            return None
        return build_message(
            subscriber=subscriber,
            subject=subject,
            template="release",
            context={
                "release": release,
                "groups": _grouped(followed),
                "others_changed": len(versions) - len(followed),
                "release_url": release_url,
            },
            connection=connection,
        )

    result = send_once(
        about={"release": release}, subscribers=following_release(versions), build=build
    )
    logger.info("Release %s emails: %s", release.pk, result)
    return result


def listed_versions(release: Release) -> list[ChapterVersion]:
    """The release's versions worth an email (minor corrections never are), in reading order."""
    return list(
        release.versions.exclude(change=ChapterVersion.Change.MINOR)
        .select_related("chapter", "replaced_by")
        .order_by("number_key", "chapter__slug")
    )


def _grouped(followed) -> list[dict]:
    """(version, item) pairs grouped as GROUPS, in the order given."""
    by_change = {change: [] for change, _ in GROUPS}
    for version, item in followed:
        if version.change in by_change:
            by_change[version.change].append(item)
    return [
        {"heading": heading, "items": by_change[change]}
        for change, heading in GROUPS
        if by_change[change]
    ]


def _item(version: ChapterVersion) -> dict:
    return {
        "number": version.chapter_number,
        "title": version.title,
        "summary": version.summary,
        # A change of whom to call or where to report is spelt out, whatever the summary says.
        "routes_changed": _routes_changed(version),
        "url": absolute_url(version.chapter.get_absolute_url()),
        "withdrawn": version.is_withdrawn,
        "diff_url": _diff_url(version),
        "replaced_by_url": (
            absolute_url(version.replaced_by.get_absolute_url()) if version.replaced_by else ""
        ),
    }


def _routes_changed(version: ChapterVersion) -> str:
    previous = (
        ChapterVersion.objects.filter(chapter_id=version.chapter_id, number=version.number - 1)
        .only("routes")
        .first()
    )
    words = routes.changes(previous.routes if previous else [], version.routes)
    if not words:
        return ""
    sentence = "; ".join(words)
    return sentence[0].upper() + sentence[1:] + "."


def _diff_url(version: ChapterVersion) -> str:
    """Link to what changed from the previous version, when the portal has such a page:
    ChapterVersion.get_diff_url() if the model provides it, else the documented
    /chapters/<slug>/versions/<a>...<b>/ if that path resolves."""
    if version.change != ChapterVersion.Change.UPDATED or version.number < 2:
        return ""
    path = _path_from(version, "get_diff_url")
    if path is None:
        path = f"/chapters/{version.chapter.slug}/versions/{version.number - 1}...{version.number}/"
    return absolute_url(path) if path and _resolves(path) else ""


def _release_url(release: Release) -> str:
    """The release's own page if there is one, else the list of all amendments."""
    for path in [_path_from(release, "get_absolute_url"), "/amendments/"]:
        if path and _resolves(path):
            return absolute_url(path)
    return ""


def _path_from(obj, method: str):
    """obj.method() if the model has that method and its URL is mounted, else None."""
    getter = getattr(obj, method, None)
    if not callable(getter):
        return None
    try:
        return getter()
    except NoReverseMatch:
        return None


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
