"""What changed between two texts of a chapter, section by section, word by word.

Pure: two `Side`s in (each a version's or a draft's rendered HTML and details), a
`ChapterDiff` out. Sections are matched by their stable anchors; inside a section, paragraphs
are matched first and words second. Added words are wrapped in <ins>, removed ones in <del>,
each with visually hidden "added"/"removed" text, so the change never rests on colour (the
browser also underlines <ins> and strikes through <del>).
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Elements whose start or end separates one paragraph of text from the next.
BLOCK_TAGS = {
    "p", "li", "ul", "ol", "pre", "blockquote", "table", "thead", "tbody", "tr", "div", "dl",
    "dt", "dd", "hr", "br", "h4", "h5", "h6", "caption",
}  # fmt: skip
CONTEXT = 1  # unchanged paragraphs shown either side of a change


@dataclass(frozen=True)
class Side:
    """One text of a chapter, as the diff needs it."""

    label: str  # "Version 2", "This draft"
    chapter_number: str
    title: str
    part: str
    effective_date: datetime.date | None
    html: str
    review_date: datetime.date | None = None
    related: tuple[str, ...] = ()
    withdrawn: bool = False
    withdrawn_reason: str = ""
    replaced_by: str = ""
    slug: str = ""
    routes: tuple[str, ...] = ()
    # (label, value as shown) of every detail "what changed" compares, in order.
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Detail:
    label: str
    before: str
    after: str


@dataclass
class SectionDiff:
    anchor: str
    title: str  # plain text
    status: str  # "added", "removed", "changed", "unchanged"
    title_html: SafeString = mark_safe("")
    blocks: list[SafeString] = field(default_factory=list)

    @property
    def label(self):
        return {
            "added": "New section",
            "removed": "Section removed",
            "changed": "Changed",
            "unchanged": "No changes",
        }[self.status]


@dataclass
class ChapterDiff:
    old: Side | None
    new: Side
    details: list[Detail]
    sections: list[SectionDiff]
    words_added: int = 0
    words_removed: int = 0

    @property
    def changed(self):
        return bool(self.details) or any(s.status != "unchanged" for s in self.sections)

    @property
    def changed_sections(self):
        return [s for s in self.sections if s.status != "unchanged"]

    @property
    def unchanged_sections(self):
        return [s for s in self.sections if s.status == "unchanged"]


def diff_chapter(old: Side | None, new: Side) -> ChapterDiff:
    """Compare `old` (None for a new chapter) with `new`."""
    counter = _Counter()
    old_sections = sections_of(old.html) if old else []
    new_sections = sections_of(new.html)
    result = ChapterDiff(old=old, new=new, details=_details(old, new) if old else [], sections=[])
    old_keys = [s.key for s in old_sections]
    new_keys = [s.key for s in new_sections]
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for before, after in zip(old_sections[i1:i2], new_sections[j1:j2], strict=True):
                result.sections.append(_section_diff(before, after, counter))
        else:
            for before in old_sections[i1:i2]:
                result.sections.append(_whole_section(before, "removed", counter))
            for after in new_sections[j1:j2]:
                result.sections.append(_whole_section(after, "added", counter))
    result.words_added = counter.added
    result.words_removed = counter.removed
    return result


# --- sections and paragraphs of rendered HTML -----------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph's text with the links in it as (link text, address): a changed address is
    a change even when every word stays the same."""

    text: str
    links: tuple[tuple[str, str], ...] = ()

    def __str__(self):
        return self.text


@dataclass
class SectionText:
    anchor: str
    title: str
    level: int
    blocks: list[Block]

    @property
    def key(self):
        return self.anchor or "(introduction)"


