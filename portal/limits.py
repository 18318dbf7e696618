"""Abuse limits: at most N requests per window for one key (a client address, an email
address), counted in the default cache so every app server shares the count.

Use `check(...)` in a view and answer `too_many(...)` (the friendly 429 page) when it says no.
RATE_LIMITS in settings names each limit: {"signup-client": "10/3600", ...}.
"""

import dataclasses
import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger("portal.limits")


@dataclasses.dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends


def rule(name: str) -> tuple[int, int]:
    count, _, seconds = settings.RATE_LIMITS[name].partition("/")
    return int(count), int(seconds)


def check(name: str, key: str) -> Verdict:
    """Count one request for `key` under limit `name`; allowed while within the limit.
    Fixed windows: simple and cheap, and a burst is at most twice the limit at a boundary.
    If the cache is down we allow the request: a limit must not take the site down."""
    limit, window = rule(name)
    now = time.time()
    start = math.floor(now / window) * window
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no addresses stored in the cache
    cache_key = f"limit:{name}:{digest}:{int(start)}"
    try:
        cache.add(cache_key, 0, timeout=window + 5)
        count = cache.incr(cache_key)
    except Exception:
        logger.warning("event=limit_unavailable limit=%s", name, exc_info=True)
        return Verdict(True)
    if count > limit:
        if count == limit + 1:  # once per window, not for every refused request
            logger.warning("event=limit_reached limit=%s key=%s", name, digest[:12])
        return Verdict(False, retry_after=max(1, int(start + window - now)))
    return Verdict(True)


def too_many(request, verdict: Verdict, *, what: str = ""):
    response = render(
        request,
        "429.html",
        {"what": what, "retry_minutes": max(1, math.ceil(verdict.retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response
