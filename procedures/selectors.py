"""The read side: every question a page asks of the manual, answered in one place.

"Current" always means the version whose validity interval holds the given day (today by
default), so scheduled versions and the point-in-time view need no other rule.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from procedures.models import (
    Chapter,
    ChapterSlug,
    ChapterVersion,
    Link,
    Part,
    Release,
    Section,
    today,
    valid_on,
)
from procedures.rendering import LinkTarget

# What lists of a chapter's versions show (number, dates, change, summary, addresses).
LISTED_VERSION_FIELDS = (
    "id", "chapter_id", "number", "chapter_number", "title", "effective_date", "valid_until",
    "change", "summary",
)  # fmt: skip


def current_versions(on: datetime.date | None = None) -> QuerySet[ChapterVersion]:
    return (
        ChapterVersion.objects.valid_on(on or today())
        .select_related("chapter", "part", "reconstruction")
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
        ChapterVersion.objects.valid_on(on or today())
        .filter(chapter=chapter)
        .select_related("chapter", "part", "replaced_by", "reconstruction")
        .first()
    )


def version(chapter: Chapter, number: int) -> ChapterVersion | None:
    return (
        ChapterVersion.objects.filter(chapter=chapter, number=number)
        .select_related("chapter", "part", "replaced_by", "reconstruction")
        .first()
    )


def history(chapter: Chapter, on: datetime.date | None = None) -> list[ChapterVersion]:
    """Versions that have taken effect by the day, newest first (scheduled ones are not yet)."""
    return list(
        ChapterVersion.objects.filter(chapter=chapter, effective_date__lte=on or today())
        .select_related("chapter", "release")
        .defer("source", "html")
        .order_by("-number")
    )


def history_and_upcoming(chapter: Chapter, on: datetime.date | None = None):
    """`history` and `upcoming` together, from one query: (in effect by the day, newest
    first; scheduled after it, soonest first)."""
    day = on or today()
    versions = list(
        ChapterVersion.objects.filter(chapter=chapter)
        .only(*LISTED_VERSION_FIELDS)
        .order_by("-number")
    )
    for version in versions:
        version.chapter = chapter  # for its addresses, without a join or a second instance
    in_effect = [v for v in versions if v.effective_date <= day]
    scheduled = [v for v in reversed(versions) if v.effective_date > day]
    return in_effect, scheduled


def sections(version: ChapterVersion) -> list[dict]:
    """The version's headings (anchor, title, level) for its contents list."""
    return list(version.sections.exclude(anchor="").values("anchor", "title", "level"))


def linking_here(chapter: Chapter, on: datetime.date | None = None):
    """Chapters whose current text links to this one."""
    sources = (
        Link.objects.filter(valid_on(on or today(), "version__"), target=chapter)
        .exclude(version__chapter=chapter)
        .values("version_id")
    )
    return list(ChapterVersion.objects.filter(pk__in=sources).for_listing().order_by("number_key"))


def related_and_linking_here(version: ChapterVersion, on: datetime.date | None = None):
    """`related_chapters` and `linking_here` together, from one query."""
    day = on or today()
    related = version.related.through.objects.filter(
        chapterversion_id=version.pk, chapter_id=OuterRef("chapter_id")
    )
    linking = Link.objects.filter(version_id=OuterRef("pk"), target_id=version.chapter_id)
    rows = (
        ChapterVersion.objects.valid_on(day)
        .annotate(is_related=Exists(related), links_here=Exists(linking))
        .filter(Q(is_related=True) | Q(links_here=True))
        .order_by("number_key")
        .values_list(
            "chapter_id", "chapter__slug", "chapter_number", "title", "is_related", "links_here"
        )
    )
    related_chapters, linking = [], []
    for chapter_id, slug, number, title, is_related, links_here in rows:
        listed = ListedChapter(chapter=ChapterAddress(slug), chapter_number=number, title=title)
        if is_related:
            related_chapters.append(listed)
        if links_here and chapter_id != version.chapter_id:
            linking.append(listed)
    return related_chapters, linking


@dataclass(frozen=True, slots=True)
class ChapterAddress:
    slug: str


@dataclass(frozen=True, slots=True)
class ListedChapter:
    """A chapter in a list of links (related, linking here): what the list shows, read as
    values rather than as model instances."""

    chapter: ChapterAddress
    chapter_number: str
    title: str


def stored_hashes() -> dict[tuple[str, int], str]:
    """(chapter slug, version number) -> source hash of every stored version: what the loader
    compares a content tree with before rendering anything."""
    versions = ChapterVersion.objects.values_list("chapter__slug", "number", "source_hash")
    return {(slug, number): digest for slug, number, digest in versions}


