"""Read the chapters of a content tree (manual.yaml and one markdown file per chapter
version) into records.

Pure: files in, records out, no database. Every problem is collected with its file and line
and raised together as ContentInvalid, so a procedures manager fixes them in one pass.
The format is documented in content/README.md. The feature apps read their own files beside
the chapters; `manual.content.read_manual` reads the whole tree in one pass.
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
from procedures.records import VersionRecord
from procedures.rendering import LinkTarget

__all__ = [
    "ContentError",
    "ContentInvalid",
    "Manual",
    "PartRecord",
    "ReleaseRecord",
    "read_chapters",
    "read_manual",
]


@dataclass(frozen=True)
class Manual:
    title: str
    parts: tuple[PartRecord, ...]
    versions: tuple[VersionRecord, ...]
    releases: tuple[ReleaseRecord, ...] = ()
    # current slug -> the slugs it had before (renamed in the admin; they keep redirecting)
    former_slugs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
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


def read_manual(root: Path, **options) -> Manual:
    """Read and validate the chapters of a content tree (see `read_chapters`). Raises
    ContentInvalid listing every problem."""
    errors = []
    manual = read_chapters(Path(root), errors=errors, **options)
    if errors:
        raise ContentInvalid(sorted_errors(errors))
    return manual


def sorted_errors(errors):
    return sorted(set(errors), key=lambda e: (e.path, e.line, e.message))


def read_chapters(
    root: Path,
    *,
    errors: list,
    known_targets: Mapping[str, LinkTarget] | Callable[[], Mapping] | None = None,
    stored: Mapping[tuple[str, int], str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Manual | None:
    """Read and validate the chapters of a content tree, adding every problem to `errors`
    (None when there is no such folder).

    `known_targets` are chapters stored already (e.g. published in the admin) that the
    files may link to without containing them (or a function returning them, asked only when
    something needs checking). `stored` maps (slug, number) to the source hash of each
    version stored already: those are not rendered again (see content.tree.check_versions).
    """
    root = Path(root)
    notes = []
    if not root.is_dir():
        errors.append(ContentError(str(root), 0, "no such content folder", "no_folder"))
        return None
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
    return Manual(
        title=title,
        parts=tuple(parts.values()),
        versions=tuple(sorted(versions, key=lambda v: (v.slug, v.number))),
        releases=tuple(releases.values()),
        former_slugs=former_slugs,
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


def latest_anchors(manual: Manual, known_targets=None) -> dict[str, frozenset]:
    """Each chapter's latest version's section anchors, from the files (or, for a chapter
    stored unchanged and so not rendered again, from what is stored): what local information
    and other content beside the chapters may point at."""
    latest = {}
    for version in sorted(manual.versions, key=lambda v: v.number):
        latest[version.slug] = version
    anchors = {slug: v.rendered.anchors for slug, v in latest.items() if v.rendered is not None}
    if len(anchors) < len(latest):
        known = known_targets() if callable(known_targets) else (known_targets or {})
        for slug in latest:
            if slug not in anchors and slug in known:
                anchors[slug] = known[slug].anchors
    return anchors
