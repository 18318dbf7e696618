"""Write one new version of a chapter: the single place the loader and the publisher share.

It closes the previous version's validity interval at the new effective date, stores the
rendered HTML, sections and cross-links, and tells listeners (search's index) in the same
transaction.
"""

from django.db import transaction

from procedures.caching import bump_on_commit
from procedures.models import Chapter, ChapterSlug, ChapterVersion, Link, Section
from procedures.records import VersionRecord
from procedures.rendering import Rendered
from procedures.signals import version_stored


class VersionConflict(Exception):
    """The chapter moved on: another version was stored since the caller looked."""


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
) -> ChapterVersion:
    chapters_by_slug = chapters_by_slug or {}
    with transaction.atomic():
        # The lock makes concurrent writers of one chapter queue up; the unique constraints
        # on (chapter, number) and on the open-ended version are the last line behind it.
        Chapter.objects.select_for_update().filter(pk=chapter.pk).first()
        bump_on_commit()  # cached pages go stale once this commits
        previous = (
            ChapterVersion.objects.newest()
            .filter(chapter=chapter)
            .only("id", "number", "effective_date")
            .first()
        )
        expected_number = previous.number + 1 if previous else 1
        if record.number != expected_number:
            raise VersionConflict(
                f"'{chapter.slug}' is at version {expected_number - 1}; "
                f"version {record.number} cannot follow it"
            )
        if previous is not None:
            if record.effective_date < previous.effective_date:
                raise VersionConflict(
                    f"version {record.number} of '{chapter.slug}' cannot take effect on "
                    f"{record.effective_date}, before version {previous.number} "
                    f"({previous.effective_date})"
                )
            ChapterVersion.objects.filter(pk=previous.pk).update(valid_until=record.effective_date)
        version = ChapterVersion.objects.create(
            **record.stored_fields(),
            chapter=chapter,
            part=part,
            replaced_by=_resolve(record.replaced_by, chapters_by_slug),
            html=rendered.html,
            release=release,
            published_at=published_at,
            published_by=published_by,
        )
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
    return version


def _resolve(slug, chapters_by_slug):
    if not slug:
        return None
    if slug in chapters_by_slug:
        return chapters_by_slug[slug]
    alias = ChapterSlug.objects.select_related("chapter").filter(slug=slug).first()
    return alias.chapter if alias else None
