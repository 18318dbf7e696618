"""Chapter reads by week and searches that found nothing: counted without a query on a
cached chapter page, without anything that identifies a reader."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from feedback import reading_figures
from feedback.models import SearchMiss, WeeklyReads
from feedback.reading_figures import week_of
from procedures.models import Chapter, today
from tests.publishing.test_page_cache import in_another_worker, shared_cache  # noqa: F401

CHAPTER = "/chapters/online-safety/"


def reads_of(slug):
    return sum(WeeklyReads.objects.filter(chapter__slug=slug).values_list("count", flat=True))


@pytest.mark.django_db
def test_reads_are_counted_in_memory_and_added_by_week(client, reported_manual, read_counter):
    client.get(CHAPTER)
    client.get("/p/northmoor" + CHAPTER)
    client.get("/chapters/bullying/")
    assert not WeeklyReads.objects.exists()  # nothing written while serving
    assert read_counter.flush() == 3
    assert reads_of("online-safety") == 2 and reads_of("bullying") == 1
    assert WeeklyReads.objects.get(chapter__slug="bullying").week == week_of(today())
    client.get(CHAPTER)
    read_counter.flush()
    assert reads_of("online-safety") == 3  # added to, not replaced
    assert read_counter.flush() == 0


@pytest.mark.django_db
def test_pages_that_are_not_a_chapter_read_are_not_counted(client, reported_manual, read_counter):
    client.get("/chapters/no-such-chapter/")
    client.get("/chapters/online-safety/versions/1/")
    client.post(CHAPTER)
    client.get("/chapters/online-safety/feedback/")
    assert read_counter.flush() == 0
    assert not WeeklyReads.objects.exists()


@pytest.mark.django_db
def test_counts_wait_for_the_next_flush_when_the_database_fails(
    reported_manual, read_counter, monkeypatch
):
    read_counter.count("online-safety")
    real_add_reads = reading_figures.add_reads

    def broken(counts):
        raise RuntimeError("database down")

    monkeypatch.setattr(reading_figures, "add_reads", broken)
    assert read_counter.flush() == 0
    assert not WeeklyReads.objects.exists()
    monkeypatch.setattr(reading_figures, "add_reads", real_add_reads)
    assert read_counter.flush() == 1
    assert reads_of("online-safety") == 1


@pytest.mark.django_db
def test_the_week_starts_on_monday():
    assert week_of(datetime.date(2026, 11, 30)) == datetime.date(2026, 11, 30)  # a Monday
    assert week_of(datetime.date(2026, 12, 6)) == datetime.date(2026, 11, 30)  # Sunday


@pytest.mark.django_db(transaction=True)
def test_a_cached_chapter_read_adds_no_query_or_write(shared_cache, reported_manual, read_counter):  # noqa: F811
    assert Client().get(CHAPTER).status_code == 200  # rendered and cached
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(CHAPTER).status_code == 200
        assert Client().get(CHAPTER, headers={"if-none-match": "*"}).status_code in (200, 304)
    # Redis answers without the database; the database cache reads the stamp with one SELECT
    # per page: the counting adds nothing to either.
    written = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert written == []
    assert len(queries) <= (0 if "redis" in shared_cache.lower() else 2)
    assert read_counter.flush() == 3
    assert reads_of("online-safety") == 3


# Two real concurrent writers: SQLite's in-memory test database refuses the second at once
# ("table is locked") where a file database would wait; a failed flush keeps its counts for
# the next one (test_counts_wait_for_the_next_flush_when_the_database_fails).
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_flushing_at_once_lose_no_reads(reported_manual):
    week = week_of(today())
    barrier = threading.Barrier(2)

    def flush():
        try:
            barrier.wait()
            reading_figures.add_reads({("online-safety", week): 5})
        finally:
            connections.close_all()

    workers = [threading.Thread(target=flush) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert reads_of("online-safety") == 10


@pytest.mark.django_db(transaction=True)
def test_the_flushing_thread_adds_reads_without_a_request_waiting(
    reported_manual, settings, monkeypatch
):
    settings.READING_FIGURES_FLUSH_SECONDS = 30
    settings.READING_FIGURES_FLUSH_HITS = 2
    counter = reading_figures.ReadCounter()
    monkeypatch.setattr(reading_figures, "reads", counter)
    Client().get(CHAPTER)
    Client().get(CHAPTER)  # the second read wakes the thread at once
    for _ in range(100):
        if reads_of("online-safety") == 2:
            break
        threading.Event().wait(0.05)
    assert reads_of("online-safety") == 2
    assert in_another_worker(CHAPTER).status_code == 200


@pytest.mark.django_db
def test_a_search_that_found_nothing_is_counted_by_its_words(client, reported_manual):
    client.get("/search/", {"q": "  Zebra   CROSSINGS "})
    client.get("/search/", {"q": "zebra crossings"})
    client.get("/search/", {"q": "grooming"})  # found something
    client.get("/search/", {"q": ""})  # nothing asked
    client.get("/search/", {"q": "the of"})  # only common words
    client.get("/search/", {"q": "call 01632960001"})  # a long number: not kept
    assert list(SearchMiss.objects.values_list("query", "count")) == [("zebra crossings", 2)]
    assert SearchMiss.objects.get().week == week_of(today())


@pytest.mark.django_db
def test_hostile_searches_are_counted_safely(client, reported_manual):
    for text in ["a\x00b", "x" * 5000, "<script>alert(1)</script>", "'; DROP TABLE x; --"]:
        assert client.get("/search/", {"q": text}).status_code == 200
    assert all(len(query) <= 200 for query in SearchMiss.objects.values_list("query", flat=True))
    assert not any("<" in query for query in SearchMiss.objects.values_list("query", flat=True))


@pytest.mark.django_db
def test_figures_for_the_page(reported_manual):
    week = week_of(today())
    earlier = week - datetime.timedelta(weeks=1)
    reading_figures.add_reads(
        {
            ("online-safety", week): 7,
            ("bullying", week): 9,
            ("online-safety", earlier): 4,
            ("online-safety", week - datetime.timedelta(weeks=20)): 100,  # too old to show
        }
    )
    assert reading_figures.most_read_by_week() == [
        (week, [("2.1 Bullying", 9), ("2.5 Online safety", 7)]),
        (earlier, [("2.5 Online safety", 4)]),
    ]
    SearchMiss.objects.create(week=week, query="zebra", count=2)
    SearchMiss.objects.create(week=earlier, query="zebra", count=3)
    SearchMiss.objects.create(week=week, query="aardvark", count=1)
    SearchMiss.objects.create(week=week - datetime.timedelta(weeks=30), query="old", count=50)
    assert reading_figures.searches_that_found_nothing() == [("zebra", 5), ("aardvark", 1)]
    assert Chapter.objects.count() == 2


@pytest.mark.django_db
def test_reads_after_the_week_ends_count_in_the_new_week(reported_manual, read_counter):
    read_counter.week, read_counter.week_ends = datetime.date(2020, 1, 6), 0.0  # long over
    read_counter.count("bullying")
    read_counter.flush()
    assert WeeklyReads.objects.get().week == week_of(today())
    assert read_counter.week_ends > 0
