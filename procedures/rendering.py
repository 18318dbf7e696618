"""Markdown in, sanitised HTML with its sections and outgoing links out.

One function, `render_markdown`, serves the content loader, the publisher and the admin
preview, so what an editor previews is byte for byte what a practitioner reads. It is pure:
the chapters that cross-links may point at are passed in, nothing is read from the database.
"""

import hashlib
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass, field

import markdown
import nh3
from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from procedures import cross_links, dead_ends, markdown_lines
from procedures import source_checks as checks
from procedures.cross_links import OutgoingLink
from procedures.phone_numbers import phone_link_problems
from procedures.problems import Problem
from procedures.source_checks import SAFE_URL_SCHEMES

__all__ = ["LinkTarget", "OutgoingLink", "Rendered", "Section", "render_markdown", "sanitise"]

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "caption",
    "div", "span", "abbr", "sub", "sup", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id"},
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "th": {"scope", "align"},
    "td": {"align"},
    "span": {"aria-hidden"},
}
ALLOWED_CLASSES = {
    "a": {"govuk-link", "app-cross-link", "app-external-link"},
    "p": {"govuk-body"},
    "ul": {"govuk-list", "govuk-list--bullet"},
    "ol": {"govuk-list", "govuk-list--number"},
    "h2": {"govuk-heading-m", "app-section-heading"},
    "h3": {"govuk-heading-s", "app-section-heading"},
    "h4": {"govuk-heading-s"},
    "table": {"govuk-table"},
    "thead": {"govuk-table__head"},
    "tbody": {"govuk-table__body"},
    "tr": {"govuk-table__row"},
    "th": {"govuk-table__header"},
    "td": {"govuk-table__cell"},
    "div": {"govuk-warning-text", "govuk-inset-text", "app-warning-text__body"},
    "strong": {"govuk-warning-text__text"},
    "span": {
        "govuk-warning-text__icon",
        "govuk-visually-hidden",
        "app-cross-link--missing",
        "app-cross-link__note",
    },
    "hr": {"govuk-section-break", "govuk-section-break--m", "govuk-section-break--visible"},
    "blockquote": {"govuk-inset-text"},
}
GOVUK_CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "h2": "govuk-heading-m app-section-heading",
    "h3": "govuk-heading-s app-section-heading",
    "h4": "govuk-heading-s",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
    "blockquote": "govuk-inset-text",
}
SECTION_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]*)"[^>]*>(.*?)</h\1>', re.S)


@dataclass(frozen=True)
class LinkTarget:
    """What a cross-link may point at: a chapter's current title and section anchors."""

    slug: str
    title: str
    anchors: frozenset = frozenset()


@dataclass(frozen=True)
class Section:
    position: int
    anchor: str  # "" for the text before the first heading
    title: str
    level: int
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    sections: tuple[Section, ...]
    links: tuple[OutgoingLink, ...]
    text: str
    problems: tuple[Problem, ...] = field(default=())

    @property
    def anchors(self):
        return frozenset(section.anchor for section in self.sections if section.anchor)


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def anchor_for(heading: str) -> str:
    return slugify(heading) or "section"


def chapter_url(slug, anchor=""):
    url = reverse("procedures:chapter", kwargs={"slug": slug})
    return f"{url}#{anchor}" if anchor else url


def render_markdown(
    source: str,
    *,
    targets: Mapping[str, LinkTarget] | None = None,
    slug: str = "",
    first_line: int = 1,
    max_bytes: int | None = None,
    mark_broken: bool = False,
) -> Rendered:
    """Render a chapter body. Never raises: whatever the text, its problems are listed.

    `targets` maps slugs to the chapters cross-links may point at; None skips checking them
    (their links still render). `slug` is the chapter's own, for `[[#anchor]]` links.
    `first_line` is the file line the body starts on, so problems name the file's line.
    `mark_broken` (the editor's preview) shows a cross-link that leads nowhere as plain text
    marked "(broken link)", not as a link; stored pages never have one.
    `max_bytes` defaults to the MAX_VERSION_BYTES setting. A text past the size or nesting
    limits is not rendered at all: its html is empty and its problems say why.
    """
    source = checks.line_ends_normalised(source)
    too_large = checks.size_problem(source, max_bytes or settings.MAX_VERSION_BYTES)
    if too_large:
        return _unrendered([too_large])
    source, problems = checks.control_problems(source, first_line)
    too_deep = checks.nesting_problems(source, first_line) or checks.paragraph_problems(
        source, first_line
    )
    if too_deep:
        return _unrendered(problems + too_deep)
    problems.extend(checks.markup_problems(source, first_line))
    problems.extend(dead_ends.problems(source, first_line))
    converter = _converter(targets or {}, slug, mark_broken=mark_broken and targets is not None)
    try:
        # A line marked <!-- intended --> (see dead_ends) shows without its mark.
        raw_html = converter.convert(dead_ends.without_marks(source))
    except RecursionError:  # nesting the line checks did not foresee
        return _unrendered([*problems, _nested_too_deep(first_line)])
    clean_html = sanitise(raw_html)
    sections = _sections(clean_html)
    anchors = frozenset(s.anchor for s in sections if s.anchor)
    problems.extend(checks.duplicate_anchor_problems(source, first_line, anchor_for))
    links, link_problems = cross_links.scan(
        checks.lines_outside_code(source, first_line), slug, known=targets
    )
    problems.extend(link_problems)
    problems.extend(phone_link_problems(checks.lines_outside_code(source, first_line)))
    if targets is not None:
        problems.extend(_link_problems(links, targets, slug, anchors))
    if not source.strip():
        problems.append(
            Problem(
                "empty_body",
                "the chapter text is empty",
                "write the chapter text",
                "body",
                first_line,
            )
        )
    text = " ".join(section.text for section in sections).strip()
    return Rendered(
        html=clean_html,
        sections=sections,
        links=tuple(links),
        text=text,
        problems=_in_order(problems),
    )


