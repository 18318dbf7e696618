"""Write the chapters from the database back to the content format (content/README.md):
manual.yaml (parts, releases, former slugs) and every chapter version. The feature apps write
their own files with the helpers here (`write`, `quote`, `slug`); `manual.export` writes the
whole tree.

Every version is written, including those published in the admin, with the releases in
manual.yaml and the slugs of renamed chapters under `former_slugs:`. The output is a function
of the database alone (fixed order, fixed quoting), so export, load into an empty database,
export again gives identical files.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from procedures.models import Chapter, ChapterVersion, Part, Reconstruction, Release
from procedures.records import VersionRecord


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # chapter files not in the database
    removed: list[Path] = field(default_factory=list)
    partnership_files: list[Path] = field(default_factory=list)  # filled by manual.export


def export_chapters(root: Path, *, prune: bool = False) -> ExportReport:
    """Write manual.yaml and chapters/<slug>/v<N>.md under `root`. Other files (README.md,
    synonyms.txt) are left alone; chapter files the database does not hold are reported, and
    removed when `prune` is set."""
    root = Path(root)
    report = ExportReport()
    root.mkdir(parents=True, exist_ok=True)
    report.written.append(write(root / "manual.yaml", manual_yaml()))
    versions = (
        ChapterVersion.objects.select_related("chapter", "part", "replaced_by", "release")
        .prefetch_related("related")
        .order_by("chapter__slug", "number")
    )
    for version in versions.iterator(chunk_size=200):
        path = root / "chapters" / version.chapter.slug / f"v{version.number}.md"
        report.written.append(write(path, version_file(version)))
    written = set(report.written)
    chapters_dir = root / "chapters"
    if chapters_dir.is_dir():
        for path in sorted(chapters_dir.rglob("*.md")):
            if path not in written and path.name.lower() != "readme.md":
                report.stale.append(path)
                if prune:
                    path.unlink()
                    report.removed.append(path)
        if prune:
            for folder in sorted(chapters_dir.iterdir()):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
    return report


def manual_yaml() -> str:
    lines = [f"title: {quote(settings.PORTAL_NAME)}", "parts:"]
    for part in Part.objects.order_by("number"):
        lines += [f"  - number: {part.number}", f"    title: {quote(part.title)}"]
    releases = Release.objects.filter(published_at__isnull=False).order_by("effective_date", "name")
    if releases:
        lines.append("releases:")
        for release in releases:
            lines += [
                f"  - name: {quote(release.name)}",
                f"    date: {release.effective_date.isoformat()}",
            ]
            if release.introduction:
                lines.append(f"    introduction: {quote(release.introduction)}")
    renamed = []
    for chapter in Chapter.objects.prefetch_related("slugs").order_by("slug"):
        former = sorted(s.slug for s in chapter.slugs.all() if s.slug != chapter.slug)
        if former:
            renamed.append(f"  {slug(chapter.slug)}: [{', '.join(map(slug, former))}]")
    if renamed:
        lines += [
            "# Earlier slugs of renamed chapters: old links keep leading to them.",
            "former_slugs:",
        ]
        lines += renamed
    rebuilt = {}
    for chapter_slug, number in Reconstruction.objects.values_list(
        "version__chapter__slug", "version__number"
    ).order_by("version__chapter__slug", "version__number"):
        rebuilt.setdefault(chapter_slug, []).append(str(number))
    if rebuilt:
        lines += [
            "# Versions rebuilt after the fact, not the text practitioners read at the time.",
            "reconstructed:",
        ]
        lines += [f"  {slug(name)}: [{', '.join(numbers)}]" for name, numbers in rebuilt.items()]
    return "\n".join(lines) + "\n"


def version_file(version: ChapterVersion) -> str:
    record = VersionRecord.from_version(version)
    lines = ["---", *record.front_matter(quote=quote, slug=slug), "---"]
    body = record.body.strip("\n")
    return "\n".join(lines) + "\n\n" + (body + "\n" if body else "")


def slug(text: str) -> str:
    """A slug as written by hand (online-safety), quoted only where YAML would read it as
    something else (yes, no, null, 2024)."""
    try:
        plain = yaml.safe_load(text) == text
    except yaml.YAMLError:
        plain = False
    return text if plain else quote(text)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Unchanged files are not rewritten, so their modification times say what changed.
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def quote(text) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    quoted = json.dumps(str(text), ensure_ascii=False)
    # YAML, unlike JSON, reads these as line breaks inside a quoted string: escape them.
    return (
        quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    )
