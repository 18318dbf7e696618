"""Choosing a partnership, and the contacts page."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from procedures.caching import cached_page

from . import selectors
from .choosing import COOKIE, COOKIE_AGE, PREFIX, partnership_named


def choose(request):
    """Remember the chosen partnership (or none) and go back to the page, under its /p/
    address. A GET form, so it works without JavaScript and without a session."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith(
        "/"
    ):
        target = "/"
    match = PREFIX.match(target)
    if match:
        target = match["rest"]
    partnership = partnership_named(request.GET.get("partnership", "").strip())
    if partnership is None:
        response = HttpResponseRedirect(target)
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response = HttpResponseRedirect(f"/p/{partnership.slug}{target}")
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
