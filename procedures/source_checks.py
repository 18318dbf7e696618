"""What is wrong with a chapter's markdown source, found by reading its lines.

The limits (size, nesting, control characters) are checked before markdown runs: a text past
them is never rendered, because markdown's time grows much faster than the text (a list
nested 1,000 deep took over ten seconds, 3,000 deep did not finish).
"""

import re

from procedures.markdown_lines import heading, lines_outside_code, nesting_of
from procedures.problems import Problem

__all__ = ["heading", "lines_outside_code", "nesting_of"]  # read the text as the renderer does

RAW_HTML_TAG = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^<>\s]*>|<[^<>\s@]+@[^<>\s@]+>")
URL_IN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
SAFE_URL_SCHEMES = {"http", "https", "mailto", "tel"}
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)\s*:")
AFTER_IMAGE_TEXT = re.compile(r"\]\s*[(\[]")

# C0 and C1 control characters other than tab and line ends, lone surrogates and
# non-characters: invisible, refused by PostgreSQL (NUL), or used by markdown internally.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Lists, quotes and indented blocks nest this deep at most; a manual needs three or four.
MAX_NESTING = 20
MAX_PARAGRAPH = 20_000
MAX_BRACKETS = 300


def line_ends_normalised(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\r", "\n")


def size_problem(source: str, max_bytes: int) -> Problem | None:
    size = len(source.encode("utf-8", "surrogatepass"))
    if size <= max_bytes:
        return None
    return Problem(
        "too_large",
        f"the chapter text is {_size(size)}; a version may be at most {_size(max_bytes)}",
        "split the chapter into smaller chapters",
        "body",
    )


def control_problems(source: str, first_line: int):
    """One problem per line holding invisible control characters; the text without them."""
    problems = []
    if CONTROL.search(source):
        for offset, line in enumerate(source.split("\n")):
            found = CONTROL.search(line)
            if found:
                problems.append(
                    Problem(
                        "control_character",
                        f"an invisible control character (U+{ord(found.group()):04X}) is in "
                        "the text",
                        "delete it (it often comes with text pasted from another program)",
                        "body",
                        first_line + offset,
                    )
                )
        source = CONTROL.sub("", source)
    return source, problems


def paragraph_problems(source: str, first_line: int):
    """Paragraphs too long, or with too many '[', for markdown to read in bounded time (it
    looks for the end of every bracket to the end of its paragraph)."""
    line = first_line
    for block in source.split("\n\n"):
        if len(block) > MAX_PARAGRAPH or block.count("[") > MAX_BRACKETS:
            return [
                Problem(
                    "paragraph_too_long",
                    f"the paragraph starting on this line is longer than {MAX_PARAGRAPH} "
                    f"characters or holds more than {MAX_BRACKETS} '['",
                    "split it into shorter paragraphs",
                    "body",
                    line + len(block) - len(block.lstrip("\n")),
                )
            ]
        line += block.count("\n") + 2
    return []


def nesting_problems(source: str, first_line: int):
    """The first line nested past the limit (the lines after it usually are too)."""
    too_deep = [
        (number, depth)
        for number, line in lines_outside_code(source, first_line)
        if (depth := nesting_of(line, MAX_NESTING)) > MAX_NESTING
    ]
    if not too_deep:
        return []
    number, depth = too_deep[0]
    more = f" (and {len(too_deep) - 1} more lines)" if len(too_deep) > 1 else ""
    return [
        Problem(
            "too_deep",
            f"this line is nested more than {MAX_NESTING} levels deep (lists, quotes or "
            f"indentation){more}",
            "remove the extra indentation, '>' or list markers",
            "body",
            number,
        )
    ]


def has_image(line):
    """Whether the line has an image (`![text](...)` or `![text][ref]`). Read once from left
    to right: a pattern that looked for the closing bracket again from every `![` took time
    growing with the square of a line of many `![` and no `]`."""
    start = line.find("![")
    while start != -1:
        close = line.find("]", start + 2)
        if close == -1:
            return False
        if AFTER_IMAGE_TEXT.match(line, close):
            return True
        start = line.find("![", close + 1)
    return False


def markup_problems(source, first_line):
    """Raw HTML, unsafe link addresses and level-1 headings."""
    for number, line in lines_outside_code(source, first_line):
        without_autolinks = AUTOLINK.sub("", line)
        tag = RAW_HTML_TAG.search(without_autolinks)
        if tag:
            yield Problem(
                "raw_html",
                f"raw HTML <{tag.group(1)}> is not allowed",
                "write it in markdown "
                "(use **bold**, lists, ## headings, [text](https://...) links)",
                "body",
                number,
            )
        for match in URL_IN_LINK.finditer(line):
            url = match.group(1) or match.group(2) or ""
            scheme = URL_SCHEME.match(url)
            if scheme and scheme.group(1).lower() not in SAFE_URL_SCHEMES:
                # The sanitiser would drop the address and leave a dead link: say so.
                yield Problem(
                    "unsafe_link",
                    f"link to a '{scheme.group(1).lower()}:' address is not allowed",
                    "only https, http, mailto and tel links are",
                    "body",
                    number,
                )
        if has_image(line):
            yield Problem(
                "image_not_shown",
                "images are not shown: the portal's pages carry text only, so the image "
                "would vanish",
                "describe it in words, or link to it as [what it shows](https://...)",
                "body",
                number,
            )
        if (found := heading(line)) and found.level == 1:
            yield Problem(
                "heading_level_1",
                "a level-1 heading ('# ...') is not allowed in the body: the chapter title "
                "is the page's heading",
                "start sections at '## '",
                "body",
                number,
            )


def duplicate_anchor_problems(source, first_line, anchor_for):
    seen = {}
    for number, line in lines_outside_code(source, first_line):
        found = heading(line)
        if found is None or found.level not in (2, 3):
            continue
        anchor = found.anchor or anchor_for(found.text)
        if anchor in seen:
            yield Problem(
                "duplicate_anchor",
                f"section anchor '{anchor}' is already used on line {seen[anchor]}",
                "give this heading its own {#anchor}",
                "body",
                number,
            )
        else:
            seen[anchor] = number


def _size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
