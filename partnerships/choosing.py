"""Which partnership a request is for: the address (/p/<slug>/...) or, failing that, the
reader's remembered choice (a cookie), which leads to the same page's /p/ address.

Every public page is also served under /p/<slug>/: this middleware strips the prefix before
the address is resolved and makes it the script prefix while the page is built, so every
address the page reverses stays under the same partnership (a shared address opens, and
stays, with it chosen). A page's content therefore depends on its address only, which keeps
the page cache and shared caches correct; the cookie only ever redirects.
"""

import re

from django.http import HttpResponseRedirect
from django.urls import Resolver404, get_script_prefix, resolve, set_script_prefix
from django.utils.cache import patch_cache_control, patch_vary_headers

from .models import Partnership

COOKIE = "partnership"
COOKIE_AGE = 365 * 24 * 60 * 60
PREFIX = re.compile(r"^/p/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?P<rest>/.*)$")
# Staff and machine addresses are never served under a partnership.
NOT_PUBLIC = ("/admin/", "/markdownx/", "/healthz/", "/static/")


def is_public(path):
    return not path.startswith(NOT_PUBLIC)


def partnership_named(slug):
    if not slug:
        return None
    return Partnership.objects.filter(slug=slug).first()


class PartnershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = None
        match = PREFIX.match(request.path_info)
        if match and is_public(match["rest"]):
            partnership = partnership_named(match["slug"])
            if partnership is not None:
                return self._under_prefix(request, partnership, match)
        elif request.method in ("GET", "HEAD") and is_public(request.path_info):
            chosen = partnership_named(request.COOKIES.get(COOKIE, ""))
            if chosen is not None and _is_page(request.path_info):
                return _remembered(request, chosen)
            response = self.get_response(request)
            # A shared cache must not give this page to a reader whose cookie would have
            # taken them to their partnership's address.
            patch_vary_headers(response, ["Cookie"])
            return response
        return self.get_response(request)

    def _under_prefix(self, request, partnership, match):
        request.partnership = partnership
        request.path_info = match["rest"]
        previous = get_script_prefix()
        set_script_prefix(f"{previous}p/{partnership.slug}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous)


def _is_page(path):
    """A page (not the choosing itself) that has an address under /p/."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name != "partnerships:choose"


def _remembered(request, partnership):
    query = request.META.get("QUERY_STRING", "")
    url = f"/p/{partnership.slug}{request.path_info}" + (f"?{query}" if query else "")
    response = HttpResponseRedirect(url)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def partnership_context(request):
    """The chosen partnership and the choice of partnerships, for every page's selector."""
    return {
        "partnership": getattr(request, "partnership", None),
        "partnerships": Partnership.objects.only("slug", "name"),
    }
