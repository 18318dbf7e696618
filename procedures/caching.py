"""Whole-page cache for public pages, invalidated by one manual-wide change stamp.

A page's HTML depends only on the manual's rows, today's date (Europe/London: scheduled
versions take effect at midnight), the address and, later, the partnership. So a cached page
is kept under a key made of the day, the partnership and the address, together with the stamp
it was rendered under. Every write that can change a page (loading, storing a version, which
covers publishing and withdrawing, and saving a chapter, a former address, a part or a
release) replaces the stamp once the transaction commits. A page is served only while the
stamp it was rendered under is current. Each worker keeps the pages it served under the
current stamp and day in memory, and fetches a page from the shared cache only on its first
request for it; it reads the stamp itself at most once every STAMP_TRUST_SECONDS, so a hit
needs no round trip at all (and procedures.early_hits answers it before the middleware).

Why this is safe: a reader reads the stamp before it reads any row. If it read the old stamp,
whatever it stores is filed under the old stamp and never served once the new stamp is set;
if it read the new stamp, the commit happened before, so it read the new rows. The stamp is
replaced after the commit, and bump_stamp waits STAMP_TRUST_SECONDS before the change's
response returns, so by then no worker that shares the cache (Redis in production, the
database cache in the embedded set-up) still trusts the old stamp, and none can give a reader
the old page.

Responses carry a weak ETag and a Last-Modified from the stamp, the day, the partnership and
the page, answer matching conditional requests with 304, and are compressed once (brotli or
gzip) when stored. Only pages without cookies are cached or compressed: a page with a CSRF
token or a session varies by Cookie, and compressing secrets beside reflected input is what
BREACH exploits.
"""

import datetime
import gzip
import hashlib
import logging
import re
import secrets
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from procedures import selectors
from procedures.models import Chapter, ChapterSlug, Part, Release, Review

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; gzip alone still works
    brotli = None

logger = logging.getLogger(__name__)

STAMP_KEY = "procedures:change-stamp"
# The key part of a page read with no partnership chosen.
NO_PARTNERSHIP = "none"
# A page older than a day is unreachable anyway (the day is in its key); let the cache drop it.
PAGE_TIMEOUT = 24 * 60 * 60
# Browsers revalidate every time (a 304 costs one cache lookup); a shared proxy or CDN may
# serve a page for up to SHARED_MAX_AGE seconds without asking, so a publish reaches every
# reader within a minute even behind one. See docs/benchmarks.md.
SHARED_MAX_AGE = 60
# How long a process trusts the stamp it read (and how long bump_stamp waits): a hit reads the
# shared cache at most once in this time instead of on every request.
STAMP_TRUST_SECONDS = 0.05
CACHE_CONTROL = f"public, max-age=0, s-maxage={SHARED_MAX_AGE}, must-revalidate"
ACCEPTS = {name: re.compile(rf"\b{name}\b") for name in ("br", "gzip")}


# --- the change stamp -------------------------------------------------------------------------


def _new_stamp():
    return (secrets.token_hex(6), time.time())


def bump_stamp():
    """Make every cached page stale, in every process sharing the cache.

    Each process trusts the stamp it read for STAMP_TRUST_SECONDS (so that a hit needs no
    round trip to the shared cache); waiting as long here, before the request that changed
    the manual answers, means every process has stopped trusting the old stamp by the time
    anyone learns of the change."""
    cache.set(STAMP_KEY, _new_stamp(), None)
    _stamp.forget()
    time.sleep(_trust_seconds())


def bump_on_commit(using=DEFAULT_DB_ALIAS):
    """Replace the stamp once the current transaction commits (now, outside one).

    Registered once per transaction, however many versions it stores. Not also bumped at
    once: with the database cache that would lock the stamp's row for the whole transaction
    and could deadlock two publishers locking chapters in different orders."""
    if not _changed_in_this_transaction(using):
        transaction.on_commit(bump_stamp, using=using, robust=True)