def link_targets(slugs=None) -> dict[str, LinkTarget]:
    """What cross-links may point at: each chapter's latest version, with its anchors, under
    its current slug and every former one. With `slugs`, only the chapters those name (a slug
    that names no chapter is simply absent), so checking one draft reads a few rows, not the
    whole manual."""
    aliases = ChapterSlug.objects.all()
    if slugs is not None:
        aliases = aliases.filter(chapter__slugs__slug__in=set(slugs)).distinct()
    chapter_of = dict(aliases.values_list("slug", "chapter_id"))
    latest = (
        ChapterVersion.objects.newest()
        .filter(chapter_id__in=set(chapter_of.values()))
        .select_related("chapter")
        .only("id", "title", "chapter__slug")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.exclude(anchor="").only("version_id", "anchor"),
            )
        )
    )
    by_chapter = {
        v.chapter_id: LinkTarget(
            slug=v.chapter.slug,
            title=v.title,
            anchors=frozenset(s.anchor for s in v.sections.all()),
        )
        for v in latest
    }
    # A renamed chapter's former slugs still lead to it (permanent redirects).
    return {
        slug: by_chapter[chapter_id]
        for slug, chapter_id in chapter_of.items()
        if chapter_id in by_chapter
    }


# --- amendments, releases and comparisons ---------------------------------------------------


def published_releases():
    return Release.objects.filter(published_at__isnull=False)


def latest_release(on: datetime.date | None = None) -> Release | None:
    """The newest published release that has taken effect by the day."""
    return (
        published_releases()
        .filter(effective_date__lte=on or today())
        .order_by("-effective_date", "-id")
        .first()
    )


def release_flags(on: datetime.date | None = None) -> dict[int, str]:
    """Chapter id -> "new" or "updated", for chapters changed in the latest release."""
    release = latest_release(on)
    if release is None:
        return {}
    changes = release.versions.filter(
        change__in=[ChapterVersion.Change.NEW, ChapterVersion.Change.UPDATED]
    ).values_list("chapter_id", "change")
    return dict(changes)


def release_versions(release: Release) -> list[ChapterVersion]:
    return list(
        release.versions.select_related("chapter", "part", "replaced_by")
        .defer("source", "html")
        .order_by("number_key", "chapter__slug")
    )


def releases_in_effect(on: datetime.date | None = None) -> list[Release]:
    """Published releases that have taken effect, newest first, with their versions."""
    return list(
        published_releases()
        .filter(effective_date__lte=on or today())
        .order_by("-effective_date", "-id")
        .prefetch_related(_release_versions_prefetch())
    )


def scheduled_releases(on: datetime.date | None = None) -> list[Release]:
    """Published releases whose effective date is still to come, soonest first."""
    return list(
        published_releases()
        .filter(effective_date__gt=on or today())
        .order_by("effective_date", "id")
        .prefetch_related(_release_versions_prefetch())
    )


def _release_versions_prefetch():
    return Prefetch(
        "versions",
        queryset=ChapterVersion.objects.select_related("chapter", "replaced_by")
        .defer("source", "html")
        .order_by("number_key", "chapter__slug"),
    )


def amendments_outside_releases(on: datetime.date | None = None) -> list[ChapterVersion]:
    """Versions loaded or published without a release (minor corrections aside) that have
    taken effect, newest first."""
    return list(
        ChapterVersion.objects.filter(release__isnull=True)
        .in_effect_by(on)
        .exclude(change=ChapterVersion.Change.MINOR)
        .select_related("chapter", "replaced_by")
        .defer("source", "html")
        .order_by("-effective_date", "number_key")
    )


def coming_outside_releases(on: datetime.date | None = None) -> list[ChapterVersion]:
    """Versions published without a release that are still to take effect, soonest first:
    practitioners are told of them before they apply."""
    return list(
        ChapterVersion.objects.filter(release__isnull=True)
        .scheduled(after=on)
        .exclude(change=ChapterVersion.Change.MINOR)
        .select_related("chapter", "replaced_by")
        .defer("source", "html")
        .order_by("effective_date", "number_key")
    )


def versions_after(version: ChapterVersion) -> list[ChapterVersion]:
    """Every later version of the version's chapter, oldest first (scheduled ones included)."""
    return list(
        ChapterVersion.objects.filter(chapter_id=version.chapter_id, number__gt=version.number)
        .select_related("chapter", "release")
        .defer("source", "html")
        .order_by("number")
    )


def versions_between(chapter: Chapter, first: int, last: int) -> list[ChapterVersion]:
    """Versions first..last of a chapter (inclusive), oldest first."""
    return list(
        ChapterVersion.objects.filter(chapter=chapter, number__gte=first, number__lte=last)
        .select_related("chapter", "part", "replaced_by", "release")
        .prefetch_related("related")
        .order_by("number")
    )


def current_of(chapters, on: datetime.date | None = None) -> list[ChapterVersion]:
    """The given chapters' versions current on the day, in chapter-number order."""
    return list(
        ChapterVersion.objects.valid_on(on or today())
        .filter(chapter__in=chapters)
        .for_listing()
        .order_by("number_key")
    )


def latest_version(chapter: Chapter) -> ChapterVersion | None:
    """The chapter's newest version, in effect or scheduled: what a new draft starts from."""
    return (
        ChapterVersion.objects.newest()
        .filter(chapter=chapter)
        .select_related("chapter", "part", "replaced_by", "published_by")
        .first()
    )
