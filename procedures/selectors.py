"""The read side: every question a page asks of the manual, answered in one place.

"Current" always means the version whose validity interval holds the given day (today by
default), so scheduled versions and the point-in-time view need no other rule.
"""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from procedures.models import Chapter, ChapterSlug, ChapterVersion, Link, Part, Section
from procedures.rendering import LinkTarget


def today() -> datetime.date:
    return timezone.localdate()


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """Q for versions whose interval holds `day`; `prefix` reaches a version through a relation."""
    return Q(**{f"{prefix}effective_date__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": day})
    )


def current_versions(on: datetime.date | None = None) -> QuerySet[ChapterVersion]:
    return (
        ChapterVersion.objects.filter(valid_on(on or today()))
        .select_related("chapter", "part")
        .order_by("part__number", "number_key")
    )


def contents(on: datetime.date | None = None):
    """Parts in order, each with its chapters' versions current on the day."""
    versions = list(current_versions(on).defer("source", "html"))
    parts = {part.number: (part, []) for part in Part.objects.all()}
    for version in versions:
        parts.setdefault(version.part.number, (version.part, []))[1].append(version)
    return [(part, chapters) for part, chapters in parts.values() if chapters]


def find_chapter(slug: str) -> tuple[Chapter | None, bool]:
    """The chapter a slug names, and whether the slug is an old one (so the caller redirects)."""
    alias = ChapterSlug.objects.select_related("chapter").filter(slug=slug).first()
    if alias is None:
        return None, False
    return alias.chapter, alias.chapter.slug != slug


def current_version(chapter: Chapter, on: datetime.date | None = None) -> ChapterVersion | None:
    return (
        ChapterVersion.objects.filter(valid_on(on or today()), chapter=chapter)
        .select_related("chapter", "part", "replaced_by")
        .first()
    )


def version(chapter: Chapter, number: int) -> ChapterVersion | None:
    return (
        ChapterVersion.objects.filter(chapter=chapter, number=number)
        .select_related("chapter", "part", "replaced_by")
        .first()
    )


def history(chapter: Chapter, on: datetime.date | None = None) -> list[ChapterVersion]:
    """Versions that have taken effect by the day, newest first (scheduled ones are not yet)."""
    return list(
        ChapterVersion.objects.filter(chapter=chapter, effective_date__lte=on or today())
        .select_related("release")
        .defer("source", "html")
        .order_by("-number")
    )


def upcoming(chapter: Chapter, on: datetime.date | None = None) -> list[ChapterVersion]:
    return list(
        ChapterVersion.objects.filter(chapter=chapter, effective_date__gt=on or today())
        .defer("source", "html")
        .order_by("number")
    )


def sections(version: ChapterVersion) -> list[Section]:
    return list(version.sections.exclude(anchor="").only("anchor", "title", "level"))


def related_chapters(version: ChapterVersion, on: datetime.date | None = None):
    """The version's related chapters as they currently stand (number and title may change)."""
    return _current_of(version.related.all(), on)


def linking_here(chapter: Chapter, on: datetime.date | None = None):
    """Chapters whose current text links to this one."""
    sources = (
        Link.objects.filter(valid_on(on or today(), "version__"), target=chapter)
        .exclude(version__chapter=chapter)
        .values("version_id")
    )
    return list(
        ChapterVersion.objects.filter(pk__in=sources)
        .select_related("chapter")
        .defer("source", "html")
        .order_by("number_key")
    )


def _current_of(chapters, on):
    return list(
        ChapterVersion.objects.filter(valid_on(on or today()), chapter__in=chapters)
        .select_related("chapter")
        .defer("source", "html")
        .order_by("number_key")
    )


def link_targets() -> dict[str, LinkTarget]:
    """What cross-links may point at: each chapter's latest version, with its anchors."""
    latest = ChapterVersion.objects.filter(valid_until__isnull=True).select_related("chapter")
    latest = latest.only("id", "title", "chapter__slug").prefetch_related(
        Prefetch(
            "sections", queryset=Section.objects.exclude(anchor="").only("version_id", "anchor")
        )
    )
    return {
        v.chapter.slug: LinkTarget(
            slug=v.chapter.slug,
            title=v.title,
            anchors=frozenset(s.anchor for s in v.sections.all()),
        )
        for v in latest
    }
