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
from django.urls import reverse
from django.utils.text import slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from procedures.problems import Problem

# [[slug]], [[slug|text]], [[slug#anchor]], [[slug#anchor|text]], [[#anchor]] (same chapter)
CROSS_LINK = re.compile(r"\[\[\s*([^\]|#]*?)\s*(?:#\s*([^\]|]*?)\s*)?(?:\|\s*([^\]]*?)\s*)?\]\]")
RAW_HTML_TAG = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^<>\s]*>|<[^<>\s@]+@[^<>\s@]+>")
UNSAFE_URL = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:")
URL_IN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
FENCE = re.compile(r"^\s*(```|~~~)")

SAFE_URL_SCHEMES = {"http", "https", "mailto", "tel"}

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
    "span": {"govuk-warning-text__icon", "govuk-visually-hidden", "app-cross-link--missing"},
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
class OutgoingLink:
    slug: str
    anchor: str
    line: int


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
) -> Rendered:
    """Render a chapter body.

    `targets` maps slugs to the chapters cross-links may point at; None skips checking them
    (their links still render). `slug` is the chapter's own, for `[[#anchor]]` links.
    `first_line` is the file line the body starts on, so problems name the file's line.
    """
    problems = list(_source_problems(source, first_line))
    converter = _converter(targets or {}, slug)
    raw_html = converter.convert(source)
    clean_html = sanitise(raw_html)
    sections = _sections(clean_html)
    anchors = frozenset(s.anchor for s in sections if s.anchor)
    problems.extend(_duplicate_anchor_problems(source, first_line))
    links = tuple(_outgoing_links(source, first_line, slug))
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
        links=links,
        text=text,
        problems=tuple(sorted(problems, key=lambda p: p.line)),
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


# --- source checks -------------------------------------------------------------------------


def _lines_outside_code(source, first_line):
    """Source lines with their file line numbers, skipping fenced code and inline code."""
    in_fence = False
    for offset, line in enumerate(source.splitlines()):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield first_line + offset, re.sub(r"`[^`]*`", "", line)


def _source_problems(source, first_line):
    for number, line in _lines_outside_code(source, first_line):
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
        if UNSAFE_URL.search(line):
            for match in URL_IN_LINK.finditer(line):
                url = match.group(1) or match.group(2) or ""
                scheme = url.split(":", 1)[0].lower() if ":" in url else ""
                if scheme and scheme not in SAFE_URL_SCHEMES:
                    yield Problem(
                        "unsafe_link",
                        f"link to a '{scheme}:' address is not allowed",
                        "only https, http, mailto and tel links are",
                        "body",
                        number,
                    )
        if re.match(r"^#\s", line):
            yield Problem(
                "heading_level_1",
                "a level-1 heading ('# ...') is not allowed in the body: the chapter title "
                "is the page's heading",
                "start sections at '## '",
                "body",
                number,
            )


def _duplicate_anchor_problems(source, first_line):
    seen = {}
    for number, line in _lines_outside_code(source, first_line):
        heading = re.match(r"^(#{2,3})\s+(.*?)\s*(?:\{\s*#([^\s}]+)[^}]*\})?\s*#*\s*$", line)
        if not heading:
            continue
        anchor = heading.group(3) or anchor_for(heading.group(2))
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


def _outgoing_links(source, first_line, own_slug):
    for number, line in _lines_outside_code(source, first_line):
        for match in CROSS_LINK.finditer(line):
            slug = match.group(1).strip() or own_slug
            yield OutgoingLink(slug=slug, anchor=(match.group(2) or "").strip(), line=number)


def _link_problems(links, targets, own_slug, own_anchors):
    for link in links:
        if not link.slug and not link.anchor:
            yield Problem(
                "empty_cross_link",
                "a cross-link needs a chapter",
                "write [[slug]] or [[slug#anchor]]",
                "body",
                link.line,
            )
            continue
        if link.slug == own_slug:  # includes [[#anchor]] when the chapter's slug is unknown
            anchors = own_anchors
        elif link.slug in targets:
            anchors = targets[link.slug].anchors
        else:
            yield Problem(
                "unknown_chapter",
                f"cross-link to unknown chapter '{link.slug}'",
                "check the slug (it is the chapter's address, e.g. [[bullying]])",
                "body",
                link.line,
            )
            continue
        if link.anchor and link.anchor not in anchors:
            known = ", ".join(sorted(anchors)) or "none"
            yield Problem(
                "unknown_section",
                f"cross-link to unknown section '#{link.anchor}' of "
                f"{repr(link.slug) if link.slug else 'this chapter'}",
                f"its sections are: {known}",
                "body",
                link.line,
            )


# --- markdown extensions -------------------------------------------------------------------


class CrossLinkProcessor(InlineProcessor):
    def __init__(self, targets, own_slug, md):
        super().__init__(CROSS_LINK.pattern, md)
        self.targets = targets
        self.own_slug = own_slug

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's API)
        slug = m.group(1).strip() or self.own_slug
        anchor = (m.group(2) or "").strip()
        text = (m.group(3) or "").strip()
        target = self.targets.get(slug)
        if not text:
            text = target.title if target else slug.replace("-", " ").capitalize()
        if not slug and not anchor:
            element = etree.Element("span")
            element.text = text
            return element, m.start(0), m.end(0)
        element = etree.Element("a")
        # [[#anchor]] in a text whose chapter is not known yet (the editor's live preview)
        # still points at the section on the same page.
        element.set("href", chapter_url(slug, anchor) if slug else f"#{anchor}")
        element.set("class", "govuk-link app-cross-link")
        element.text = text
        return element, m.start(0), m.end(0)


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


class PortalExtension(markdown.Extension):
    def __init__(self, targets, own_slug):
        super().__init__()
        self.targets = targets
        self.own_slug = own_slug

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API)
        # Raw HTML in the source is never passed through: it comes out as visible text
        # (and the loader refuses it), so the sanitiser is a second line, not the only one.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(CrossLinkProcessor(self.targets, self.own_slug, md), "xref", 175)
        md.treeprocessors.register(GovukTreeprocessor(md), "govuk", 1)


def _converter(targets, own_slug):
    return markdown.Markdown(
        extensions=[
            "attr_list",
            "tables",
            "sane_lists",
            "admonition",
            "toc",
            PortalExtension(targets, own_slug),
        ],
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