def _unrendered(problems):
    return Rendered(html="", sections=(), links=(), text="", problems=_in_order(problems))


def _in_order(problems):
    return tuple(sorted(problems, key=lambda p: p.line or 0))


def _nested_too_deep(line):
    return Problem(
        "too_deep",
        "the text is nested too deeply to show",
        f"keep lists, quotes and indentation to at most {checks.MAX_NESTING} levels",
        "body",
        line,
    )


def _link_problems(links, targets, own_slug, own_anchors):
    for link in links:
        if link.slug == own_slug:  # includes [[#anchor]] when the chapter's slug is unknown
            anchors = own_anchors
        elif link.slug in targets:
            anchors = targets[link.slug].anchors
        else:
            guess = cross_links.closest(link.slug, targets)
            yield Problem(
                "unknown_chapter",
                f"cross-link to unknown chapter '{link.slug}'"
                + (f" (did you mean [[{guess}]]?)" if guess else ""),
                "check the slug (it is the chapter's address, e.g. [[bullying]])",
                "body",
                link.line,
            )
            continue
        if link.anchor and link.anchor not in anchors:
            known = ", ".join(sorted(anchors)) or "none"
            guess = cross_links.closest(link.anchor, anchors)
            written = f"{link.slug}#{guess}" if link.slug else f"#{guess}"
            yield Problem(
                "unknown_section",
                f"cross-link to unknown section '#{link.anchor}' of "
                f"{repr(link.slug) if link.slug else 'this chapter'}"
                + (f" (did you mean [[{written}]]?)" if guess else ""),
                f"its sections are: {known}",
                "body",
                link.line,
            )


def sanitise(fragment: str) -> str:
    """Allow-list sanitising: whatever the markdown said, only these tags and attributes stay."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=SAFE_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


# --- markdown extensions -------------------------------------------------------------------


class CrossLinkProcessor(InlineProcessor):
    def __init__(self, targets, own_slug, md, mark_broken=False):
        super().__init__(cross_links.ATTEMPT.pattern, md)
        self.targets = targets
        self.own_slug = own_slug
        self.mark_broken = mark_broken

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's API)
        link = cross_links.parse(m.group(1), self.own_slug)
        if link is None or not (link.slug or link.anchor):
            return None, None, None  # not a link: it stays as the text that was written
        target = self.targets.get(link.slug)
        fallback = (link.slug or link.anchor).replace("-", " ").capitalize()
        text = link.text or (target.title if target else fallback)
        element = etree.Element("a")
        # [[#anchor]] in a text whose chapter is not known yet (the editor's live preview)
        # still points at the section on the same page.
        href = chapter_url(link.slug, link.anchor) if link.slug else f"#{link.anchor}"
        element.set("href", href)
        element.set("class", "govuk-link app-cross-link")
        element.text = text
        if self.mark_broken:
            if link.slug and link.slug != self.own_slug:
                if target is None or (link.anchor and link.anchor not in target.anchors):
                    element = broken_link(text)
            elif link.anchor:
                # Its own sections are known only once the whole text is converted.
                element.set(OWN_ANCHOR, link.anchor)
        return element, m.start(0), m.end(0)


OWN_ANCHOR = "data-own-anchor"


def broken_link(text):
    """A cross-link that leads nowhere, in the editor's preview: plain text, marked in words
    (and by its style, app-cross-link--missing), never a link to a missing page."""
    element = etree.Element("span", {"class": "app-cross-link--missing"})
    element.text = text
    note = etree.SubElement(element, "span", {"class": "app-cross-link__note"})
    note.text = " (broken link)"
    return element


class BrokenOwnLinks(Treeprocessor):
    """Mark the preview's links to sections of the same chapter that it does not have."""

    def run(self, root):
        anchors = {element.get("id") for element in root.iter() if element.get("id")}
        for parent in list(root.iter()):
            for index, element in enumerate(list(parent)):
                anchor = element.get(OWN_ANCHOR)
                if anchor is None:
                    continue
                del element.attrib[OWN_ANCHOR]
                if anchor not in anchors:
                    replacement = broken_link(element.text)
                    replacement.tail = element.tail
                    parent[index] = replacement
        return root


