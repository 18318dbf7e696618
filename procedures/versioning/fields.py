"""One table of a kind's fields, and the one front-matter reader and writer that follow it.

A content file's front matter (`key: value` lines between `---` lines) is read field by field
as its kind's table says: which are required, what type each holds, how long a text may be.
The same table writes the front matter back (export), names what goes into the source hash,
and tells the diff which details to compare. A new field is a row here and a column in its
model.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from procedures.problems import Problem
from procedures.source_checks import CONTROL

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_NUMBER = 2**31


@dataclass(frozen=True)
class Field:
    """A front-matter field of a content file and the record attribute it fills."""

    key: str  # as written in the file
    attr: str  # the record's attribute (and, unless `column` says otherwise, the model's)
    kind: str  # text, int, date, bool, slugs
    what: str  # what to write, for messages
    required: bool = False
    always_written: bool = False  # exported even when empty or false
    max_length: int | None = None  # text longer than the database column holds is a problem
    # Part of the version's identity (its source hash): "always", "when set" (a field added
    # later, so versions stored before it keep their hashes) or "never" (derived elsewhere).
    hashed: str = "when set"
    label: str = ""  # how "what changed" names it; "" when it is not shown as a detail


def read_front_matter(meta: Mapping, fields: Iterable[Field]):
    """The values of `meta` (a parsed front matter) as `fields` describe them.

    Returns (values by record attribute, problems). Every problem names the record field it
    concerns, so a caller can point at the file's line or the form's field."""
    fields = tuple(fields)
    by_key = {spec.key: spec for spec in fields}
    problems, values = [], {}

    def fail(spec, code, message):
        problems.append(Problem(code, message, field=spec.attr))

    for key in meta:
        if key not in by_key:
            problems.append(
                Problem(
                    "unknown_field",
                    f"unknown field '{key}'",
                    f"the fields are: {', '.join(by_key)}",
                    field=str(key),
                )
            )
    for spec in fields:
        raw = meta.get(spec.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.required:
                fail(spec, "missing_field", f"front matter is missing '{spec.key}': {spec.what}")
            continue
        if spec.kind == "text":
            text = str(raw).strip()
            if CONTROL.search(text):
                fail(spec, "control_character", f"'{spec.key}' holds a control character")
            elif spec.max_length is not None and len(text) > spec.max_length:
                fail(spec, "too_long", f"'{spec.key}' is longer than {spec.max_length} characters")
            else:
                values[spec.attr] = text
        elif spec.kind == "int":
            if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw < MAX_NUMBER:
                fail(spec, "not_a_number", f"'{spec.key}' should be {spec.what}")
            else:
                values[spec.attr] = raw
        elif spec.kind == "date":
            try:
                values[spec.attr] = as_date(raw)
            except (TypeError, ValueError, OverflowError):
                fail(spec, "not_a_date", f"'{str(raw)[:40]}' is not a date; {spec.what}")
        elif spec.kind == "bool":
            if not isinstance(raw, bool):
                fail(spec, "not_true_or_false", f"'{spec.key}' should be true or false")
            else:
                values[spec.attr] = raw
        elif spec.kind == "slugs":
            if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                fail(spec, "not_a_list", spec.what)
            else:
                values[spec.attr] = tuple(raw)
    return values, problems


def file_values(record, fields: Iterable[Field]) -> dict:
    """Field key -> value as the content files (and the source hash) hold it."""
    values = {}
    for spec in fields:
        value = getattr(record, spec.attr)
        if spec.kind == "date":
            value = value.isoformat() if value else None
        elif spec.kind == "slugs":
            value = list(value)
        values[spec.key] = value
    return values


def write_front_matter(record, fields: Iterable[Field], *, quote, slug, slug_keys=()) -> list[str]:
    """The front matter lines of `record` (export), given how to write a YAML string and a
    slug; `slug_keys` are the text fields that hold a slug."""
    lines = []
    for spec in fields:
        value = file_values(record, (spec,))[spec.key]
        if not value and not spec.always_written:
            continue
        if spec.kind == "bool":
            text = "true" if value else "false"
        elif spec.kind == "slugs":
            text = f"[{', '.join(map(slug, value))}]"
        elif spec.kind in ("int", "date"):
            text = str(value)
        elif spec.key in slug_keys:
            text = slug(value)
        else:
            text = quote(value)
        lines.append(f"{spec.key}: {text}")
    return lines


def hashed_values(record, fields: Iterable[Field]) -> dict:
    """What a version's identity covers, by field key (see `Field.hashed`)."""
    fields = tuple(fields)
    values = file_values(record, fields)
    return {
        spec.key: values[spec.key]
        for spec in fields
        if spec.hashed == "always" or (spec.hashed == "when set" and values[spec.key])
    }


def as_date(value) -> datetime.date:
    """A date, or its YYYY-MM-DD text. Raises ValueError for anything else, including a day
    that does not exist (2025-02-30)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    return datetime.date.fromisoformat(text)
