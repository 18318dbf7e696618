"""Store a validated manual's chapters in the database, all or nothing.

Each stored version is identified by chapter, number and the hash of its source, so loading
the same tree twice changes nothing. A stored version is never altered or deleted; a file
that disagrees with one is an error, and versions published in the admin are never displaced.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone

from procedures.caching import bump_on_commit
from procedures.content import ContentError, ContentInvalid, Manual
from procedures.models import (
    Chapter,
    ChapterSlug,
    ChapterVersion,
    Part,
    Reconstruction,
    Release,
)
from procedures.records import VersionRecord
from procedures.versions import store_version


@dataclass
class LoadReport:
    added: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)
    parts_added: list[int] = field(default_factory=list)
    releases_added: list[str] = field(default_factory=list)
    reconstructed_marked: list[tuple[str, int]] = field(default_factory=list)  # (slug, number)

    @property
    def changed_anything(self):
        return bool(
            self.added or self.parts_added or self.releases_added or self.reconstructed_marked
        )

    def by_chapter(self):
        chapters = {}
        for slug, number in self.added:
            chapters.setdefault(slug, {"added": [], "unchanged": []})["added"].append(number)
        for slug, number in self.unchanged:
            chapters.setdefault(slug, {"added": [], "unchanged": []})["unchanged"].append(number)
        return dict(sorted(chapters.items()))


def load_manual(
    manual: Manual, *, progress: Callable[[int, int], None] | None = None
) -> LoadReport:
    """Store every chapter version of `manual` that is not stored yet, in one transaction
    (`manual.loading.load_manual` stores the whole tree)."""
    report = LoadReport()
    errors = []
    with transaction.atomic():
        load_chapters(manual, report=report, errors=errors, progress=progress)
        if errors:
            raise ContentInvalid(errors)
    return report


def load_chapters(manual: Manual, *, report: LoadReport, errors: list, progress=None):
    """Store `manual`'s parts, releases and chapter versions inside the caller's transaction.
    Raises ContentInvalid before storing any version when the files disagree with what is
    stored; adds later problems to `errors` (the caller rolls back)."""
    parts = _sync_parts(manual, report, errors)
    releases = _sync_releases(manual, report, errors)
    chapters = manual.chapters()
    stored = _stored_versions(chapters)
    aliases = {
        alias.slug: alias
        for alias in ChapterSlug.objects.select_related("chapter").filter(slug__in=chapters)
    }
    chapter_ids = {}
    pending = []  # links and related chapters need every chapter to exist first
    for index, (slug, versions) in enumerate(chapters.items(), start=1):
        chapter = _chapter_for(slug, aliases.get(slug), errors, versions[0])
        if chapter is None:
            continue
        chapter_ids[slug] = chapter
        existing = stored.get(chapter.pk, {})
        for record in versions:
            known = existing.get(record.number)
            if known is None:
                pending.append((chapter, record))
            elif known.source_hash == record.source_hash or _same_version(record, known):
                report.unchanged.append((slug, record.number))
            else:
                errors.append(_changed_version_error(record, known))
        if progress:
            progress(index, len(chapters))
    _sync_former_slugs(manual, chapter_ids, errors)
    if errors:
        raise ContentInvalid(errors)
    # Files and database both count versions 1, 2, 3 without gaps, so what is pending
    # is exactly the run of versions after the latest stored one.
    for chapter, record in pending:
        version = store_version(
            chapter=chapter,
            record=record,
            rendered=record.rendered,
            part=parts[record.part],
            release=releases.get(record.release),
            chapters_by_slug=chapter_ids,
            published_at=timezone.now(),
            published_by=None,
        ).version
        stored.setdefault(chapter.pk, {})[version.number] = version
        report.added.append((record.slug, record.number))
    report.reconstructed_marked = _mark_reconstructed(manual, chapter_ids, stored)
    if report.changed_anything:
        # Cached pages go stale once this commits. A load with nothing to do writes nothing,
        # so a deployment that loads every few minutes keeps its cache (and its PDFs).
        bump_on_commit()


def _sync_parts(manual, report, errors):
    """New parts are added; a stored part's title is never changed by loading, because every
    version of its chapters, past ones included, shows it (content/README.md says how to
    rename a part)."""
    parts = {}
    for record in manual.parts:
        part, created = Part.objects.get_or_create(
            number=record.number, defaults={"title": record.title}
        )
        if created:
            report.parts_added.append(record.number)
        elif part.title != record.title:
            errors.append(
                ContentError(
                    "manual.yaml",
                    0,
                    f"part {record.number} is called '{part.title}', not '{record.title}': "
                    "loading never renames a part, because every version of its chapters, past "
                    "ones included, shows its title. Put the title back; to rename the part, see "
                    "'Renaming a part' in the content folder's README.md",
                    "part_title_changed",
                )
            )
        parts[record.number] = part
    parts.update({p.number: p for p in Part.objects.exclude(number__in=parts)})
    return parts


def _sync_releases(manual, report, errors):
    """New releases are added; a stored release (published: its date and words were sent to
    subscribers) never changes."""
    releases = {}
    for record in manual.releases:
        release, created = Release.objects.get_or_create(
            name=record.name,
            defaults={
                "effective_date": record.effective_date,
                "introduction": record.introduction,
                "published_at": timezone.now(),
            },
        )
        if created:
            report.releases_added.append(record.name)
        else:
            differs = [
                what
                for what, stored, in_file in (
                    ("date", release.effective_date, record.effective_date),
                    ("introduction", release.introduction, record.introduction),
                )
                if stored != in_file
            ]
            if differs:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        0,
                        f"release '{record.name}' is stored with another "
                        f"{' and '.join(differs)} (date {release.effective_date.isoformat()}): "
                        "a release never changes once stored; put the stored values back, or "
                        "list the change as a new release",
                        "release_changed",
                    )
                )
        releases[record.name] = release
    return releases


def _stored_versions(chapters):
    stored = {}
    versions = ChapterVersion.objects.filter(chapter__slug__in=list(chapters)).only(
        "id", "chapter_id", "number", "source_hash", "source_file"
    )
    for version in versions:
        stored.setdefault(version.chapter_id, {})[version.number] = version
    return stored


def _chapter_for(slug, alias, errors, first_record: VersionRecord):
    if alias is not None:
        if alias.chapter.slug != slug:
            errors.append(
                ContentError(
                    first_record.path,
                    first_record.line_of("slug"),
                    f"slug '{slug}' belonged to a chapter now called '{alias.chapter.slug}'; "
                    "slugs are never reused: choose a new one",
                    "slug_taken",
                )
            )
            return None
        return alias.chapter
    chapter = Chapter.objects.create(slug=slug)
    ChapterSlug.objects.create(slug=slug, chapter=chapter)
    return chapter


def _mark_reconstructed(manual, chapters, stored):
    """Versions manual.yaml lists as reconstructed get their mark (never taken off: it says
    where a version came from)."""
    marked = []
    for slug, numbers in manual.reconstructed.items():
        chapter = chapters.get(slug)
        for number in numbers:
            version = stored.get(chapter.pk, {}).get(number) if chapter else None
            if version is None:
                continue
            _, created = Reconstruction.objects.get_or_create(version=version)
            if created:
                marked.append((slug, number))
    return marked


def _mark_reconstructed(manual, chapters, stored):
    """Versions manual.yaml lists as reconstructed get their mark (never taken off: it says
    where a version came from)."""
    marked = []
    for slug, numbers in manual.reconstructed.items():
        chapter = chapters.get(slug)
        for number in numbers:
            version = stored.get(chapter.pk, {}).get(number) if chapter else None
            if version is None:
                continue
            _, created = Reconstruction.objects.get_or_create(version=version)
            if created:
                marked.append((slug, number))
    return marked


def _sync_former_slugs(manual, chapters, errors):
    """Slugs a chapter had before a rename (exported from the admin) keep redirecting to it."""
    for current, olds in manual.former_slugs.items():
        chapter = chapters.get(current)
        if chapter is None:
            continue
        for old in olds:
            alias = ChapterSlug.objects.select_related("chapter").filter(slug=old).first()
            if alias is None:
                ChapterSlug.objects.create(slug=old, chapter=chapter)
            elif alias.chapter_id != chapter.pk:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        1,
                        f"'{old}' is listed as a former slug of '{current}' but is the address "
                        f"of the chapter '{alias.chapter.slug}'; rename chapters in the admin",
                        "former_slug_in_use",
                    )
                )


def _same_version(record, stored):
    """Whether a file says what a stored version says, though its hash differs: the hash
    covers slugs as written, and a chapter renamed since (or related chapters listed in
    another order) changes the words but not the version."""
    version = (
        ChapterVersion.objects.select_related("chapter", "part", "replaced_by", "release")
        .prefetch_related("related")
        .get(pk=stored.pk)
    )

    def current_slug(slug):
        alias = ChapterSlug.objects.select_related("chapter").filter(slug=slug).first()
        return alias.chapter.slug if alias else slug

    in_file = replace(
        record,
        slug=current_slug(record.slug),
        related=tuple(sorted(current_slug(s) for s in record.related)),
        replaced_by=current_slug(record.replaced_by) if record.replaced_by else "",
        release="",
        path="",
    )
    stored_record = replace(VersionRecord.from_version(version), release="", path="")
    return in_file.source_hash == stored_record.source_hash


def _changed_version_error(record, stored):
    where = (
        "published in the admin" if not stored.source_file else f"loaded from {stored.source_file}"
    )
    return ContentError(
        record.path,
        1,
        f"version {record.number} of '{record.slug}' is already stored ({where}) with "
        "different text; stored versions never change: put the change in a new version "
        f"(v{record.number + 1}.md or later), or export the content first if the admin has "
        "newer versions",
        "stored_version_changed",
    )
