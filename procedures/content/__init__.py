"""Read a content tree (manual.yaml and one markdown file per chapter version) into records.

Pure: files in, records out, no database. Every problem is collected with its file and line
and raised together as ContentInvalid, so a procedures manager fixes them in one pass.
The format is documented in content/README.md.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from procedures.content.errors import ContentError, ContentInvalid
from procedures.content.layout import chapter_files
from procedures.content.manual_file import (
    PartRecord,
    ReleaseRecord,
    read_former_slugs,
    read_manual_file,
    read_reconstructed,
)
from procedures.content.tree import check_former_slugs, check_tree, check_versions
from procedures.content.version_files import read_version_file
from procedures.glossary.reading import read_glossary
from procedures.partnerships.reading import FOLDER as PARTNERSHIP_FOLDER
from procedures.partnerships.reading import read_partnership_content
from procedures.records import VersionRecord
from procedures.rendering import LinkTarget

__all__ = ["ContentError", "ContentInvalid", "Manual", "PartRecord", "ReleaseRecord", "read_manual"]


@dataclass(frozen=True)
class Manual:
    title: str
    parts: tuple[PartRecord, ...]
    versions: tuple[VersionRecord, ...]
    releases: tuple[ReleaseRecord, ...] = ()
    # current slug -> the slugs it had before (renamed in the admin; they keep redirecting)
    former_slugs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Partnership content (read by partnerships.reading): PartnershipRecord, ContactRecord and
    # LocalRecord tuples.
    partnerships: tuple = ()
    national_contacts: tuple = ()
    local_information: tuple = ()
    # Glossary entries (TermRecords, read by glossary.reading); None when there is no file.
    glossary: tuple | None = None
    # Problems reported but not refused (ContentErrors): dead ends in a chapter's history.
    notes: tuple = ()
    # slug -> version numbers rebuilt after the fact, not real history (manual.yaml).
    reconstructed: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def chapters(self):
        """Versions grouped by slug, oldest first."""
        grouped = defaultdict(list)
        for version in self.versions:
            grouped[version.slug].append(version)
        return {slug: sorted(vs, key=lambda v: v.number) for slug, vs in sorted(grouped.items())}


def read_manual(
    root: Path,
    *,
    known_targets: Mapping[str, LinkTarget] | Callable[[], Mapping] | None = None,
    stored: Mapping[tuple[str, int], str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Manual:
    """Read and validate a content tree. Raises ContentInvalid listing every problem.

    `known_targets` are chapters stored already (e.g. published in the admin) that the
    files may link to without containing them (or a function returning them, asked only when
    something needs checking). `stored` maps (slug, number) to the source hash of each
    version stored already: those are not rendered again (see content.tree.check_versions).
    """
    root = Path(root)
    errors, notes = [], []
    if not root.is_dir():
        raise ContentInvalid([ContentError(str(root), 0, "no such content folder", "no_folder")])
    max_bytes = settings.MAX_VERSION_BYTES
    files = chapter_files(root, errors)
    title, parts, releases = read_manual_file(root, errors, max_bytes=max_bytes)
    former_slugs = read_former_slugs(root, errors, max_bytes=max_bytes)
    reconstructed = read_reconstructed(root, errors, max_bytes=max_bytes)
    versions = []
    for index, path in enumerate(files, start=1):
        record = read_version_file(path, root, errors, max_bytes=max_bytes)
        if record is not None:
            versions.append(record)
        if progress:
            progress(index, len(files))
    check_tree(versions, errors)
    check_former_slugs(former_slugs, versions, errors)
    _check_reconstructed(reconstructed, versions, errors)
    versions = check_versions(
        versions, parts, releases, known_targets or {}, former_slugs, errors, stored, notes
    )
    partnerships, national, local = _read_partnerships(root, versions, known_targets, errors)
    glossary = read_glossary(
        root, chapters={v.slug for v in versions}, errors=errors, max_bytes=max_bytes
    )
    if errors:
        raise ContentInvalid(sorted(set(errors), key=lambda e: (e.path, e.line, e.message)))
    return Manual(
        title=title,
        parts=tuple(parts.values()),
        versions=tuple(sorted(versions, key=lambda v: (v.slug, v.number))),
        releases=tuple(releases.values()),
        former_slugs=former_slugs,
        partnerships=partnerships,
        national_contacts=national,
        local_information=local,
        glossary=glossary,
        notes=tuple(sorted(set(notes), key=lambda e: (e.path, e.line, e.message))),
        reconstructed=reconstructed,
    )


def _check_reconstructed(reconstructed, versions, errors):
    present = {(v.slug, v.number) for v in versions}
    for slug, numbers in reconstructed.items():
        for number in numbers:
            if (slug, number) not in present:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        1,
                        f"reconstructed names version {number} of '{slug}', which is not in "
                        f"chapters/{slug}/",
                        "unknown_reconstructed",
                    )
                )


def _read_partnerships(root, versions, known_targets, errors):
    """The partnerships, national contacts and local information, checked against the
    chapters' sections and the chapters' national routes."""
    latest = {}
    for version in sorted(versions, key=lambda v: v.number):
        latest[version.slug] = version
    chapter_anchors = {
        slug: v.rendered.anchors for slug, v in latest.items() if v.rendered is not None
    }
    if len(chapter_anchors) < len(latest) and (root / PARTNERSHIP_FOLDER).is_dir():
        # Chapters stored unchanged were not rendered again: their anchors are stored.
        known = known_targets() if callable(known_targets) else (known_targets or {})
        for slug in latest:
            if slug not in chapter_anchors and slug in known:
                chapter_anchors[slug] = known[slug].anchors
    partnerships, national, local = read_partnership_content(
        root, chapters=chapter_anchors, errors=errors
    )
    national_slugs = {contact.slug for contact in national}
    for version in versions:
        for route in version.routes:
            if route not in national_slugs:
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("routes"),
                        f"route '{route}' is not a contact in national-contacts.yaml; name "
                        "national contacts by their slug",
                        "unknown_route",
                    )
                )
    return partnerships, national, local
