"""Write the whole manual from the database back to the content format (content/README.md):
chapters, releases, partnerships with their contacts and local information, and the national
contacts.

Every version is written, including those published in the admin, with the releases in
manual.yaml and the slugs of renamed chapters under `former_slugs:`. The output is a function
of the database alone (fixed order, fixed quoting), so export, load into an empty database,
export again gives identical files.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from procedures.models import Chapter, ChapterVersion, Part, Reconstruction, Release
from procedures.partnerships.models import Contact, LocalInformation, Partnership
from procedures.partnerships.records import contacts_text
from procedures.partnerships.records import quote as _quote
from procedures.records import VersionRecord


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # chapter files not in the database
    removed: list[Path] = field(default_factory=list)
    partnership_files: list[Path] = field(default_factory=list)


def export_manual(root: Path, *, prune: bool = False) -> ExportReport:
    """Write manual.yaml and chapters/<slug>/v<N>.md under `root`. Other files (README.md,
    synonyms.txt) are left alone; chapter files the database does not hold are reported, and
    removed when `prune` is set."""
    root = Path(root)
    report = ExportReport()
    root.mkdir(parents=True, exist_ok=True)
    report.written.append(_write(root / "manual.yaml", manual_yaml()))
    versions = (
        ChapterVersion.objects.select_related("chapter", "part", "replaced_by", "release")
        .prefetch_related("related")
        .order_by("chapter__slug", "number")
    )
    for version in versions.iterator(chunk_size=200):
        path = root / "chapters" / version.chapter.slug / f"v{version.number}.md"
        report.written.append(_write(path, version_file(version)))
    report.partnership_files = export_partnerships(root)
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


def export_partnerships(root: Path) -> list[Path]:
    """national-contacts.yaml, and each partnership's partnership.yaml and every version of
    its local information, as content/README.md describes them."""
    written = []
    national = Contact.objects.filter(partnership=None)
    if national.exists():
        text = contacts_text(national, national=True)
        written.append(_write(root / "national-contacts.yaml", _contacts_file(text)))
    for partnership in Partnership.objects.order_by("slug"):
        folder = root / "partnerships" / partnership.slug
        text = contacts_text(Contact.objects.filter(partnership=partnership))
        head = f"name: {_quote(partnership.name)}\narea: {_quote(partnership.area)}\n"
        written.append(_write(folder / "partnership.yaml", head + _contacts_file(text)))
    local = LocalInformation.objects.select_related("partnership", "chapter").order_by(
        "partnership__slug", "chapter__slug", "number"
    )
    for version in local.iterator(chunk_size=200):
        path = (
            root / "partnerships" / version.partnership.slug / "local" / version.chapter.slug
            / f"v{version.number}.md"
        )  # fmt: skip
        written.append(_write(path, local_file(version)))
    return written


def _contacts_file(text: str) -> str:
    indented = "".join(f"  {line}\n" for line in text.splitlines())
    return "contacts:\n" + indented if indented else "contacts: []\n"


def local_file(version) -> str:
    lines = [
        "---",
        f"version: {version.number}",
        f"effective: {version.effective_date.isoformat()}",
        f"summary: {_quote(version.summary)}",
    ]
    if version.section:
        lines.append(f"section: {_slug(version.section)}")
    body = version.source.strip("\n")
    return "\n".join([*lines, "---"]) + "\n\n" + (body + "\n" if body else "")


def manual_yaml() -> str:
    lines = [f"title: {_quote(settings.PORTAL_NAME)}", "parts:"]
    for part in Part.objects.order_by("number"):
        lines += [f"  - number: {part.number}", f"    title: {_quote(part.title)}"]
    releases = Release.objects.filter(published_at__isnull=False).order_by("effective_date", "name")
    if releases:
        lines.append("releases:")
        for release in releases:
            lines += [
                f"  - name: {_quote(release.name)}",
                f"    date: {release.effective_date.isoformat()}",
            ]
            if release.introduction:
                lines.append(f"    introduction: {_quote(release.introduction)}")
    renamed = []
    for chapter in Chapter.objects.prefetch_related("slugs").order_by("slug"):
        former = sorted(s.slug for s in chapter.slugs.all() if s.slug != chapter.slug)
        if former:
            renamed.append(f"  {_slug(chapter.slug)}: [{', '.join(map(_slug, former))}]")
    if renamed:
        lines += [
            "# Earlier slugs of renamed chapters: old links keep leading to them.",
            "former_slugs:",
        ]
        lines += renamed
    rebuilt = {}
    for slug, number in Reconstruction.objects.values_list(
        "version__chapter__slug", "version__number"
    ).order_by("version__chapter__slug", "version__number"):
        rebuilt.setdefault(slug, []).append(str(number))
    if rebuilt:
        lines += [
            "# Versions rebuilt after the fact, not the text practitioners read at the time.",
            "reconstructed:",
        ]
        lines += [f"  {_slug(slug)}: [{', '.join(numbers)}]" for slug, numbers in rebuilt.items()]
    return "\n".join(lines) + "\n"


def version_file(version: ChapterVersion) -> str:
    record = VersionRecord.from_version(version)
    lines = ["---", *record.front_matter(quote=_quote, slug=_slug), "---"]
    body = record.body.strip("\n")
    return "\n".join(lines) + "\n\n" + (body + "\n" if body else "")


def _slug(slug: str) -> str:
    """A slug as written by hand (online-safety), quoted only where YAML would read it as
    something else (yes, no, null, 2024)."""
    try:
        plain = yaml.safe_load(slug) == slug
    except yaml.YAMLError:
        plain = False
    return slug if plain else _quote(slug)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Unchanged files are not rewritten, so their modification times say what changed.
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path
