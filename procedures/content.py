"""Read a content tree (manual.yaml and one markdown file per chapter version) into records.

Pure: files in, records out, no database. Every problem is collected with its file and line
and raised together as ContentInvalid, so a procedures manager fixes them in one pass.
The format is documented in content/README.md.
"""

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from procedures.rendering import LinkTarget, Rendered, render_markdown, source_hash

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHAPTER_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")
CHANGES = ("new", "updated", "minor", "withdrawn")

FIELDS = {
    # name: (required, what to write)
    "chapter": (True, 'the chapter number in quotes, e.g. chapter: "2.5"'),
    "slug": (True, "the chapter's address: lowercase words joined by hyphens, e.g. online-safety"),
    "title": (True, "the chapter title"),
    "part": (True, "the number of a part listed in manual.yaml, e.g. part: 2"),
    "version": (True, "the version number: 1 for the first, then 2, 3, ..."),
    "effective": (True, "the date this version takes effect, as YYYY-MM-DD"),
    "summary": (True, "what changed in this version, in plain words"),
    "related": (False, "a list of related chapter slugs, e.g. related: [bullying, referrals]"),
    "review": (False, "the next review date, as YYYY-MM-DD"),
    "sample": (False, "true for sample content written for demonstration, else false"),
    "minor": (
        False,
        "true for a minor correction (typo, link) that practitioners need not re-read",
    ),
    "withdrawn": (False, "true when this version withdraws the chapter"),
    "withdrawn_reason": (False, "why the chapter was withdrawn"),
    "replaced_by": (False, "the slug of the chapter to read instead"),
    "release": (False, "the name of the release (from manual.yaml) this version belongs to"),
}


class ContentInvalid(Exception):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}, line {self.line}: {self.message}"


@dataclass(frozen=True)
class PartRecord:
    number: int
    title: str


@dataclass(frozen=True)
class ReleaseRecord:
    name: str
    effective_date: datetime.date
    introduction: str = ""


@dataclass(frozen=True)
class VersionRecord:
    path: str
    slug: str
    number: int
    chapter_number: str
    title: str
    part: int
    effective_date: datetime.date
    summary: str
    change: str
    body: str
    body_line: int
    related: tuple[str, ...] = ()
    review_date: datetime.date | None = None
    is_sample: bool = False
    withdrawn_reason: str = ""
    replaced_by: str = ""
    release: str = ""
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    rendered: Rendered | None = field(default=None, compare=False, repr=False)

    def line_of(self, key):
        return self.field_lines.get(key, 1)

    @property
    def source_hash(self):
        """Identity of the version's text and metadata, independent of file formatting."""
        metadata = {
            "chapter": self.chapter_number,
            "slug": self.slug,
            "title": self.title,
            "part": self.part,
            "version": self.number,
            "effective": self.effective_date.isoformat(),
            "summary": self.summary,
            "change": self.change,
            "related": list(self.related),
            "review": self.review_date.isoformat() if self.review_date else None,
            "sample": self.is_sample,
            "withdrawn_reason": self.withdrawn_reason,
            "replaced_by": self.replaced_by,
        }
        return source_hash(json.dumps(metadata, sort_keys=True) + "\n" + self.body)


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
        raise ContentInvalid([ContentError(str(root), 0, "no such content folder")])
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
    _check_tree(versions, parts, releases, errors)
    _check_former_slugs(former_slugs, versions, errors)
    versions = _render_all(versions, known_targets or {}, errors, former_slugs)
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
        errors.append(ContentError(shown, 0, "missing: the manual's title and its parts"))
        return "", {}, {}
    text = _decode(path, shown, errors)
    if text is None:
        return "", {}, {}
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        errors.append(
            ContentError(shown, _yaml_line(error), f"not valid YAML: {_yaml_problem(error)}")
        )
        return "", {}, {}
    if not isinstance(data, dict):
        errors.append(ContentError(shown, 1, "should be a mapping with 'title' and 'parts'"))
        return "", {}, {}
    parts = {}
    for item in data.get("parts") or []:
        number = item.get("number") if isinstance(item, dict) else None
        part_title = item.get("title") if isinstance(item, dict) else None
        line = _key_line(text, "- number", str(number)) or 1
        if not isinstance(number, int) or isinstance(number, bool) or not part_title:
            errors.append(
                ContentError(shown, line, "each part needs a whole 'number' and a 'title'")
            )
        elif number in parts:
            errors.append(ContentError(shown, line, f"part {number} is listed twice"))
        else:
            parts[number] = PartRecord(number=number, title=str(part_title).strip())
    if not parts:
        errors.append(ContentError(shown, 1, "list at least one part under 'parts'"))
    releases = {}
    for item in data.get("releases") or []:
        try:
            release = ReleaseRecord(
                name=str(item["name"]).strip(),
                effective_date=_as_date(item["date"]),
                introduction=str(item.get("introduction") or "").strip(),
            )
        except (KeyError, TypeError, ValueError):
            errors.append(
                ContentError(shown, 1, "each release needs a 'name' and a 'date' (YYYY-MM-DD)")
            )
            continue
        releases[release.name] = release
    return str(data.get("title") or "").strip(), parts, releases


