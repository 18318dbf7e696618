"""Choosing a partnership, and the contacts page."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render

from portal.redirects import on_site
from procedures.caching import cached_page
from procedures.diffing import words_diff
from procedures.models import Chapter, today

from . import selectors
from .choosing import COOKIE, COOKIE_AGE, PREFIX, partnership_named
from .models import LocalInformation


def choose(request):
    """Remember the chosen partnership (or none) and go back to the page, under its /p/
    address. A GET form, so it works without JavaScript and without a session."""
    target = on_site(request.GET.get("next", ""), request=request)
    match = PREFIX.match(target)
    if match:
        target = on_site(match["rest"], request=request)
    partnership = partnership_named(request.GET.get("partnership", "").strip())
    # The address answered with is checked, not only the one asked for: taking the /p/
    # prefix off `/p/a//evil.example/` leaves `//evil.example/`.
    if partnership is None:
        response = HttpResponseRedirect(on_site(target, request=request))
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response = HttpResponseRedirect(
            on_site(f"/p/{partnership.slug}{target}", request=request, default="/")
        )
        response.set_cookie(
            COOKIE,
            partnership.slug,
            max_age=COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    response["Cache-Control"] = "no-store"
    return response


@cached_page
def contacts(request):
    partnership = request.partnership
    return render(
        request,
        "partnerships/contacts.html",
        {
            "national": selectors.national_contacts(),
            "local": selectors.contacts(partnership) if partnership else [],
        },
    )


@cached_page
def local_history(request, slug):
    """Every published version of the chosen partnership's local information in a chapter,
    newest first, each with its amendment summary and what changed from the one before."""
    partnership = request.partnership
    chapter = get_object_or_404(Chapter, slug=slug)
    if partnership is None:
        raise Http404("Choose a partnership to see its local information.")
    versions = list(
        LocalInformation.objects.filter(partnership=partnership, chapter=chapter)
        .select_related("published_by")
        .order_by("number")
    )
    if not versions:
        raise Http404("This partnership has no local information in this chapter.")
    changes = [
        {"version": version, "diff": words_diff(before.text, version.text) if before else None}
        for before, version in zip([None, *versions], versions, strict=False)
    ]
    return render(
        request,
        "partnerships/local_history.html",
        {"chapter": chapter, "changes": list(reversed(changes)), "today": today()},
    )