def sections_of(html: str) -> list[SectionText]:
    """A rendered chapter as sections (split at h2/h3 headings with an id) of paragraphs."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    parser.flush()
    return [s for s in parser.sections if s.anchor or s.blocks]


class _BlockParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = [SectionText(anchor="", title="", level=1, blocks=[])]
        self.buffer = []
        self.heading = None  # (level, anchor, pieces) inside a section heading
        self.hidden_depth = 0  # inside aria-hidden decoration (the warning icon)
        self.stack = []
        self.links = []  # (text, address) of the links in the paragraph so far
        self.link = None  # (address, pieces) inside a link

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = attributes.get("aria-hidden") == "true"
        if tag not in {"br", "hr"}:
            self.stack.append((tag, hidden))
        if hidden:
            self.hidden_depth += 1
        if tag == "a" and attributes.get("href"):
            self.link = (attributes["href"], [])
        if tag in {"h2", "h3"} and attributes.get("id"):
            self.flush()
            self.heading = (int(tag[1]), attributes["id"], [])
        elif tag in {"td", "th"} and "".join(self.buffer).strip():
            self.buffer.append(" | ")
        elif tag in BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, hidden = self.stack.pop()
            if hidden:
                self.hidden_depth -= 1
            if open_tag == tag:
                break
        if tag == "a" and self.link is not None:
            address, pieces = self.link
            self.links.append((_squash("".join(pieces)), address))
            self.link = None
        if self.heading and tag == f"h{self.heading[0]}":
            level, anchor, pieces = self.heading
            self.sections.append(
                SectionText(anchor=anchor, title=_squash("".join(pieces)), level=level, blocks=[])
            )
            self.heading = None
        elif tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data):
        if self.hidden_depth:
            return
        (self.heading[2] if self.heading else self.buffer).append(data)
        if self.link is not None:
            self.link[1].append(data)

    def flush(self):
        text = _squash("".join(self.buffer))
        links, self.buffer, self.links = tuple(self.links), [], []
        if text:
            self.sections[-1].blocks.append(Block(text, links))


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


# --- marking changes ------------------------------------------------------------------------


class _Counter:
    def __init__(self):
        self.added = 0
        self.removed = 0


def _ins(text, counter):
    counter.added += len(text.split())
    return format_html(
        '<ins class="app-diff__ins"><span class="govuk-visually-hidden">Added: </span>{}'
        '<span class="govuk-visually-hidden"> (end of addition)</span></ins>',
        text,
    )


def _del(text, counter):
    counter.removed += len(text.split())
    return format_html(
        '<del class="app-diff__del"><span class="govuk-visually-hidden">Removed: </span>{}'
        '<span class="govuk-visually-hidden"> (end of removal)</span></del>',
        text,
    )


def words_diff(before: str, after: str, counter: _Counter | None = None) -> SafeString:
    """`after` with the words added since `before` in <ins> and those removed in <del>."""
    counter = counter or _Counter()
    old, new = before.split(), after.split()
    pieces = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(escape(" ".join(new[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(_del(" ".join(old[i1:i2]), counter))
        if j2 > j1:
            pieces.append(_ins(" ".join(new[j1:j2]), counter))
    return mark_safe(" ".join(pieces))


def _section_diff(before: SectionText, after: SectionText, counter) -> SectionDiff:
    if before.title == after.title:
        title_html = escape(after.title)
    else:
        title_html = words_diff(before.title, after.title, counter)
    blocks = _blocks_diff(before.blocks, after.blocks, counter)
    changed = before.title != after.title or before.blocks != after.blocks
    return SectionDiff(
        anchor=after.anchor,
        title=after.title,
        status="changed" if changed else "unchanged",
        title_html=mark_safe(title_html),
        blocks=blocks if changed else [],
    )


def _whole_section(section: SectionText, status, counter) -> SectionDiff:
    mark = _ins if status == "added" else _del
    return SectionDiff(
        anchor=section.anchor,
        title=section.title,
        status=status,
        title_html=mark(section.title, counter) if section.title else mark_safe(""),
        blocks=[mark(block.text, counter) for block in section.blocks],
    )


def _blocks_diff(old, new, counter) -> list[SafeString]:
    """Paragraphs of the new text with changes marked; long unchanged runs are summarised."""
    items = []  # (changed?, html)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            items.extend((False, escape(block.text)) for block in new[j1:j2])
        elif tag == "delete":
            items.extend((True, _del(block.text, counter)) for block in old[i1:i2])
        elif tag == "insert":
            items.extend((True, _ins(block.text, counter)) for block in new[j1:j2])
        else:
            before, after = old[i1:i2], new[j1:j2]
            for index in range(max(len(before), len(after))):
                if index < len(before) and index < len(after):
                    was, now = before[index], after[index]
                    html = words_diff(was.text, now.text, counter) + _links_diff(was, now)
                    items.append((True, html))
                elif index < len(before):
                    items.append((True, _del(before[index].text, counter)))
                else:
                    items.append((True, _ins(after[index].text, counter)))
    changed_at = [i for i, (changed, _) in enumerate(items) if changed]
    keep = {
        i
        for position in changed_at
        for i in range(position - CONTEXT, position + CONTEXT + 1)
        if 0 <= i < len(items)
    }
    blocks, skipped = [], 0
    for index, (_changed, html) in enumerate(items):
        if index in keep:
            if skipped:
                blocks.append(_skipped(skipped))
                skipped = 0
            blocks.append(mark_safe(html))
        else:
            skipped += 1
    if skipped:
        blocks.append(_skipped(skipped))
    return blocks


def _links_diff(before: Block, after: Block) -> SafeString:
    """Say which link addresses changed in a paragraph: the words alone may not."""
    old, new = dict(before.links), dict(after.links)
    notes = []
    for text, address in after.links:
        if text in old and old[text] != address:
            notes.append(
                format_html(
                    "Link “{}” now goes to {} (was {}).",
                    text,
                    _ins(address, _Counter()),
                    _del(old[text], _Counter()),
                )
            )
        elif text not in old and address not in old.values():
            notes.append(format_html("New link “{}” to {}.", text, _ins(address, _Counter())))
    for text, address in before.links:
        if text not in new and address not in new.values():
            notes.append(format_html("Link “{}” to {} removed.", text, _del(address, _Counter())))
    if not notes:
        return mark_safe("")
    return format_html(
        '<span class="app-diff__links">{}</span>',
        format_html_join(" ", "{}", ((n,) for n in notes)),
    )


def external_domains(html: str) -> set[str]:
    """The other sites a text links to (host names of its http and https links)."""
    return {
        urlsplit(address).hostname or ""
        for section in sections_of(html)
        for block in section.blocks
        for _, address in block.links
        if address.startswith(("http://", "https://"))
    } - {""}


def _skipped(count):
    noun = "paragraph" if count == 1 else "paragraphs"
    return format_html('<span class="app-diff__skipped">({} unchanged {})</span>', count, noun)


# --- details around the text ----------------------------------------------------------------


def _date(value):
    return f"{value.day} {value:%B %Y}" if value else "none"


def _shown_details(side: Side) -> tuple[tuple[str, str], ...]:
    """The side's labelled details: those its record gave, else the ones every chapter has."""
    if side.details:
        return side.details
    return (
        ("Chapter number", side.chapter_number),
        ("Title", side.title),
        ("Part", side.part),
        ("Web address", side.slug),
        ("Effective date", _date(side.effective_date)),
        ("Next review", _date(side.review_date)),
        ("Related chapters", ", ".join(side.related) or "none"),
        ("Status", "withdrawn" if side.withdrawn else "in use"),
        ("Reason for withdrawal", side.withdrawn_reason or "none"),
        ("Read instead", side.replaced_by or "none"),
    )


def _details(old: Side, new: Side) -> list[Detail]:
    before = dict(_shown_details(old))
    details = [
        Detail(label, before.get(label, "none"), after)
        for label, after in _shown_details(new)
        if before.get(label, "none") != after
    ]
    # A link to a site the chapter never sent readers to before deserves a second look.
    new_sites = external_domains(new.html) - external_domains(old.html)
    if new_sites:
        details.append(Detail("Links to new sites", "none", ", ".join(sorted(new_sites))))
    return details