def _read_former_slugs(root, errors):
    """manual.yaml's optional `former_slugs:` mapping, written by export_content when chapters
    were renamed in the admin: `current-slug: [old-slug, ...]`."""
    path = root / "manual.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}  # _read_manual_file reports these
    if not isinstance(data, dict) or not data.get("former_slugs"):
        return {}
    mapping = data["former_slugs"]
    line = _key_line(path.read_text(encoding="utf-8-sig"), "former_slugs") or 1
    what = "former_slugs should map a chapter's slug to a list of its old slugs"
    if not isinstance(mapping, dict):
        errors.append(ContentError("manual.yaml", line, what))
        return {}
    result = {}
    for current, olds in mapping.items():
        if not isinstance(olds, list) or not all(
            isinstance(old, str) and SLUG.match(old) for old in [current, *olds]
        ):
            errors.append(ContentError("manual.yaml", line, f"{what} (see '{current}')"))
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
                    "manual.yaml", 1, f"former_slugs names '{current}', which is not a chapter"
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
                    )
                )
            elif old in seen:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        1,
                        f"'{old}' is listed as a former slug of both '{seen[old]}' and '{current}'",
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
            ContentError(shown, 1, "must start with front matter: a line '---', the fields, '---'")
        )
        return None
    try:
        closing = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        errors.append(
            ContentError(shown, 1, "front matter is not closed: add a line '---' after it")
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
            )
        )
        return None
    if not isinstance(meta, dict):
        errors.append(ContentError(shown, 2, "front matter should be 'field: value' lines"))
        return None

    def line_of(key):
        front_line = _key_line(front, key)
        return front_line + 1 if front_line else 1  # +1: the opening '---' is line 1

    before = len(errors)

    def fail(key, message):
        errors.append(ContentError(shown, line_of(key), message))

    for key, (required, what) in FIELDS.items():
        if required and (meta.get(key) is None or str(meta.get(key)).strip() == ""):
            errors.append(ContentError(shown, 1, f"front matter is missing '{key}': {what}"))
    for key in meta:
        if key not in FIELDS:
            fail(key, f"unknown field '{key}'; the fields are: {', '.join(FIELDS)}")
    if len(errors) > before:
        return None

    slug = str(meta["slug"]).strip()
    if not SLUG.match(slug):
        fail("slug", f"slug '{slug}' should be lowercase words joined by hyphens")
    folder = path.parent.name if path.parent != root else ""
    if folder and path.parent.parent.name == "chapters" and folder != slug:
        fail(
            "slug",
            f"slug '{slug}' does not match the folder '{folder}': a chapter's files live in "
            "chapters/<slug>/, and a slug belongs to one chapter only",
        )
    chapter_number = str(meta["chapter"]).strip()
    if not CHAPTER_NUMBER.match(chapter_number):
        fail("chapter", f"chapter number '{chapter_number}' should look like 2.5")
    part = meta["part"]
    if not isinstance(part, int) or isinstance(part, bool):
        fail("part", FIELDS["part"][1])
    elif CHAPTER_NUMBER.match(chapter_number) and chapter_number.split(".")[0] != str(part):
        fail(
            "chapter",
            f"chapter {chapter_number} should be in part {chapter_number.split('.')[0]}, "
            f"not part {part}",
        )
    number = meta["version"]
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        fail("version", FIELDS["version"][1])
    elif re.fullmatch(r"v\d+", path.stem) and int(path.stem[1:]) != number:
        fail(
            "version",
            f"the file is named {path.name} but says version {number}: "
            f"set 'version: {int(path.stem[1:])}' or rename the file",
        )
    dates = {}
    for key in ("effective", "review"):
        if meta.get(key) is not None:
            try:
                dates[key] = _as_date(meta[key])
            except (TypeError, ValueError):
                fail(key, f"'{meta[key]}' is not a date; {FIELDS[key][1]}")
    related = meta.get("related") or []
    if not isinstance(related, list) or not all(isinstance(s, str) for s in related):
        fail("related", FIELDS["related"][1])
        related = []
    flags = {}
    for key in ("sample", "minor", "withdrawn"):
        value = meta.get(key, False)
        if not isinstance(value, bool):
            fail(key, f"'{key}' should be true or false")
        flags[key] = value is True
    if len(errors) > before:
        return None

    body_lines = lines[closing + 1 :]
    body = "\n".join(body_lines).strip("\n") + "\n"
    leading_blank = len(body_lines) - len("\n".join(body_lines).lstrip("\n").split("\n"))
    if flags["withdrawn"]:
        change = "withdrawn"
    elif number == 1:
        change = "new"
    elif flags["minor"]:
        change = "minor"
    else:
        change = "updated"
    if not body.strip() and change != "withdrawn":
        errors.append(
            ContentError(shown, closing + 2, "the chapter body is empty; write the chapter text")
        )
        return None
    return VersionRecord(
        path=shown,
        slug=slug,
        number=number,
        chapter_number=chapter_number,
        title=str(meta["title"]).strip(),
        part=part,
        effective_date=dates["effective"],
        summary=str(meta["summary"]).strip(),
        change=change,
        body=body,
        body_line=closing + 2 + leading_blank,
        related=tuple(related),
        review_date=dates.get("review"),
        is_sample=flags["sample"],
        withdrawn_reason=str(meta.get("withdrawn_reason") or "").strip(),
        replaced_by=str(meta.get("replaced_by") or "").strip(),
        release=str(meta.get("release") or "").strip(),
        field_lines={key: line_of(key) for key in meta},
    )


