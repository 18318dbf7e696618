"""Two publishers at once, each on their own real database connection (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection

from procedures import publishing
from procedures.models import ChapterVersion
from procedures.publishing import PublishingError
from tests.publishing.helpers import publish

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two concurrent database connections; SQLite serialises all writers",
    ),
]


def race(monkeypatch, *attempts):
    """Run publish(by=..., draft=...) for each (user, draft) in its own thread and
    connection, released together; the first to lock the chapter holds it a moment."""
    real_store = publishing.store_version

    def slow_store(**kwargs):
        time.sleep(0.3)  # the other publisher arrives and waits on the lock meanwhile
        return real_store(**kwargs)

    monkeypatch.setattr(publishing, "store_version", slow_store)
    barrier = threading.Barrier(len(attempts))
    outcomes, backends = [None] * len(attempts), [None] * len(attempts)

    def run(index, user, draft):
        try:
            connection.ensure_connection()
            backends[index] = connection.connection.info.backend_pid
            barrier.wait()
            outcomes[index] = publish(by=user, draft=draft)
        except PublishingError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, user, draft))
        for index, (user, draft) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(set(backends)) == len(attempts), "each publisher had its own connection"
    return outcomes


def test_two_publishers_racing_on_one_chapter_exactly_one_wins(
    small_manual, draft_of, editor, publisher, other_publisher, monkeypatch
):
    first = draft_of("online-safety", by=editor, replace={"Sexting incidents": "Incidents"})
    second = draft_of("online-safety", by=editor, replace={"Live streaming": "Streaming"})

    outcomes = race(monkeypatch, (publisher, first), (other_publisher, second))

    wins = [o for o in outcomes if isinstance(o, list)]
    losses = [o for o in outcomes if isinstance(o, PublishingError)]
    assert (len(wins), len(losses)) == (1, 1), outcomes
    assert "moved on" in str(losses[0]) and "version 2 was published" in str(losses[0])
    versions = ChapterVersion.objects.filter(chapter__slug="online-safety").order_by("number")
    assert [v.number for v in versions] == [1, 2]  # no duplicate, no skipped number
    assert [v.valid_until is None for v in versions] == [False, True]
    assert versions[1] == wins[0][0]


def test_two_publishers_publishing_the_same_draft_publish_it_once(
    small_manual, draft_of, editor, publisher, other_publisher, monkeypatch
):
    draft = draft_of("online-safety", by=editor, replace={"Sexting incidents": "Incidents"})

    outcomes = race(monkeypatch, (publisher, draft), (other_publisher, draft))

    losses = [o for o in outcomes if isinstance(o, PublishingError)]
    assert len(losses) == 1 and "already been published" in str(losses[0])
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 2


def test_two_releases_creating_the_same_new_chapter_create_it_once(
    small_manual, new_chapter_draft, editor, publisher, other_publisher, monkeypatch
):
    one = new_chapter_draft("county-lines", by=editor, summary="One.")
    two = new_chapter_draft("county-lines", by=editor, number="2.8", summary="Two.")

    outcomes = race(monkeypatch, (publisher, one), (other_publisher, two))

    assert sum(isinstance(o, list) for o in outcomes) == 1, outcomes
    assert ChapterVersion.objects.filter(chapter__slug="county-lines").count() == 1