class GovukTreeprocessor(Treeprocessor):
    """Give markdown's plain elements GOV.UK Frontend classes; admonitions become components."""

    def run(self, root):
        for parent in list(root.iter()):
            for index, element in enumerate(list(parent)):
                if element.tag == "div" and "admonition" in element.get("class", ""):
                    parent[index] = self._admonition(element)
        for element in root.iter():
            if element.tag in GOVUK_CLASSES and not element.get("class"):
                element.set("class", GOVUK_CLASSES[element.tag])
            if element.tag == "a":
                self._link(element)
        return root

    def _admonition(self, element):
        kinds = element.get("class", "").split()
        children = [child for child in element if "admonition-title" not in child.get("class", "")]
        if "warning" in kinds:
            box = etree.Element("div", {"class": "govuk-warning-text"})
            icon = etree.SubElement(box, "span", {"class": "govuk-warning-text__icon"})
            icon.set("aria-hidden", "true")
            icon.text = "!"
            strong = etree.SubElement(box, "strong", {"class": "govuk-warning-text__text"})
            hidden = etree.SubElement(strong, "span", {"class": "govuk-visually-hidden"})
            hidden.text = "Warning"
            hidden.tail = " "
            if len(children) == 1 and children[0].tag == "p":
                # GOV.UK's component holds phrasing content: lift a single paragraph's contents
                paragraph = children[0]
                hidden.tail += paragraph.text or ""
                strong.extend(list(paragraph))
            else:
                strong.extend(children)
            return box
        box = etree.Element("div", {"class": "govuk-inset-text"})
        box.extend(children)
        return box

    @staticmethod
    def _link(element):
        href = element.get("href", "")
        if href.startswith(("http://", "https://")):
            element.set("class", "govuk-link app-external-link")
            element.set("rel", "external noopener noreferrer")
        elif not element.get("class"):
            element.set("class", "govuk-link")


class AtTheEnd:
    """attr_list's pattern for a `{#anchor}` at the end of a heading or block, searched
    only in the last ATTRIBUTES_WINDOW characters (trailing spaces aside). Searched over the
    whole text, its `[ ]+` tried every space of a run: a heading of 16,000 spaces took a
    second, and the time grew with the square of the length. No attribute list is longer."""

    ATTRIBUTES_WINDOW = 300

    def __init__(self, pattern):
        self.pattern = pattern

    def search(self, text):
        end = len(text.rstrip(" "))
        return self.pattern.search(text, max(0, end - self.ATTRIBUTES_WINDOW), end)


class PortalExtension(markdown.Extension):
    def __init__(self, targets, own_slug, mark_broken=False):
        super().__init__()
        self.targets = targets
        self.own_slug = own_slug
        self.mark_broken = mark_broken

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API)
        # Raw HTML in the source is never passed through: it comes out as visible text
        # (and the loader refuses it), so the sanitiser is a second line, not the only one.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(
            CrossLinkProcessor(self.targets, self.own_slug, md, self.mark_broken), "xref", 175
        )
        md.treeprocessors.register(GovukTreeprocessor(md), "govuk", 1)
        attr_list = md.treeprocessors["attr_list"]
        attr_list.HEADER_RE = AtTheEnd(attr_list.HEADER_RE)
        attr_list.BLOCK_RE = AtTheEnd(attr_list.BLOCK_RE)
        if self.mark_broken:  # after the table of contents has given the headings their ids
            md.treeprocessors.register(BrokenOwnLinks(md), "broken_own_links", 0)


def _converter(targets, own_slug, mark_broken=False):
    return markdown.Markdown(
        # The one list the line checks read the text by (markdown_lines.EXTENSIONS).
        extensions=[*markdown_lines.EXTENSIONS, PortalExtension(targets, own_slug, mark_broken)],
        extension_configs={"toc": {"slugify": lambda value, separator: anchor_for(value)}},
        output_format="html",
    )


def _plain_text(fragment):
    text = nh3.clean(fragment, tags=set())
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _sections(clean_html):
    sections = []
    matches = list(SECTION_HEADING.finditer(clean_html))
    intro = _plain_text(clean_html[: matches[0].start()] if matches else clean_html)
    if intro:
        sections.append(Section(position=0, anchor="", title="", level=1, text=intro))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(clean_html)
        sections.append(
            Section(
                position=len(sections),
                anchor=match.group(2),
                title=_plain_text(match.group(3)),
                level=int(match.group(1)),
                text=_plain_text(clean_html[match.end() : end]),
            )
        )
    return tuple(sections)
