"""A gathered document to PDF bytes, with WeasyPrint.

WeasyPrint typesets CSS paged media itself: running headers and footers in @page margin boxes
on every page, the chapter on each page from `string-set`, and the contents' page numbers from
`target-counter`, which browsers' print-to-PDF does not offer. It needs only Pango from the
system (see the Dockerfile), not a browser.
"""

import datetime
import logging
import multiprocessing

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from pdfs.documents import Document
from procedures.views import css_string

# WeasyPrint logs each step of each build at INFO; its warnings still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class TooLong(Exception):
    """The build took longer than PDFS_BUILD_TIMEOUT (it was stopped)."""


class TooLarge(Exception):
    """The document is larger than PDFS_MAX_HTML_BYTES (it was not typeset)."""


LIMITS = (TooLarge, TooLong)


def typeset(document: Document, *, built_at: datetime.datetime) -> tuple[bytes, int]:
    """The PDF and its number of pages. Raises TooLarge for a document over the size cap and
    TooLong when typesetting takes longer than the time limit: a build is bounded, so one
    hostile or huge chapter cannot hold the worker (and every PDF after it)."""
    context = _context(document, built_at)
    html = render_to_string(f"pdfs/{document.kind}.html", context)
    limit = int(getattr(settings, "PDFS_MAX_HTML_BYTES", 3_000_000))
    if limit and len(html.encode()) > limit:
        raise TooLarge(
            f"The document is {len(html.encode()) // 1000} KB of HTML, over the limit of "
            f"{limit // 1000} KB (PDFS_MAX_HTML_BYTES)."
        )
    css = render_to_string(
        "pdfs/pdf.css", {key: css_string(value) for key, value in context["running"].items()}
    )
    timeout = float(getattr(settings, "PDFS_BUILD_TIMEOUT", 180))
    if timeout <= 0:
        return _weasyprint(html, css, settings.PORTAL_BASE_URL + "/")
    return _in_child(html, css, settings.PORTAL_BASE_URL + "/", timeout)


def _weasyprint(html: str, css: str, base_url: str) -> tuple[bytes, int]:
    # Imported here: only the worker typesets, and app servers need not load WeasyPrint.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NothingFetched(URLFetcher):
        """The stored texts are sanitised, but a build must never reach out to any address
        (an image or stylesheet link would otherwise be fetched by the worker)."""

        def fetch(self, url, headers=None):
            raise ValueError(f"PDFs fetch nothing: {url[:80]}")

    rendered = HTML(string=html, base_url=base_url, url_fetcher=NothingFetched()).render(
        stylesheets=[CSS(string=css)], pdf_tags=True
    )
    return rendered.write_pdf(), len(rendered.pages)


def _in_child(html, css, base_url, timeout) -> tuple[bytes, int]:
    """Typeset in a forked child process, stopped after `timeout` seconds. The child gets
    plain strings and never touches the database; WeasyPrint is imported first, so the child
    starts with it loaded."""
    import weasyprint  # noqa: F401

    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def child():
        try:
            content, pages = _weasyprint(html, css, base_url)
            sending.send(("ok", content, pages))
        except BaseException as error:  # the parent reports it
            sending.send(("error", repr(error)[:2000], 0))
        finally:
            sending.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    sending.close()
    try:
        if not receiving.poll(timeout):
            raise TooLong(f"Typesetting took longer than {timeout:g} s (PDFS_BUILD_TIMEOUT).")
        outcome, content, pages = receiving.recv()
    except EOFError:
        raise RuntimeError("The typesetting process stopped without a PDF.") from None
    finally:
        receiving.close()
        if process.is_alive():
            process.kill()
        process.join()
    if outcome != "ok":
        raise RuntimeError(f"Typesetting failed: {content}")
    return content, pages


def day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def _context(document, built_at):
    base = settings.PORTAL_BASE_URL
    prefix = f"/p/{document.partnership.slug}" if document.partnership else ""
    local = timezone.localtime(built_at)
    built_on = f"{day(local)} at {local:%H:%M}"
    check_url = f"{base}{prefix}/downloads/"
    if document.version is not None:
        check_url = base + document.entries[0].check_path
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
