"""Links to other chapters written `[[slug]]`, `[[slug#anchor]]`, `[[slug|text]]`,
`[[slug#anchor|text]]` or `[[#anchor]]` (a section of the same chapter).

Anything else between double square brackets is not a link the portal can follow: it is
reported with its line and left as plain text, so a typo never breaks a page or a preview.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.text import slugify

from procedures.problems import Problem

# Everything from `[[` to the next `]]` on the same line is meant as a cross-link. The
# length is bounded, so a line of thousands of `[` is scanned in linear time.
ATTEMPT = re.compile(r"\[\[([^\n\]]{0,300})\]\]")
PARTS = re.compile(r"\s*([^|#]*?)\s*(?:#\s*([^|]*?)\s*)?(?:\|\s*(.*?)\s*)?")
# Chapter addresses are lowercase words joined by hyphens: the one definition, which the
# version rules use too, so every well-formed link has an address the portal can build.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANCHOR = re.compile(r"^[A-Za-z0-9_-]+$")

FORMS = "write [[slug]], [[slug#anchor]] or [[slug|your words]]"


@dataclass(frozen=True)
class CrossLink:
    slug: str  # "" for a section of the same chapter whose slug is not known
    anchor: str
    text: str


@dataclass(frozen=True)
class OutgoingLink:
    slug: str
    anchor: str
    line: int


def parse(inner: str, own_slug: str = "") -> CrossLink | None:
    """What is between `[[` and `]]`, or None when it is not a well-formed cross-link."""
    match = PARTS.fullmatch(inner)
    if match is None:
        return None
    slug, anchor, text = (group or "" for group in match.groups())
    if slug and not SLUG.match(slug):
        return None
    if anchor and not ANCHOR.match(anchor):
        return None
    if "[" in inner:
        return None
    if not slug and not anchor and "#" not in inner:
        return None  # [[]] or [[|text]]: no chapter at all
    return CrossLink(slug=slug or own_slug, anchor=anchor, text=text)


def scan(lines, own_slug, *, known=None):
    """The well-formed links of numbered source lines, and the problems of the others.
    `known` holds the chapters' slugs that a malformed link's "did you mean" may name (None:
    no suggestion is made)."""
    links, problems = [], []
    for number, line in lines:
        for match in ATTEMPT.finditer(line):
            link = parse(match.group(1), own_slug)
            if link is None:
                problems.append(malformed(match.group(0), number, known=known))
            elif link.slug or link.anchor:
                links.append(OutgoingLink(slug=link.slug, anchor=link.anchor, line=number))
            else:
                problems.append(
                    Problem(
                        "empty_cross_link",
                        "a cross-link needs a chapter",
                        "write [[slug]] or [[slug#anchor]]",
                        "body",
                        number,
                    )
                )
        if "[[" in ATTEMPT.sub("", line):
            problems.append(
                Problem(
                    "unclosed_cross_link",
                    "'[[' starts a cross-link that is not closed with ']]' on the same line",
                    f"{FORMS}, on one line",
                    "body",
                    number,
                )
            )
    return links, problems


def closest(name: str, choices) -> str:
    """The one of `choices` that `name` was most likely meant to be, or "" when none is
    close: a suggestion only ever names something that exists."""
    if not name or not choices:
        return ""
    if name in choices:
        return name
    found = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.75)
    return found[0] if found else ""


def malformed(written: str, line: int, *, known=None) -> Problem:
    inner = written[2:-2]
    target, _, rest = inner.split("|")[0].partition("#")
    guess = closest(slugify(target), known or ())
    anchor = rest.strip() if rest.strip() and ANCHOR.match(rest.strip()) else ""
    suggestion = f"{guess}#{anchor}" if guess and anchor else guess
    hint = (
        f" (did you mean [[{suggestion}]]?)" if suggestion and suggestion != inner.strip() else ""
    )
    shown = written if len(written) <= 80 else written[:77] + "..."
    return Problem(
        "bad_cross_link",
        f"'{shown}' is not a cross-link the portal can follow{hint}",
        f"{FORMS}, where slug is the chapter's address: lowercase words joined by hyphens",
        "body",
        line,
    )
