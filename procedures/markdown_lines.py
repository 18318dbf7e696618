"""How the renderer reads a line of markdown: what is code, a heading, a list or quote marker.

The checks that run before markdown (source_checks, dead_ends, cross_links, phone numbers)
read the text through these functions, so they see what the renderer will make of it: a check
that skipped lines the renderer shows (fenced code, when the renderer has no fenced code)
once let a list nested 100 deep through to the PDFs.

Every function here is linear in its input: no pattern with two ways to match the same
characters (a heading's run of spaces once took minutes to read).
"""

import re
from dataclasses import dataclass

# The markdown extensions the renderer uses (procedures/rendering.py builds its converter
# from this list). "fenced_code" is not one of them: three backticks on a line are text.
EXTENSIONS = ("attr_list", "tables", "sane_lists", "admonition", "toc")
FENCES_ARE_CODE = "fenced_code" in EXTENSIONS
FENCE = re.compile(r"[ \t]*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")

# Lists, quotes and indented blocks: each marker at a line's start opens one block.
NESTING_MARKER = re.compile(r"(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))[ \t]*")
RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")


@dataclass(frozen=True)
class Heading:
    level: int  # 1 to 6
    text: str  # as written, without its #s and {attribute list}
    anchor: str | None  # the {#anchor} written after it, if any


def lines_outside_code(source, first_line):
    """Source lines with their line numbers, inline code taken out; lines of fenced code
    are skipped only when the renderer treats fences as code (FENCES_ARE_CODE)."""
    in_fence = False
    for offset, line in enumerate(source.split("\n")):
        if FENCES_ARE_CODE and FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield first_line + offset, INLINE_CODE.sub("", line) if "`" in line else line


def heading(line: str) -> Heading | None:
    """The heading a line is, read as Python-Markdown's hash headers and attr_list read it:
    one to six #s at the start, trailing #s dropped, a final {#anchor} taken as its id."""
    level = len(line) - len(line.lstrip("#"))
    if level == 0:
        return None
    level = min(level, 6)
    body = line[level:].strip().rstrip("#").rstrip()
    anchor = None
    if body.endswith("}"):
        start = body.rfind("{")
        inner = body[start + 1 : -1] if start != -1 else ""
        # attr_list wants a space before the brace, and nothing after the closing one.
        if start > 0 and body[start - 1] == " " and "}" not in inner:
            words = inner.lstrip(":").split()
            ids = [word[1:] for word in words if word.startswith("#") and len(word) > 1]
            if words:
                body = body[:start].rstrip()
                anchor = ids[-1] if ids else None
    return Heading(level=level, text=body, anchor=anchor)


def nesting_of(line: str, limit: int) -> int:
    """How many blocks a line opens: four columns of indentation each, and each list or
    quote marker at its start (`> > - 1. text` is four). Counting stops past `limit`."""
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)].expandtabs(4)
    depth = len(indent) // 4
    if RULE.fullmatch(stripped):
        return depth
    position = 0
    while depth <= limit:
        marker = NESTING_MARKER.match(stripped, position)
        if marker is None:
            break
        depth += 1
        position = marker.end()
    return depth
