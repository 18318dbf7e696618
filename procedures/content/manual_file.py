"""manual.yaml: the manual's title, its parts, its releases and the former slugs of renamed
chapters."""

from dataclasses import dataclass

import yaml

from procedures.content.errors import ContentError
from procedures.content.source_text import decode, key_line, yaml_line, yaml_problem
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


def read_manual_file(root, errors):
    path = root / "manual.yaml"
    shown = "manual.yaml"
    if not path.is_file():
        errors.append(
            ContentError(shown, 0, "missing: the manual's title and its parts", "no_manual_file")
        )
        return "", {}, {}
    text = decode(path, shown, errors)
    if text is None:
        return "", {}, {}
    try:
        data = yaml.safe_load(text) or {}
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
    parts = {}
    for item in data.get("parts") or []:
        number = item.get("number") if isinstance(item, dict) else None
        part_title = item.get("title") if isinstance(item, dict) else None
        line = key_line(text, "- number", str(number)) or 1
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
                    key_line(text, "releases") or 1,
                    "each release needs a 'name' and a 'date' (YYYY-MM-DD)",
                    "bad_release",
                )
            )
            continue
        releases[release.name] = release
    return str(data.get("title") or "").strip(), parts, releases


def read_former_slugs(root, errors):
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
