"""Read a content tree (manual.yaml and one markdown file per chapter version) into records.

Pure: files in, records out, no database. Every problem is collected with its file and line
and raised together as ContentInvalid, so a procedures manager fixes them in one pass.
The format is documented in content/README.md.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from procedures.records import FIELDS_BY_KEY, VersionRecord, as_date
from procedures.rendering import LinkTarget, render_markdown
from procedures.rules import SLUG, check_version


class ContentInvalid(Exception):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    @property
    def codes(self):
        return [error.code for error in self.errors]


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    message: str
    code: str = field(default="", compare=False)

    def __str__(self):
        return f"{self.path}, line {self.line}: {self.message}"

    @classmethod
    def of(cls, problem, record):
        """A version's problem, placed at its line in the record's file."""
        line = problem.line or record.line_of(problem.field)
        text = f"{problem.message}; {problem.fix}" if problem.fix else problem.message
        return cls(record.path, line, text, problem.code)


@dataclass(frozen=True)
class PartRecord:
    number: int
    title: str


@dataclass(frozen=True)
class ReleaseRecord:
    name: str
    effective_date: object
    introduction: str = ""


@dataclass(frozen=True)
class Manual:
    title: str
    parts: tuple[PartRecord, ...]
    versions: tuple[VersionRecord, ...]
    releases: tuple[ReleaseRecord, ...] = ()
    # current slug -> the slugs it had before (renamed in the admin; they keep redirecting)
    former_slugs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def chapters(self):
        """Versions grouped by slug, oldest first."""
        grouped = defaultdict(list)
        for version in self.versions:
            grouped[version.slug].append(version)
        return {slug: sorted(vs, key=lambda v: v.number) for slug, vs in sorted(grouped.items())}


def read_manual(
    root: Path,
    *,
    known_targets: Mapping[str, LinkTarget] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Manual:
    """Read and validate a content tree. Raises ContentInvalid listing every problem.

    `known_targets` are chapters stored already (e.g. published in the admin) that the
    files may link to without containing them.
    """
    root = Path(root)
    errors = []
    if not root.is_dir():
        raise ContentInvalid([ContentError(str(root), 0, "no such content folder", "no_folder")])
    title, parts, releases = _read_manual_file(root, errors)
    former_slugs = _read_former_slugs(root, errors)
    files = sorted(
        path for path in root.rglob("*.md") if path.name.lower() != "readme.md" and path.is_file()
    )
    versions = []
    for index, path in enumerate(files, start=1):
        record = _read_version_file(path, root, errors)
        if record is not None:
            versions.append(record)
        if progress:
            progress(index, len(files))
    _check_tree(versions, errors)
    _check_former_slugs(former_slugs, versions, errors)
    versions = _check_versions(versions, parts, releases, known_targets or {}, former_slugs, errors)
    if errors:
        raise ContentInvalid(sorted(set(errors), key=lambda e: (e.path, e.line, e.message)))
    return Manual(
        title=title,
        parts=tuple(parts.values()),
        versions=tuple(sorted(versions, key=lambda v: (v.slug, v.number))),
        releases=tuple(releases.values()),
        former_slugs=former_slugs,
    )


def _read_manual_file(root, errors):
    path = root / "manual.yaml"
    shown = "manual.yaml"
    if not path.is_file():
        errors.append(
            ContentError(shown, 0, "missing: the manual's title and its parts", "no_manual_file")
        )
        return "", {}, {}
    text = _decode(path, shown, errors)
    if text is None:
        return "", {}, {}
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        errors.append(
            ContentError(
                shown, _yaml_line(error), f"not valid YAML: {_yaml_problem(error)}", "bad_yaml"
            )
        )
        return "", {}, {}
    if not isinstance(data, dict):
        errors.append(
            ContentError(shown, 1, "should be a mapping with 'title' and 'parts'", "bad_manual")
        )
        return "", {}, {}
    parts = {}
    for item in data.get("parts") or []:
        number = item.get("number") if isinstance(item, dict) else None
        part_title = item.get("title") if isinstance(item, dict) else None
        line = _key_line(text, "- number", str(number)) or 1
        if not isinstance(number, int) or isinstance(number, bool) or not part_title:
            errors.append(
                ContentError(
                    shown, line, "each part needs a whole 'number' and a 'title'", "bad_part"
                )
            )
        elif number in parts:
            errors.append(
                ContentError(shown, line, f"part {number} is listed twice", "duplicate_part")
            )
        else:
            parts[number] = PartRecord(number=number, title=str(part_title).strip())
    if not parts:
        errors.append(ContentError(shown, 1, "list at least one part under 'parts'", "no_parts"))
    releases = {}
    for item in data.get("releases") or []:
        try:
            release = ReleaseRecord(
                name=str(item["name"]).strip(),
                effective_date=as_date(item["date"]),
                introduction=str(item.get("introduction") or "").strip(),
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            errors.append(
                ContentError(
                    shown,
                    _key_line(text, "releases") or 1,
                    "each release needs a 'name' and a 'date' (YYYY-MM-DD)",
                    "bad_release",
                )
            )
            continue
        releases[release.name] = release
    return str(data.get("title") or "").strip(), parts, releases


def _read_former_slugs(root, errors):
    """manual.yaml's optional `former_slugs:` mapping, written by export_content when chapters
    were renamed in the admin: `current-slug: [old-slug, ...]`."""
    path = root / "manual.yaml"
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}  # _read_manual_file reports these
    if not isinstance(data, dict) or not data.get("former_slugs"):
        return {}
    mapping = data["former_slugs"]
    line = _key_line(text, "former_slugs") or 1
    what = "former_slugs should map a chapter's slug to a list of its old slugs"
    if not isinstance(mapping, dict):
        errors.append(ContentError("manual.yaml", line, what, "bad_former_slugs"))
        return {}
    result = {}
    for current, olds in mapping.items():
        if not isinstance(olds, list) or not all(
            isinstance(old, str) and SLUG.match(old) for old in [current, *olds]
        ):
            errors.append(
                ContentError("manual.yaml", line, f"{what} (see '{current}')", "bad_former_slugs")
            )
            continue
        result[current] = tuple(olds)
    return result


def _check_former_slugs(former_slugs, versions, errors):
    chapters = {version.slug for version in versions}
    seen = {}
    for current, olds in former_slugs.items():
        if current not in chapters:
            errors.append(
                ContentError(
                    "manual.yaml",
                    1,
                    f"former_slugs names '{current}', which is not a chapter",
                    "unknown_former_slug_chapter",
                )
            )
        for old in olds:
            if old in chapters:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        1,
                        f"'{old}' is listed as a former slug of '{current}' but is a chapter's "
                        "slug itself: slugs are never reused",
                        "former_slug_in_use",
                    )
                )
            elif old in seen:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        1,
                        f"'{old}' is listed as a former slug of both '{seen[old]}' and '{current}'",
                        "former_slug_twice",
                    )
                )
            seen[old] = current


def _decode(path, shown, errors):
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        errors.append(
            ContentError(
                shown,
                line,
                f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
                "not_utf8",
            )
        )
        return None


def _read_version_file(path, root, errors):
    shown = path.relative_to(root).as_posix()
    text = _decode(path, shown, errors)
    if text is None:
        return None
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        errors.append(
            ContentError(
                shown,
                1,
                "must start with front matter: a line '---', the fields, '---'",
                "no_front_matter",
            )
        )
        return None
    try:
        closing = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        errors.append(
            ContentError(
                shown,
                1,
                "front matter is not closed: add a line '---' after it",
                "front_matter_not_closed",
            )
        )
        return None
    front = "\n".join(lines[1:closing])
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as error:
        errors.append(
            ContentError(
                shown,
                _yaml_line(error) + 1,
                f"front matter is not valid YAML: {_yaml_problem(error)}",
                "bad_yaml",
            )
        )
        return None
    if not isinstance(meta, dict):
        errors.append(
            ContentError(shown, 2, "front matter should be 'field: value' lines", "bad_yaml")
        )
        return None

    def line_of(key):
        front_line = _key_line(front, str(key))
        return front_line + 1 if front_line else 1  # +1: the opening '---' is line 1

    body_lines = lines[closing + 1 :]
    body = "\n".join(body_lines).strip("\n") + "\n"
    leading_blank = len(body_lines) - len("\n".join(body_lines).lstrip("\n").split("\n"))
    record, problems = VersionRecord.from_front_matter(
        meta,
        body=body,
        path=shown,
        body_line=closing + 2 + leading_blank,
        field_lines={key: line_of(key) for key in meta},
    )
    for problem in problems:
        line = 1 if problem.code == "missing_field" else line_of(_key_of(problem.field))
        errors.append(ContentError(shown, line, str(problem), problem.code))
    if record is None:
        return None
    folder = path.parent.name if path.parent != root else ""
    if folder and path.parent.parent.name == "chapters" and folder != record.slug:
        errors.append(
            ContentError(
                shown,
                record.line_of("slug"),
                f"slug '{record.slug}' does not match the folder '{folder}': a chapter's files "
                "live in chapters/<slug>/, and a slug belongs to one chapter only",
                "slug_not_folder",
            )
        )
    if re.fullmatch(r"v\d+", path.stem) and int(path.stem[1:]) != record.number:
        errors.append(
            ContentError(
                shown,
                record.line_of("number"),
                f"the file is named {path.name} but says version {record.number}: "
                f"set 'version: {int(path.stem[1:])}' or rename the file",
                "file_name_not_version",
            )
        )
    return record


def _key_of(attr):
    return next((key for key, spec in FIELDS_BY_KEY.items() if spec.attr == attr), attr)


def _check_tree(versions, errors):
    """Rules between the files of the tree: version numbering, dates in order, one number per
    chapter."""
    by_slug = defaultdict(list)
    for version in versions:
        by_slug[version.slug].append(version)
    for slug, chapter_versions in by_slug.items():
        seen = {}
        for version in sorted(chapter_versions, key=lambda v: (v.number, v.path)):
            if version.number in seen:
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("number"),
                        f"version {version.number} of chapter '{slug}' is also in "
                        f"{seen[version.number].path}: each chapter needs its own slug, "
                        "and each version number is used once",
                        "duplicate_version",
                    )
                )
            else:
                seen[version.number] = version
        numbers = sorted(seen)
        expected = list(range(1, len(numbers) + 1))
        if numbers != expected:
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            last = seen[max(numbers)]
            errors.append(
                ContentError(
                    last.path,
                    last.line_of("number"),
                    f"chapter '{slug}' has versions {numbers} but no version "
                    f"{', '.join(map(str, missing))}: versions count 1, 2, 3 without gaps",
                    "version_gap",
                )
            )
    latest = {slug: max(vs, key=lambda v: v.number) for slug, vs in by_slug.items()}
    by_number = defaultdict(list)
    for version in latest.values():
        if not version.withdrawn:
            by_number[version.chapter_number].append(version)
    for chapter_number, clashing in by_number.items():
        if len(clashing) > 1:
            for version in clashing:
                others = ", ".join(v.path for v in clashing if v is not version)
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("chapter_number"),
                        f"chapter number {chapter_number} is also used by {others}; "
                        "give each chapter its own number",
                        "duplicate_chapter_number",
                    )
                )


def _check_versions(versions, parts, releases, known_targets, former_slugs, errors):
    """Render each version once and apply the version rules to it; returns the records with
    their rendering."""
    by_slug = defaultdict(list)
    for version in versions:
        by_slug[version.slug].append(version)
    for chapter_versions in by_slug.values():
        chapter_versions.sort(key=lambda v: v.number)
    latest = {slug: vs[-1] for slug, vs in by_slug.items()}
    # The latest texts are rendered first, for their anchors: other chapters link to those.
    rendered_latest = {slug: render_markdown(v.body, slug=slug) for slug, v in latest.items()}
    targets = dict(known_targets)
    for slug, version in latest.items():
        targets[slug] = LinkTarget(
            slug=slug, title=version.title, anchors=rendered_latest[slug].anchors
        )
    for current, olds in former_slugs.items():
        for old in olds:
            if current in targets:
                targets.setdefault(old, targets[current])  # old links still lead there
    result = []
    for slug, chapter_versions in by_slug.items():
        previous = None
        for version in chapter_versions:
            rendered = render_markdown(
                version.body, targets=targets, slug=version.slug, first_line=version.body_line
            )
            rendered, problems = check_version(
                version,
                rendered=rendered,
                targets=targets,
                previous=previous,
                parts=parts if parts else None,
                releases=releases,
                is_latest=version is latest[slug],
            )
            errors.extend(ContentError.of(problem, version) for problem in problems)
            result.append(replace(version, rendered=rendered))
            previous = version
    return result


def _key_line(text, key, value=None):
    """1-based line of `key:` in YAML text (0 when absent), for pointing at the field."""
    pattern = re.compile(
        rf"^\s*{re.escape(key)}\s*:" + (rf"\s*{re.escape(value)}" if value else "")
    )
    for number, line in enumerate(text.split("\n"), start=1):
        if pattern.match(line):
            return number
    return 0


def _yaml_line(error):
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark else 1


def _yaml_problem(error):
    return getattr(error, "problem", None) or str(error).splitlines()[0]
