"""A gathered document to PDF bytes, with WeasyPrint.

WeasyPrint typesets CSS paged media itself: running headers and footers in @page margin boxes
on every page, the chapter on each page from `string-set`, and the contents' page numbers from
`target-counter`, which browsers' print-to-PDF does not offer. It needs only Pango from the
system (see the Dockerfile), not a browser.
"""

import datetime
import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from pdfs.documents import Document
from procedures.views import css_string

# WeasyPrint logs each step of each build at INFO; its warnings still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def typeset(document: Document, *, built_at: datetime.datetime) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    # Imported here: only the worker typesets, and app servers need not load WeasyPrint.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NothingFetched(URLFetcher):
        """The stored texts are sanitised, but a build must never reach out to any address
        (an image or stylesheet link would otherwise be fetched by the worker)."""

        def fetch(self, url, headers=None):
            raise ValueError(f"PDFs fetch nothing: {url[:80]}")

    context = _context(document, built_at)
    html = render_to_string(f"pdfs/{document.kind}.html", context)
    css = render_to_string(
        "pdfs/pdf.css", {key: css_string(value) for key, value in context["running"].items()}
    )
    rendered = HTML(
        string=html, base_url=settings.PORTAL_BASE_URL + "/", url_fetcher=NothingFetched()
    ).render(stylesheets=[CSS(string=css)], pdf_tags=True)
    return rendered.write_pdf(), len(rendered.pages)


def day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def _context(document, built_at):
    base = settings.PORTAL_BASE_URL
    prefix = f"/p/{document.partnership.slug}" if document.partnership else ""
    local = timezone.localtime(built_at)
    built_on = f"{day(local)} at {local:%H:%M}"
    check_url = f"{base}{prefix}/downloads/"
    if document.version is not None:
        check_url = base + document.version.get_check_url()
    return {
        "document": document,
        "manual_title": settings.PORTAL_NAME,
        "built_on": built_on,
        "built_at": built_at,
        "base_url": base,
        "prefix": prefix,
        "check_url": check_url,
        "running": {
            "manual_title": settings.PORTAL_NAME,
            "built_on": built_on,
        },
    }
