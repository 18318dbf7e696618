"""The embedded default (SQLite, as `scripts/serve` runs it: two gunicorn workers and the
background worker on one file) takes several writers: a write waits its turn instead of
failing, a lock held longer than a save may wait answers a page that keeps the text (never a
500), the worker outlives database errors, and `scripts/serve` starts a stopped worker again.

These start real processes on their own SQLite files, whatever database the suite runs on;
they run in the suite's SQLite run (scripts/test), once.
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from django.conf import settings

from tests.ops.served import (
    ROOT,
    ServedPortal,
    Staff,
    form_fields,
    saves_and_publishes,
    start_draft,
)

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("sqlite"),
        reason="the SQLite deployment is checked in the suite's SQLite run",
    ),
    pytest.mark.skipif(
        not (ROOT / ".venv" / "bin" / "gunicorn").exists(),
        reason="scripts/serve needs the checkout's .venv (scripts/setup)",
    ),
]


def wait_for(condition, seconds=60, every=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    return condition()


class WriteLock:
    """Another process's write transaction on the database file, held until released."""

    def __init__(self, path):
        self.path = path
        self.process = None

    def __enter__(self):
        code = textwrap.dedent(
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE IF NOT EXISTS lock_holder (at TEXT)")
            db.execute("INSERT INTO lock_holder VALUES (datetime('now'))")
            print("locked", flush=True)
            sys.stdin.readline()
            db.execute("COMMIT")
            """
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(self.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "locked"
        return self

    def __exit__(self, *exc):
        self.process.communicate("release\n", timeout=30)


def test_a_transaction_that_reads_then_writes_waits_for_the_lock_instead_of_failing(tmp_path):
    """What failed 4 saves in 40: a transaction read, another process took the write lock,
    and the write failed at once ("database is locked"), whatever the timeout."""
    database = tmp_path / "portal.sqlite3"
    script = textwrap.dedent(
        """
        import subprocess, sys, time
        import django
        django.setup()
        from django.db import connection, transaction
        with connection.cursor() as cursor:
            print("journal", cursor.execute("PRAGMA journal_mode").fetchone()[0])
            cursor.execute("CREATE TABLE saves (words TEXT)")
        holder = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]],
                                  stdout=subprocess.PIPE, text=True)
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM saves")
            holder.stdout.readline()  # the other process now wants the lock, or has it
            cursor.execute("INSERT INTO saves VALUES ('kept')")
        holder.wait()
        with connection.cursor() as cursor:
            print("rows", cursor.execute("SELECT count(*) FROM saves").fetchone()[0])
        """
    )
    holder = textwrap.dedent(
        """
        import sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
        print("trying", flush=True)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO saves VALUES ('theirs')")
        time.sleep(1.5)
        db.execute("COMMIT")
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "x" * 50,
        "CACHE_URL": "locmem://",
    }
    result = subprocess.run(
        [sys.executable, "-c", script, holder, str(database)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "journal wal" in result.stdout
    assert "rows 2" in result.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The portal as scripts/serve serves it, with its own SQLite file."""
    with ServedPortal(tmp_path_factory.mktemp("served")) as portal:
        yield portal


def test_three_people_saving_and_publishing_at_once_get_no_server_error(served):
    figures = saves_and_publishes(served, clients=3, saves=60, publish_every=20)
    assert figures["responses_5xx"] == 0, figures
    assert figures["client_errors"] == [], figures
    assert figures["saved"] + figures["refused_published_meanwhile"] == 60, figures
    assert figures["published"] >= 2, figures
    assert "database is locked" not in served.log_text()


def test_a_stopped_worker_is_started_again_and_the_site_stays_up(served):
    served.add_staff(["watcher"])
    (worker,) = wait_for(served.worker_pids, 30)
    os.kill(worker, signal.SIGKILL)
    staff = Staff(served, "watcher").sign_in()
    assert staff.get("/admin/").status == 200  # the site did not stop with the worker
    restarted = wait_for(lambda: [pid for pid in served.worker_pids() if pid != worker], 30)
    assert restarted, served.log_text()[-2000:]
    assert "the background worker stopped" in served.log_text()
    assert staff.get("/healthz/").status in (200, 503)


def test_a_save_while_the_database_stays_locked_keeps_the_text_and_the_worker_lives(tmp_path):
    words = "Words typed while another process held the database."
    with ServedPortal(tmp_path, extra_env={"SQLITE_BUSY_TIMEOUT": "2"}) as portal:
        portal.add_staff(["edna"], group="Editor")
        portal.add_staff(["pat"], group="Publisher")
        (worker,) = wait_for(portal.worker_pids, 30)
        edna = Staff(portal, "edna").sign_in()
        (chapter_id, _), *_ = portal.chapters_in_force(1)
        pk, _ = start_draft(edna, chapter_id)
        assert pk
        change = f"/admin/procedures/draft/{pk}/change/"
        fields = form_fields(edna.get(change).body, "draft_form")
        body = next(value for name, value in fields if name == "body")
        fields = [(n, v) for n, v in fields if n != "body"] + [("body", f"{body}\n{words}\n")]

        with WriteLock(portal.database):
            answer = edna.post(change, fields + [("_continue", "1")])
            # The worker meets the lock too (it looks for jobs every second).
            assert wait_for(lambda: "event=worker_database_error" in portal.log_text(), 20)

        assert answer.status == 503, answer.status
        assert words in answer.body and "nothing was saved yet" in answer.body
        assert "Try again" in answer.body
        assert 500 not in edna.statuses
        # "Try again" sends the kept text once the database is free: it is saved.
        again = form_fields(answer.body, "busy-form")
        saved = edna.post(change, again)
        assert saved.status == 302, saved.body[:2000]
        page = edna.get(change)
        assert words in page.body

        # The same worker, still running, still does its work: the review email goes out.
        assert portal.worker_pids() == [worker]
        sent = edna.post(f"/admin/procedures/draft/{pk}/send-for-review/", {})
        assert sent.status == 302
        mail = portal.workdir / "mail"
        found = wait_for(
            lambda: [p for p in mail.iterdir() if "Ready for review" in p.read_text()], 60
        )
        assert found, portal.log_text()[-3000:]
        assert re.search(r"^To: pat@example\.org", found[0].read_text(), re.M)


def test_the_lock_holder_helper_holds_the_lock(tmp_path):
    """The check above means something only if the helper really blocks writers."""
    database = tmp_path / "check.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE t (x)").connection.commit()
    with WriteLock(database):
        other = sqlite3.connect(database, timeout=0.2)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("INSERT INTO t VALUES (1)")
        other.close()
    assert threading.active_count() >= 1
