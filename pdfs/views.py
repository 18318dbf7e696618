"""Download pages: a PDF is served only while it shows the manual as it stands now; until
the worker has built that one, the reader is told it is being prepared. Views only ask the
worker (tasks.ask_for); they never typeset."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.cache import never_cache

from pdfs import building, tasks
from pdfs.models import PdfFile
from procedures import selectors
from procedures.views import by_chapter

LAST_GOOD = "last-good"  # ?last-good: the last PDF made, while the current one failed


@never_cache
def downloads(request):
    pdf = tasks.ask_for(kind=PdfFile.Kind.MANUAL, partnership=request.partnership)
    return render(
        request, "pdfs/downloads.html", {"pdf": pdf, "last_good": _last_good_offered(pdf)}
    )


def manual_pdf(request):
    partnership = request.partnership
    pdf = tasks.ask_for(kind=PdfFile.Kind.MANUAL, partnership=partnership)
    name = "safeguarding-children-procedures" + (f"-{partnership.slug}" if partnership else "")
    return _served(request, pdf, f"{name}.pdf") or redirect("pdfs:downloads")


@by_chapter
def chapter_pdf(request, chapter, number):
    version = selectors.version(chapter, number)
    if version is None:
        raise Http404(f"There is no version {number} of this chapter.")
    partnership = request.partnership
    pdf = tasks.ask_for(kind=PdfFile.Kind.CHAPTER, version=version, partnership=partnership)
    name = f"{chapter.slug}-version-{number}" + (f"-{partnership.slug}" if partnership else "")
    served = _served(request, pdf, f"{name}.pdf")
    if served is not None:
        return served
    response = render(
        request,
        "pdfs/preparing.html",
        {
            "pdf": pdf,
            "version": version,
            "chapter": chapter,
            "last_good": _last_good_offered(pdf),
        },
    )
    response.status_code = 202  # accepted: the worker is building it
    patch_cache_control(response, no_cache=True, no_store=True)
    return response


def _last_good_offered(pdf):
    """The last good PDF, offered (with a notice) only while the current one failed."""
    if pdf.status != PdfFile.Status.FAILED:
        return None
    return building.last_good(pdf)


def _served(request, pdf, filename):
    """The PDF's bytes, if it is ready (None otherwise); with ?last-good, while the current
    one could not be made, the last PDF that was (the page that links to it says so)."""
    content = None
    if LAST_GOOD in request.GET and not pdf.is_ready:
        older = _last_good_offered(pdf)
        if older is None:
            return None
        pdf = older
        filename = filename.replace(".pdf", f"-built-{pdf.built_at:%Y-%m-%d}.pdf")
    if pdf.is_ready:
        content = PdfFile.objects.filter(pk=pdf.pk).values_list("content", flat=True).first()
    if content is None:
        return None
    etag = f'"{pdf.fingerprint[:32]}"'
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    # Readers revalidate each time: the same address serves a new PDF after a change.
    response["Cache-Control"] = "no-cache"
    return get_conditional_response(request, etag=etag, response=response)
