"""Figures for managers that name no reader: chapter reads by week and searches that found
nothing.

Reads are counted in each worker's memory, not in the database: a cached chapter page is
served with one cache lookup, and counting it must not add a query or a write. A background
thread in each process adds the counts to the database (one upsert per chapter and week, with
F()) every READING_FIGURES_FLUSH_SECONDS, sooner once READING_FIGURES_FLUSH_HITS reads are
waiting, and at the process's normal exit. Limits, accepted: reads counted since the last
flush are lost if a process is killed (SIGKILL, a crash, a gunicorn timeout), and every GET
that is served counts, robots included.

Searches that found nothing are rarer and already cost queries, so each adds to its count at
once. Only the normalised words are kept (letters and digits, folded, as search reads them),
and a query with a long number in it (a phone, case or NHS number) is not kept at all.
"""

import atexit
import collections
import contextlib
import datetime
import logging
import os
import re
import threading
import time
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Sum
from django.utils import timezone

from feedback.models import Feedback, SearchMiss, WeeklyReads
from procedures.early_hits import also_when_answered_early
from procedures.models import Chapter, ChapterVersion, today

logger = logging.getLogger(__name__)

LONG_NUMBER = re.compile(r"\d{5,}")
MAX_QUERY = 200


def week_of(day: datetime.date) -> datetime.date:
    """The Monday that starts the day's week."""
    return day - datetime.timedelta(days=day.weekday())


# --- counting reads ---------------------------------------------------------------------------


class ReadCounter:
    """Reads per (chapter slug, week) in this process, waiting to be added to the database."""

    # Slugs waiting when the database cannot be reached; more are dropped, not kept for ever.
    MAX_WAITING = 10_000

    def __init__(self):
        self.lock = threading.Lock()
        self.waiting = collections.Counter()
        self.hits = 0
        self.wake = threading.Event()
        self.pid = None  # the process whose flushing thread is running
        self.week, self.week_ends = None, 0.0

    def count(self, slug: str) -> None:
        with self.lock:
            key = (slug, self._week())
            if key in self.waiting or len(self.waiting) < self.MAX_WAITING:
                self.waiting[key] += 1
            self.hits += 1
            if self.hits >= settings.READING_FIGURES_FLUSH_HITS:
                self.wake.set()
            started = self.pid == os.getpid()
        if not started:
            self._start()

    def _week(self) -> datetime.date:
        """This week's Monday, worked out again only when the week ends (London midnight)."""
        if time.time() >= self.week_ends:
            self.week = week_of(today())
            monday = self.week + datetime.timedelta(weeks=1)
            zone = timezone.get_current_timezone()
            self.week_ends = datetime.datetime.combine(monday, datetime.time(), zone).timestamp()
        return self.week

    def take(self) -> collections.Counter:
        with self.lock:
            taken, self.waiting, self.hits = self.waiting, collections.Counter(), 0
            return taken

    def flush(self) -> int:
        """Add the waiting counts to the database; on failure they wait for the next flush."""
        taken = self.take()
        if not taken:
            return 0
        try:
            return add_reads(taken)
        except Exception:
            logger.warning(
                "event=reading_figures_flush_failed waiting=%s", len(taken), exc_info=True
            )
            with self.lock:
                for key, number in taken.items():
                    if key in self.waiting or len(self.waiting) < self.MAX_WAITING:
                        self.waiting[key] += number
            return 0

    def _start(self):
        """One flushing thread per process, started by its first read (after a fork, each
        gunicorn worker starts its own)."""
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
        seconds = float(settings.READING_FIGURES_FLUSH_SECONDS)
        if seconds > 0:
            threading.Thread(
                target=self._run, args=(seconds,), name="reading-figures", daemon=True
            ).start()
        atexit.register(self._flush_at_exit)

    def _run(self, seconds):
        while True:
            self.wake.wait(seconds)
            self.wake.clear()
            self.flush()
            connections.close_all()  # this thread's own connection; reopened next time

    def _flush_at_exit(self):
        taken = self.take()
        if taken:
            # The process is ending: if the database cannot take them, the counts are lost.
            with contextlib.suppress(Exception):
                add_reads(taken)


