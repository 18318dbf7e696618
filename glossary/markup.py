"""Mark the first use of each glossary term in a chapter's HTML.

Done when a page is built, on the stored (sanitised) HTML, not when a version is rendered:
the glossary changes on its own timetable, and a version's stored HTML never changes. The
chapter page, the as-of page and the admin's preview of a draft all go through
procedures.views.render_version_page, so the preview is still the page, byte for byte, and
the page cache keeps the cost to one pass per page per change (a glossary change replaces the
cache stamp: see signals.py).

Nothing that needs hover: an abbreviation's expansion is written out after it, unless the
text already spells it out beside it ("designated safeguarding lead (DSL)"), and the term
links to its entry. Headings, links, code and existing abbreviations are left alone; only
whole words match; an abbreviation matches only as written ("CSE", never "cse"), and a term
written in lower case also matches with a capital first letter (at the start of a sentence).
"""

import html
import re
from dataclasses import dataclass

# A tag as the sanitiser writes it: attribute values are always double-quoted.
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
# Inside these the text is left as it is.
LEAVE_ALONE = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "abbr", "script", "style"}
VOID = {"br", "hr", "img", "wbr", "input", "meta", "link"}


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    expansion: str = ""


def terms_of(versions):
    return [Term(slug=v.entry.slug, term=v.term, expansion=v.expansion) for v in versions]


def term_pattern(term: str) -> str:
    """The regular expression for a term: as written, any white space between its words, and
    a capital first letter allowed when it is written in lower case (whole words: see
    _Pending.pattern)."""
    first, rest = term[0], term[1:]
    start = (
        f"[{re.escape(first)}{re.escape(first.upper())}]" if first.islower() else re.escape(first)
    )
    body = r"\s+".join(re.escape(word) for word in rest.split(" "))
    return start + body


class _Pending:
    """The terms not marked yet, as one pattern, remade each time a term is used so that the
    rest of the text is searched only for what is left."""

    def __init__(self, terms):
        # Longest first, so "section 47 enquiry" wins over "section 47" where both are terms.
        self.terms = sorted(terms, key=lambda t: -len(t.term))
        self._compile()

    def _compile(self):
        alternatives = "|".join(
            f"(?P<t{i}>{term_pattern(t.term)})" for i, t in enumerate(self.terms)
        )
        self.pattern = re.compile(rf"(?<![\w&#])(?:{alternatives})(?![\w])")

    def use(self, group):
        term = self.terms.pop(int(group[1:]))
        if self.terms:
            self._compile()
        return term


def mark_first_uses(fragment: str, terms, *, glossary_url: str) -> str:
    """`fragment` with the first use of each of `terms` marked up and linked to its entry at
    `glossary_url`#<slug>. Text outside the places left alone is otherwise unchanged."""
    if not fragment:
        return fragment
    folded = fragment.casefold()
    # Only terms the text may hold (a cheap test) are searched for.
    terms = [t for t in terms if t.term and t.term.split(" ")[0].casefold() in folded]
    if not terms:
        return fragment
    pending = _Pending(terms)
    out, depth, position = [], 0, 0
    for tag in TAG.finditer(fragment):
        text = fragment[position : tag.start()]
        out.append(_mark_text(text, pending, glossary_url) if depth == 0 else text)
        out.append(tag.group(0))
        position = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        if name in LEAVE_ALONE and name not in VOID and not tag.group(3).rstrip().endswith("/"):
            depth = max(0, depth - 1) if closing else depth + 1
    rest = fragment[position:]
    out.append(_mark_text(rest, pending, glossary_url) if depth == 0 else rest)
    return "".join(out)


def _mark_text(text, pending, glossary_url):
    if not pending.terms or not text.strip():
        return text
    # Entities (&amp;, &nbsp;) are never split or matched inside.
    pieces, position = [], 0
    for entity in ENTITY.finditer(text):
        pieces.append(_mark_run(text[position : entity.start()], pending, glossary_url))
        pieces.append(entity.group(0))
        position = entity.end()
    pieces.append(_mark_run(text[position:], pending, glossary_url))
    return "".join(pieces)


def _mark_run(run, pending, glossary_url):
    out, position = [], 0
    while pending.terms:
        match = pending.pattern.search(run, position)
        if match is None:
            break
        term = pending.use(match.lastgroup)
        out.append(run[position : match.start()])
        out.append(_marked(match.group(0), term, run, match, glossary_url))
        position = match.end()
    out.append(run[position:])
    return "".join(out)


def _marked(written, term, run, match, glossary_url):
    href = html.escape(f"{glossary_url}#{term.slug}")
    if not term.expansion:
        return f'<a class="govuk-link" href="{href}">{written}</a>'
    abbr = f"<abbr>{written}</abbr>"
    if _spelt_out_beside(term.expansion, run, match.start(), match.end()):
        return f'<a class="govuk-link" href="{href}">{abbr}</a>'
    return f'<a class="govuk-link" href="{href}">{abbr} ({html.escape(term.expansion)})</a>'


NEARBY = 120  # characters beside an abbreviation where "(expansion)" may be written


def _spelt_out_beside(expansion, run, start, end):
    """Whether the text already says "expansion (ABBR)" or "ABBR (expansion)", allowing a
    word or two between ("Regulation (UK GDPR)", "DASH risk checklist (domestic ...)")."""
    words = r"\s+".join(re.escape(word) for word in expansion.split())
    # Only the words just beside it: searching all the text before each use read a long
    # paragraph again for every term in it.
    reach = len(expansion) + NEARBY
    before, after = run[max(0, start - reach) : start], run[end : end + reach]
    return bool(
        re.search(rf"{words}\s*\((?:\s*[\w-]+){{0,2}}\s*$", before, re.IGNORECASE)
        or re.match(rf"(?:\s+[\w-]+){{0,3}}\s*\(\s*{words}\s*\)", after, re.IGNORECASE)
    )
