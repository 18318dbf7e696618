"""Small request guards: bad bytes in the address, per-client limits on chosen views, and
staff session lifetimes."""

import time
from urllib.parse import unquote_to_bytes, urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.db import DataError
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control

from portal import limits
from portal.clientip import client_ip


class BadQueryStringMiddleware:
    """Answer 400 with a friendly page for an admin address whose path or query string holds
    a NUL byte or bytes that are not UTF-8. PostgreSQL refuses NUL in text, which turned
    such requests to admin filters, search and autocomplete into 500s. The public pages
    already answer such input themselves (search shows "no results"), so they are left be."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(GUARDED) and (
            _bad(request.META.get("QUERY_STRING", "")) or "\x00" in request.path
        ):
            return render(request, "400_bad_address.html", status=400)
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A filter value the database cannot hold (`?effective_date__year=99999`, a number
        of 30 digits) fails only when the list is read: a 400 as for bad bytes, not a 500."""
        if (
            request.method == "GET"
            and request.path.startswith(GUARDED)
            and isinstance(exception, OUT_OF_RANGE)
        ):
            return render(request, "400_bad_address.html", status=400)
        return None


OUT_OF_RANGE = (DataError, OverflowError, ValueError)
# The admin's own views (changelists, autocomplete) and the staff-only preview.
GUARDED = ("/admin/", "/markdownx/")


def _bad(query: str) -> bool:
    raw = unquote_to_bytes(query.replace("+", " "))
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# Views with a per-client limit (name in settings.RATE_LIMITS) and what the 429 page calls them.
LIMITED_VIEWS = {
    "procedures:search": ("search-client", "Search"),
}


class ClientLimitMiddleware:
    """Per-client limits for views we do not own the code of (search)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        limited = LIMITED_VIEWS.get(match.view_name) if match else None
        if limited is None:
            return None
        name, what = limited
        verdict = limits.check(name, client_ip(request) or "-")
        return None if verdict.allowed else limits.too_many(request, verdict, what=what)


SIGNED_IN_AT = "portal_signed_in_at"
SEEN_AT = "portal_seen_at"


class StaffSessionMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request and after
    STAFF_SESSION_MAX_SECONDS in all, whatever the cookie says. The sign-in time is set
    by portal.audit when the user signs in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in = session.get(SIGNED_IN_AT, now)
            seen = session.get(SEEN_AT, signed_in)
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - signed_in > settings.STAFF_SESSION_MAX_SECONDS
            ):
                logout(request)
                if request.path.startswith("/admin/"):
                    # The path quoted, so its own "?" or "&" cannot add a second `next`.
                    return redirect(f"/admin/login/?{urlencode({'next': request.path})}")
            else:
                session.setdefault(SIGNED_IN_AT, signed_in)
                if now - seen > 30:  # write the session at most every 30 s
                    session[SEEN_AT] = now
        return self.get_response(request)


# Pages that show one person's details or staff work: the admin (its sign-in and the desk),
# the staff preview, and a subscriber's pages (they show the email address).
PRIVATE = ("/admin/", "/markdownx/", "/updates/change/", "/updates/unsubscribe/",
           "/updates/confirm/")  # fmt: skip


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on private pages, so no shared cache (or the
    browser's history on a shared computer) keeps one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if any(part in path for part in PRIVATE):
            patch_cache_control(response, private=True, no_store=True)
        return response
