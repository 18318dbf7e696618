"""manual.yaml: the manual's title, its parts, its releases, the former slugs of renamed
chapters and the versions that are reconstructed rather than real history."""

from dataclasses import dataclass

import yaml

from procedures.content.errors import ContentError
from procedures.content.source_text import decode, key_line, load_yaml, yaml_line, yaml_problem
from procedures.records import as_date
from procedures.rules import SLUG


@dataclass(frozen=True)
class PartRecord:
    number: int
    title: str


@dataclass(frozen=True)
class ReleaseRecord:
    name: str
    effective_date: object
    introduction: str = ""


def read_manual_file(root, errors, *, max_bytes):
    path = root / "manual.yaml"
    shown = "manual.yaml"
    if not path.is_file():
        errors.append(
            ContentError(shown, 0, "missing: the manual's title and its parts", "no_manual_file")
        )
        return "", {}, {}
    text = decode(path, shown, errors, max_bytes=max_bytes)
    if text is None:
        return "", {}, {}
    try:
        data = load_yaml(text) or {}
    except yaml.YAMLError as error:
        errors.append(
            ContentError(
                shown, yaml_line(error), f"not valid YAML: {yaml_problem(error)}", "bad_yaml"
            )
        )
        return "", {}, {}
    if not isinstance(data, dict):
        errors.append(
            ContentError(shown, 1, "should be a mapping with 'title' and 'parts'", "bad_manual")
        )
        return "", {}, {}
    for key in ("parts", "releases"):
        if not isinstance(data.get(key) or [], list):
            errors.append(
                ContentError(
                    shown, key_line(text, key) or 1, f"'{key}' should be a list", "bad_manual"
                )
            )
            return "", {}, {}
    parts = {}
    for item in data.get("parts") or []:
        number = item.get("number") if isinstance(item, dict) else None
        part_title = item.get("title") if isinstance(item, dict) else None
        line = key_line(text, "- number", str(number)) or 1
        if (
            not isinstance(number, int)
            or isinstance(number, bool)
            or not 0 < number < 10000
            or not part_title
            or len(str(part_title).strip()) > 200
        ):
            errors.append(
                ContentError(
                    shown,
                    line,
                    "each part needs a whole 'number' (1 to 9999) and a 'title' "
                    "(at most 200 characters)",
                    "bad_part",
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
        name = str(item.get("name") or "").strip() if isinstance(item, dict) else ""
        line = (key_line(text, "- name", name) if name else 0) or key_line(text, "releases") or 1
        try:
            release = ReleaseRecord(
                name=name,
                effective_date=as_date(item["date"]),
                introduction=str(item.get("introduction") or "").strip(),
            )
            if not name or len(name) > 200:
                raise ValueError("a release needs a name of at most 200 characters")
        except (KeyError, TypeError, ValueError, OverflowError):
            date = str(item.get("date"))[:40] if isinstance(item, dict) else ""
            errors.append(
                ContentError(
                    shown,
                    line,
                    "each release needs a 'name' (at most 200 characters) and a 'date' that "
                    f"exists, written YYYY-MM-DD{f' (not {date!r})' if date else ''}",
                    "bad_release",
                )
            )
            continue
        releases[release.name] = release
    return str(data.get("title") or "").strip(), parts, releases


def read_former_slugs(root, errors, *, max_bytes):
    """manual.yaml's optional `former_slugs:` mapping, written by export_content when chapters
    were renamed in the admin: `current-slug: [old-slug, ...]`."""
    path = root / "manual.yaml"
    text = decode(path, "manual.yaml", [], max_bytes=max_bytes) if path.is_file() else None
    if text is None:
        return {}  # read_manual_file reports why
    try:
        data = load_yaml(text) or {}
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict) or not data.get("former_slugs"):
        return {}
    mapping = data["former_slugs"]
    line = key_line(text, "former_slugs") or 1
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


def read_reconstructed(root, errors, *, max_bytes):
    """manual.yaml's optional `reconstructed:` mapping: `chapter-slug: [version numbers]` of
    versions rebuilt after the fact (a sample manual's early history), which the portal
    labels wherever it shows them as the text of a day."""
    path = root / "manual.yaml"
    text = decode(path, "manual.yaml", [], max_bytes=max_bytes) if path.is_file() else None
    if text is None:
        return {}  # read_manual_file reports why
    try:
        data = load_yaml(text) or {}
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict) or not data.get("reconstructed"):
        return {}
    mapping = data["reconstructed"]
    line = key_line(text, "reconstructed") or 1
    what = "reconstructed should map a chapter's slug to a list of its version numbers"
    if not isinstance(mapping, dict):
        errors.append(ContentError("manual.yaml", line, what, "bad_reconstructed"))
        return {}
    result = {}
    for slug, numbers in mapping.items():
        if (
            not isinstance(slug, str)
            or not SLUG.match(slug)
            or not isinstance(numbers, list)
            or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers)
        ):
            errors.append(
                ContentError("manual.yaml", line, f"{what} (see '{slug}')", "bad_reconstructed")
            )
            continue
        result[slug] = tuple(sorted(set(numbers)))
    return result
