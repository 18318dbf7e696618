"""Reading a content file's text, and pointing at its lines for messages that say where to
look."""

import re

from procedures.content.errors import ContentError


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


def decode(path, shown, errors):
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