def _check_tree(versions, parts, releases, errors):
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
                        version.line_of("version"),
                        f"version {version.number} of chapter '{slug}' is also in "
                        f"{seen[version.number].path}: each chapter needs its own slug, "
                        "and each version number is used once",
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
                    last.line_of("version"),
                    f"chapter '{slug}' has versions {numbers} but no version "
                    f"{', '.join(map(str, missing))}: versions count 1, 2, 3 without gaps",
                )
            )
        ordered = [seen[n] for n in numbers]
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if later.effective_date < earlier.effective_date:
                errors.append(
                    ContentError(
                        later.path,
                        later.line_of("effective"),
                        f"version {later.number} takes effect on {later.effective_date} "
                        f"before version {earlier.number} ({earlier.effective_date}); "
                        "later versions cannot take effect earlier",
                    )
                )
    latest = {slug: max(vs, key=lambda v: v.number) for slug, vs in by_slug.items()}
    by_number = defaultdict(list)
    for version in latest.values():
        if version.change != "withdrawn":
            by_number[version.chapter_number].append(version)
    for chapter_number, clashing in by_number.items():
        if len(clashing) > 1:
            for version in clashing:
                others = ", ".join(v.path for v in clashing if v is not version)
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("chapter"),
                        f"chapter number {chapter_number} is also used by {others}; "
                        "give each chapter its own number",
                    )
                )
    for version in versions:
        if parts and isinstance(version.part, int) and version.part not in parts:
            errors.append(
                ContentError(version.path, 1, f"part {version.part} is not listed in manual.yaml")
            )
        for related in version.related:
            if related not in by_slug:
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("related"),
                        f"related chapter '{related}' does not exist; check the slug",
                    )
                )
        if version.replaced_by and version.replaced_by not in by_slug:
            errors.append(
                ContentError(
                    version.path,
                    version.line_of("replaced_by"),
                    f"replaced_by chapter '{version.replaced_by}' does not exist",
                )
            )
        if version.release and version.release not in releases:
            errors.append(
                ContentError(
                    version.path,
                    version.line_of("release"),
                    f"release '{version.release}' is not listed in manual.yaml",
                )
            )


def _render_all(versions, known_targets, errors, former_slugs=None):
    latest = {}
    for version in versions:
        if version.slug not in latest or version.number > latest[version.slug].number:
            latest[version.slug] = version
    rendered_latest = {slug: render_markdown(v.body, slug=slug) for slug, v in latest.items()}
    targets = dict(known_targets)
    for slug, version in latest.items():
        targets[slug] = LinkTarget(
            slug=slug, title=version.title, anchors=rendered_latest[slug].anchors
        )
    for current, olds in (former_slugs or {}).items():
        for old in olds:
            if current in targets:
                targets.setdefault(old, targets[current])  # old links still lead there
    result = []
    for version in versions:
        rendered = render_markdown(
            version.body, targets=targets, slug=version.slug, first_line=version.body_line
        )
        for problem in rendered.problems:
            if version.change == "withdrawn" and "body is empty" in problem.message:
                continue
            if latest[version.slug] is not version and problem.message.startswith(
                "cross-link to unknown section"
            ):
                # An older version may link to a section removed since: it is history and
                # cannot change (its link still leads to the chapter).
                continue
            errors.append(ContentError(version.path, problem.line, problem.message))
        result.append(replace(version, rendered=rendered))
    return result


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


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
