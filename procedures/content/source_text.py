"""Reading a content file's text, and pointing at its lines for messages that say where to
look."""

import re
from dataclasses import dataclass

import yaml

from procedures.content.errors import ContentError
from procedures.source_checks import CONTROL


class ContentLoader(yaml.SafeLoader):
    """YAML as the content files use it, with dates left as text: YAML's own date parsing
    raises a bare ValueError for a day that does not exist (2025-02-30), and the readers
    check each date field themselves, naming its line."""


class FastContentLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same, parsed by libyaml where PyYAML was built with it: parsing every file's front
    matter in Python was most of a load that has nothing to do."""


for _loader in (ContentLoader, FastContentLoader):
    _loader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )


def load_yaml(text):
    """Parse content YAML; raises yaml.YAMLError (with a mark when it can point at a line)."""
    try:
        return yaml.load(text, Loader=FastContentLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        # Parsed again in Python for the error: its messages are the ones the readers quote.
        return yaml.load(text, Loader=ContentLoader)  # noqa: S506 (a safe loader)


def key_line(text, key, value=None):
    """1-based line of `key:` in YAML text (0 when absent), for pointing at the field."""
    pattern = re.compile(
        rf"^\s*{re.escape(key)}\s*:" + (rf"\s*{re.escape(value)}" if value else "")
    )
    for number, line in enumerate(text.split("\n"), start=1):
        if pattern.match(line):
            return number
    return 0


def yaml_line(error):
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark else 1


def yaml_problem(error):
    return getattr(error, "problem", None) or str(error).splitlines()[0]


def decode(path, shown, errors, *, max_bytes):
    """The file's text, or None after reporting why it cannot be used: larger than
    `max_bytes` (found without reading it whole), not UTF-8, or holding control characters."""
    with open(path, "rb") as file:
        raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        errors.append(
            ContentError(
                shown,
                0,
                f"the file is larger than {max_bytes // 1024} KB, the most a content file may "
                "be (MAX_VERSION_BYTES); split the chapter into smaller chapters",
                "file_too_large",
            )
        )
        return None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
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
    found = False
    for number, line in enumerate(text.split("\n"), start=1):
        character = CONTROL.search(line)
        if character:
            found = True
            errors.append(
                ContentError(
                    shown,
                    number,
                    f"an invisible control character (U+{ord(character.group()):04X}) is on "
                    "this line; delete it (it often comes with text pasted from another "
                    "program)",
                    "control_character",
                )
            )
    return None if found else text


def split_front_matter(text, shown, errors):
    """A markdown file's front matter, parsed: (fields, front matter text, lines, index of the
    closing '---' line), or None after reporting why not."""
    lines = text.replace("\r\n", "\n").split("\n")
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
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if closing is None:
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
        meta = load_yaml(front) or {}
    except yaml.YAMLError as error:
        errors.append(
            ContentError(
                shown,
                yaml_line(error) + 1,
                f"front matter is not valid YAML: {yaml_problem(error)}",
                "bad_yaml",
            )
        )
        return None
    if not isinstance(meta, dict):
        errors.append(
            ContentError(shown, 2, "front matter should be 'field: value' lines", "bad_yaml")
        )
        return None
    return meta, front, lines, closing


@dataclass(frozen=True)
class FrontMatterFile:
    """A markdown file with front matter, read: its fields and where each is, and its body
    with the file line the body starts on (blank lines after the front matter skipped)."""

    shown: str  # the path as messages give it
    meta: dict
    front: str
    body: str
    body_line: int

    def line_of(self, key) -> int:
        """The file line of a front-matter field (1 when it is not there)."""
        found = key_line(self.front, str(key))
        return found + 1 if found else 1  # +1: the opening '---' is line 1


def read_front_matter_file(path, root, errors, *, max_bytes) -> FrontMatterFile | None:
    """A content file's front matter and body, or None after reporting why it cannot be
    read: the chapter versions and a partnership's local information are both written so."""
    shown = path.relative_to(root).as_posix()
    text = decode(path, shown, errors, max_bytes=max_bytes)
    if text is None:
        return None
    found = split_front_matter(text, shown, errors)
    if found is None:
        return None
    meta, front, lines, closing = found
    body_lines = lines[closing + 1 :]
    joined = "\n".join(body_lines)
    leading_blank = len(body_lines) - len(joined.lstrip("\n").split("\n"))
    return FrontMatterFile(
        shown=shown,
        meta=meta,
        front=front,
        body=joined.strip("\n") + "\n",
        body_line=closing + 2 + leading_blank,
    )
