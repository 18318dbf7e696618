"""What a chapter page shows of partnerships: "What to do now" and the chosen partnership's
local information, placed at the section it belongs to."""

import re

from django.template.loader import render_to_string
from django.urls import get_script_prefix

from . import selectors
from .models import LocalInformation

CHAPTER_LINK = re.compile(r'href="/chapters/')
NEXT_SECTION = re.compile(r"<h2[\s>]")


def chapter_context(request, version, html, *, on):
    """Context for a chapter page, and its body html with the local information box."""
    partnership = getattr(request, "partnership", None)
    chapter = version.chapter
    local = selectors.local_information(partnership, chapter, on=on)
    route_slugs = list(getattr(version, "routes", None) or [])
    if partnership is not None:
        # Cross-links in the stored text lead to the same partnership's pages.
        html = CHAPTER_LINK.sub(f'href="{get_script_prefix()}chapters/', html)
    if local is not None:
        box = render_to_string(
            "partnerships/local_box.html",
            {"local": local, "partnership": partnership, "chapter": chapter},
        )
        html = insert_after_section(html, local.section, box)
    return html, {
        "partnership": partnership,
        "local_information": local,
        "local_elsewhere": (
            selectors.partnerships_with_local_information(chapter, on=on)
            if partnership is None
            else []
        ),
        "local_coming": (
            list(
                LocalInformation.objects.filter(partnership=partnership, chapter=chapter)
                .scheduled(after=on)
                .order_by("effective_date", "number")
            )
            if partnership is not None and chapter.pk
            else []
        ),
        "urgent_contacts": selectors.urgent_contacts(partnership),
        "routes": selectors.routes(route_slugs, partnership, on=on),
        "routes_to_choose": (
            selectors.local_routes_to_choose(route_slugs) if partnership is None else []
        ),
    }


def insert_after_section(html, anchor, box):
    """`box` at the end of the section headed `id="anchor"` (before the next h2), or at the
    end of the text when there is no such section."""
    if anchor:
        heading = html.find(f'id="{anchor}"')
        if heading != -1:
            following = NEXT_SECTION.search(html, heading)
            if following:
                return html[: following.start()] + box + html[following.start() :]
    return html + box