def _changed_in_this_transaction(using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    return connection.in_atomic_block and any(
        entry[1] is bump_stamp for entry in connection.run_on_commit
    )


def _current_stamp(found):
    if found is not None:
        return found
    cache.add(STAMP_KEY, _new_stamp(), None)  # first use: one process wins, all agree
    return cache.get(STAMP_KEY)


def _trust_seconds():
    return getattr(settings, "PAGE_STAMP_TRUST_SECONDS", STAMP_TRUST_SECONDS)


class _StampCopy:
    """This process's copy of the stamp, read again once it is older than
    STAMP_TRUST_SECONDS, counted from before the read began: a copy read before a publish
    replaced the stamp expires before that publish's bump_stamp has finished waiting."""

    def __init__(self):
        self.copy = (None, -1.0)  # (stamp, monotonic time its read began)

    def get(self):
        stamp, read_at = self.copy
        began = time.monotonic()
        if stamp is not None and began - read_at < _trust_seconds():
            return stamp
        stamp = _current_stamp(cache.get(STAMP_KEY))
        self.copy = (stamp, began)
        return stamp

    def forget(self):
        self.copy = (None, -1.0)


_stamp = _StampCopy()


@receiver(setting_changed)
def _forget_on_new_cache(setting, **kwargs):
    if setting == "CACHES":  # tests swap the cache: nothing read from the old one holds
        forget_local_copies()


def forget_local_copies():
    """Drop this process's stamp copy and pages (a test that empties the shared cache)."""
    _stamp.forget()
    _pages.clear()


def _row_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    bump_on_commit(using)


def stale_when_changed(*models):
    """Replace the stamp when a row of these models is saved or deleted and that commits,
    whichever code path did it. The core connects its own rows below; the feature apps connect
    theirs the same way (partnerships.signals, glossary.signals)."""
    for model in models:
        for signal, done in ((post_save, "saved"), (post_delete, "deleted")):
            uid = f"cache-{model._meta.label_lower}-{done}"
            signal.connect(_row_changed, sender=model, dispatch_uid=uid)


# Admin edits of titles, parts, releases and addresses, and recorded reviews (they set the
# next review date a chapter shows).
stale_when_changed(Part, Release, Chapter, ChapterSlug, Review)


# --- the page cache ---------------------------------------------------------------------------


def cached_page(view):
    """Serve a public page from the cache while the manual and the day are unchanged."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _changed_in_this_transaction():
            # A request that changed the manual itself, before its commit (or a test, run
            # in one transaction that never commits), sees its own rows: no cached page.
            return view(request, *args, **kwargs)
        day = selectors.today()
        page = _page_key(request, day)
        key = f"{page}:{_encoding(request)}"
        try:
            stamp = _stamp.get()
            if stamp is None:  # a dummy cache (CACHE_URL=dummy://) keeps nothing
                return view(request, *args, **kwargs)
            generation = (stamp[0], day)
            entry = _pages.get(generation, key) or cache.get(key)
        except Exception:  # a cache outage slows pages down; it must not take them down
            logger.exception("page cache unavailable; rendering %s", request.path)
            return view(request, *args, **kwargs)
        if entry is None or entry["stamp"] != stamp:
            response = view(request, *args, **kwargs)
            if not _cacheable(response):
                return response
            # Each encoding is its own entry, so a hit reads only the body it sends.
            entries = _entries(response, stamp, day, _partnership(request))
            entries = {f"{page}:{name}": entry for name, entry in entries.items()}
            try:
                cache.set_many(entries, PAGE_TIMEOUT)
            except Exception:
                logger.exception("page cache unavailable; not storing %s", request.path)
            entry = entries[key]
        _pages.put(generation, key, entry)
        # For PageCacheMiddleware, which answers the next such request before the rest.
        request._page_cache_served = (generation, key, entry)
        return _respond(request, entry)

    return wrapped


class _WorkerPages:
    """Pages this worker has served under the current stamp and day, so that a hit reads
    only the stamp (a few bytes) from the shared cache. Emptied whenever the stamp or the day
    changes; holds at most MAX_BYTES of bodies."""

    MAX_BYTES = 32 * 1024 * 1024
    MAX_RESPONSES = 20_000

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        # responses: what PageCacheMiddleware answers, by address (its entry and the headers
        # the whole middleware stack gave it); entries: what cached_page reads, by key.
        self.generation, self.entries, self.responses, self.size = None, {}, {}, 0

    def get(self, generation, key):
        with self.lock:
            return self.entries.get(key) if generation == self.generation else None

    def put(self, generation, key, entry):
        with self.lock:
            self._start(generation)
            if key not in self.entries and self.size + len(entry["body"]) <= self.MAX_BYTES:
                self.entries[key] = entry
                self.size += len(entry["body"])

    def response(self, generation, address):
        with self.lock:
            return self.responses.get(address) if generation == self.generation else None

    def put_response(self, generation, key, address, answer):
        with self.lock:
            # Only pages held here already (within MAX_BYTES) are answered early.
            if (
                generation == self.generation
                and self.entries.get(key) is answer[0]
                and len(self.responses) < self.MAX_RESPONSES
            ):
                self.responses[address] = answer

    def _start(self, generation):
        if generation != self.generation:
            self.generation, self.entries, self.responses, self.size = generation, {}, {}, 0


_pages = _WorkerPages()


def _partnership(request):
    """The partnership a page is shown for (its local information and contacts)."""
    partnership = getattr(request, "partnership", None)
    return partnership.slug if partnership is not None else NO_PARTNERSHIP


def _page_key(request, day):
    # The host and scheme are part of the page (its absolute print-footer links); the query
    # string is not (these views ignore it), so it cannot be used to fill the cache.
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"procedures:page:{day.isoformat()}:{_partnership(request)}:{digest}"


def _encoding(request):
    accepted = request.headers.get("Accept-Encoding", "")
    return next((name for name, pattern in ACCEPTS.items() if pattern.search(accepted)), "identity")


def _cacheable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
    )


def _entries(response, stamp, day, partnership):
    body = response.content
    token, stamped_at = stamp
    digest = hashlib.sha256(body).hexdigest()[:12]
    start_of_day = datetime.datetime.combine(
        day, datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    # The page last changed at the latest write to the manual or at midnight, whichever came
    # later (a scheduled version takes effect at midnight).
    last_modified = int(max(stamped_at, start_of_day.timestamp()))
    bodies = {"identity": body, "gzip": gzip.compress(body, compresslevel=6, mtime=0)}
    if brotli is not None:
        bodies["br"] = brotli.compress(body, quality=6)
    else:  # pragma: no cover
        bodies["br"] = bodies["gzip"]
    return {
        accepted: {
            "stamp": stamp,
            "etag": f'W/"{token}.{day:%Y%m%d}.{partnership}.{digest}"',
            "last_modified": last_modified,
            "last_modified_http": http_date(last_modified),
            "content_type": response["Content-Type"],
            "encoding": "gzip" if brotli is None and accepted == "br" else accepted,
            "body": content,
        }
        for accepted, content in bodies.items()
    }


def _respond(request, entry):
    response = HttpResponse(entry["body"], content_type=entry["content_type"])
    if entry["encoding"] != "identity":
        response["Content-Encoding"] = entry["encoding"]
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = entry["last_modified_http"]
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Accept-Encoding"
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )
