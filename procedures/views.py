"""Thin views: ask the selectors, hand the answer to a template. Views never write."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from procedures import selectors


def contents(request):
    return render(request, "procedures/contents.html", {"parts": selectors.contents()})


def chapter(request, slug):
    found = _chapter_or_404(slug)
    if found.slug != slug:
        return redirect("procedures:chapter", slug=found.slug, permanent=True)
    current = selectors.current_version(found)
    if current is None:
        raise Http404("This chapter has not taken effect yet.")
    return _render_version(request, current, current=current)


def version(request, slug, number):
    found = _chapter_or_404(slug)
    if found.slug != slug:
        return redirect("procedures:version", slug=found.slug, number=number, permanent=True)
    shown = selectors.version(found, number)
    if shown is None:
        raise Http404(f"There is no version {number} of this chapter.")
    return _render_version(request, shown, current=selectors.current_version(found))


def versions(request, slug):
    found = _chapter_or_404(slug)
    if found.slug != slug:
        return redirect("procedures:versions", slug=found.slug, permanent=True)
    current = selectors.current_version(found)
    history = selectors.history(found)
    if not history:
        raise Http404("This chapter has not taken effect yet.")
    return render(
        request,
        "procedures/versions.html",
        {
            "chapter": found,
            "current": current or history[0],
            "history": history,
            "upcoming": selectors.upcoming(found),
        },
    )


def _chapter_or_404(slug):
    found, _renamed = selectors.find_chapter(slug)
    if found is None:
        raise Http404("There is no chapter at this address.")
    return found


def _render_version(request, shown, *, current):
    chapter = shown.chapter
    return render(
        request,
        "procedures/chapter.html",
        {
            "version": shown,
            "chapter": chapter,
            "current": current,
            "is_current": current is not None and current.pk == shown.pk,
            "is_scheduled": shown.effective_date > selectors.today(),
            "sections": selectors.sections(shown),
            "history": selectors.history(chapter),
            "upcoming": selectors.upcoming(chapter),
            "related": selectors.related_chapters(shown),
            "linking_here": selectors.linking_here(chapter),
            "printed_on": printed_on(timezone.localtime()),
            "page_url": request.build_absolute_uri(shown.get_absolute_url()),
        },
    )


def printed_on(moment):
    """'Friday 21 June 2024, 10:19pm': how the print footer states the moment of printing."""
    hour = moment.hour % 12 or 12
    return f"{moment:%A} {moment.day} {moment:%B %Y}, {hour}:{moment:%M}{moment:%p}".replace(
        "AM", "am"
    ).replace("PM", "pm")
