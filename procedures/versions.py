"""Write one new version of a chapter: the single place the loader and the publisher share.

The versioning kit stores it (`procedures.versioning.storing.store_next`: the number follows,
the previous interval closes at the new effective date); this adds what a chapter has beside
its columns: the rendered HTML, sections and cross-links, and it tells listeners (search's
index) in the same transaction.
"""

from django.db import transaction

from procedures.caching import bump_on_commit
from procedures.models import Chapter, ChapterSlug, ChapterVersion, Link, Section
from procedures.records import VersionRecord
from procedures.rendering import Rendered
from procedures.signals import version_stored
from procedures.versioning.storing import Stored, VersionConflict, store_next

__all__ = ["VersionConflict", "store_version"]


def store_version(
    *,
    chapter: Chapter,
    record: VersionRecord,
    rendered: Rendered,
    part,
    release=None,
    chapters_by_slug=None,
    published_at,
    published_by=None,
    ahead_of_schedule=False,
) -> Stored:
    """Store `record` as `chapter`'s next version (`.version` of the result). With
    `ahead_of_schedule` (an urgent correction), it may take effect before versions already
    scheduled, which are moved out of the way (`.moved`), for the publisher to carry
    forward."""
    chapters_by_slug = chapters_by_slug or {}
    with transaction.atomic():
        # The chapter row is the lock: concurrent writers of one chapter queue up.
        Chapter.objects.select_for_update().filter(pk=chapter.pk).first()
        bump_on_commit()  # cached pages go stale once this commits
        try:
            stored = store_next(
                ChapterVersion,
                scope={"chapter": chapter},
                values={
                    **record.stored_fields(),
                    "part": part,
                    "replaced_by": _resolve(record.replaced_by, chapters_by_slug),
                    "html": rendered.html,
                    "release": release,
                    "published_at": published_at,
                    "published_by": published_by,
                },
                ahead_of_schedule=ahead_of_schedule,
            )
        except VersionConflict as conflict:
            raise VersionConflict(f"'{chapter.slug}': {conflict}") from None
        version = stored.version
        Section.objects.bulk_create(
            Section(
                version=version,
                position=section.position,
                anchor=section.anchor,
                title=section.title[:500],
                level=section.level,
                text=section.text,
            )
            for section in rendered.sections
        )
        links = {
            (target.pk, link.anchor): Link(version=version, target=target, anchor=link.anchor)
            for link in rendered.links
            if (target := _resolve(link.slug, chapters_by_slug)) is not None
        }
        Link.objects.bulk_create(links.values())
        related = [_resolve(slug, chapters_by_slug) for slug in record.related]
        version.related.set([chapter for chapter in related if chapter is not None])
        version_stored.send(sender=ChapterVersion, version=version)
    return stored


def _resolve(slug, chapters_by_slug):
    if not slug:
        return None
    if slug in chapters_by_slug:
        return chapters_by_slug[slug]
    alias = ChapterSlug.objects.select_related("chapter").filter(slug=slug).first()
    return alias.chapter if alias else None
