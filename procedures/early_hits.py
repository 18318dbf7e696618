"""Answer a page-cache hit before the rest of the middleware stack.

A cached public page needs nothing the stack does for it on the way in: no session, no CSRF
check, no user, no partnership lookup (the partnership is part of the address). So the first
middleware answers a request for an address this process has served from the page cache
under the current stamp and day (procedures.caching), with the body cached_page gave it and
the headers the whole stack gave it then: the security headers, the Content-Security-Policy,
X-Frame-Options and Vary are the ones a miss gets, because they are copied from one.

Only requests without cookies are answered early: a cookie may be a staff session (whose
idle time the stack counts), a chosen partnership (a redirect) or a message waiting. Any
such request, and anything else, goes through the stack as before, where cached_page still
serves it from the cache.
"""

from django.utils.cache import get_conditional_response

from procedures import caching
from procedures.versioning.models import today

# Headers a 304 leaves out (as django.utils.cache does for the stack's own 304s).
NOT_ON_304 = {"content-type", "content-encoding"}


def also_when_answered_early(request, function, *args):
    """Call `function(request, response, *args)` whenever this page is answered early, as the
    view around cached_page did now: what a view does beside its page (feedback counts
    chapter reads) must not be skipped."""
    request.__dict__.setdefault("_early_calls", []).append((function, args))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = _address(request)
        if address is not None:
            try:
                stamp = caching._stamp.get()
                found = stamp and caching._pages.response((stamp[0], today()), address)
            except Exception:  # a cache outage: the stack renders (and logs) it
                found = None
            if found:
                return _answer(request, *found)
        response = self.get_response(request)
        served = getattr(request, "_page_cache_served", None)
        if address and served and response.status_code == 200 and not response.cookies:
            generation, key, entry = served
            answer = (entry, list(response.items()), tuple(getattr(request, "_early_calls", ())))
            caching._pages.put_response(generation, key, address, answer)
        return response


def _address(request):
    """The key of an early answer: the address as asked for and the encoding sent back."""
    if request.method not in ("GET", "HEAD") or request.COOKIES:
        return None
    if caching._changed_in_this_transaction():
        return None  # a test's own uncommitted rows: see cached_page
    try:
        host = request.get_host()  # a host not allowed: the stack answers 400
    except Exception:
        return None
    return f"{request.scheme}://{host}{request.path}|{caching._encoding(request)}"


def _answer(request, entry, headers, calls):
    response = caching.HttpResponse(entry["body"])
    for name, value in headers:
        response[name] = value
    answered = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )
    if answered is not response:  # 304: the stack would have added its headers to it too
        for name, value in headers:
            if name.lower() not in NOT_ON_304 and name not in answered:
                answered[name] = value
        answered["Content-Length"] = "0"
    for function, args in calls:
        function(request, answered, *args)
    return answered