reads = ReadCounter()


def counts_reads(view):
    """Count each chapter page served (200, or 304 to a browser that has it) in memory."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        _count(request, response, kwargs["slug"])
        also_when_answered_early(request, _count, kwargs["slug"])  # the cached page's next hits
        return response

    return wrapped


def _count(request, response, slug):
    if request.method == "GET" and response.status_code in (200, 304):
        reads.count(slug)


def add_reads(counts: dict[tuple[str, datetime.date], int]) -> int:
    """Add counts by (chapter slug, week) to the weekly totals; slugs that name no chapter are
    dropped. Returns how many reads were added."""
    chapters = dict(
        Chapter.objects.filter(slug__in={slug for slug, _week in counts}).values_list("slug", "pk")
    )
    added = 0
    with transaction.atomic():
        for (slug, week), number in sorted(counts.items()):
            if slug in chapters:
                _add(WeeklyReads, {"chapter_id": chapters[slug], "week": week}, number)
                added += number
    return added


def _add(model, keys: dict, number: int) -> None:
    """count += number for the row with `keys`, made if missing (safe when two workers race)."""
    if model.objects.filter(**keys).update(count=F("count") + number):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, count=number)
    except IntegrityError:  # another worker made it first
        model.objects.filter(**keys).update(count=F("count") + number)


# --- searches that found nothing --------------------------------------------------------------


def note_search(results) -> None:
    """Count the first page of a search that could be run and found nothing."""
    if results.total or results.page != 1 or not results.query.searchable:
        return
    text = normalised_query(results.query.words())
    if not text:
        return
    try:
        _add(SearchMiss, {"week": week_of(today()), "query": text}, 1)
    except Exception:  # a figure for managers must never break a reader's search
        logger.warning("event=search_miss_not_counted", exc_info=True)


def normalised_query(words: list[str]) -> str:
    """The search's folded words, or "" when it holds a long number (it may identify a
    person or a case, so it is not kept)."""
    if any(LONG_NUMBER.search(word) for word in words):
        return ""
    return " ".join(words)[:MAX_QUERY].strip()


# --- the managers' page -----------------------------------------------------------------------

WEEKS_OF_READS = 8
TOP_CHAPTERS = 10
WEEKS_OF_SEARCHES = 12
TOP_SEARCHES = 50
LATEST_FEEDBACK = 20


def most_read_by_week(*, weeks: int = WEEKS_OF_READS, top: int = TOP_CHAPTERS, on=None):
    """[(week, [(chapter label, reads), ...]), ...], newest week first."""
    since = week_of(on or today()) - datetime.timedelta(weeks=weeks - 1)
    rows = WeeklyReads.objects.filter(week__gte=since).order_by("-week", "-count", "chapter_id")
    labels = chapter_labels({row.chapter_id for row in rows})
    by_week = collections.defaultdict(list)
    for row in rows:
        if len(by_week[row.week]) < top:
            by_week[row.week].append((labels.get(row.chapter_id, "?"), row.count))
    return sorted(by_week.items(), reverse=True)


def chapter_labels(chapter_ids) -> dict[int, str]:
    """'2.5 Online safety' for each chapter, from its newest version that has taken effect."""
    labels = {}
    versions = (
        ChapterVersion.objects.filter(chapter_id__in=chapter_ids, effective_date__lte=today())
        .select_related("chapter")
        .order_by("chapter_id", "-number")
    )
    for version in versions:
        labels.setdefault(version.chapter_id, f"{version.chapter_number} {version.title}")
    return labels


def searches_that_found_nothing(
    *, weeks: int = WEEKS_OF_SEARCHES, top: int = TOP_SEARCHES, on=None
):
    """[(normalised query, times), ...] over the last `weeks` weeks, most frequent first."""
    since = week_of(on or today()) - datetime.timedelta(weeks=weeks - 1)
    return list(
        SearchMiss.objects.filter(week__gte=since)
        .values_list("query")
        .annotate(times=Sum("count"))
        .order_by("-times", "query")[:top]
    )


def latest_feedback(*, top: int = LATEST_FEEDBACK):
    return list(Feedback.objects.select_related("version", "partnership")[:top])
