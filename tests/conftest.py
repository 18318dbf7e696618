import datetime
import importlib
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations

from manual.content import read_manual
from manual.loading import load_manual

SAMPLE_CONTENT = Path(settings.BASE_DIR) / "content"
AUDIT_KEPT = importlib.import_module("procedures.migrations.0014_audit_entries_are_final")
_sqlite_flush = SQLiteOperations.sql_flush


def _flush_past_the_audit_trigger(self, style, tables, **kwargs):
    """The tests' flush empties tables with DELETE on SQLite, which the audit log refuses
    (procedures migration 0014): the trigger steps aside for the flush and comes back."""
    statements = _sqlite_flush(self, style, tables, **kwargs)
    if "procedures_auditentry" not in tables:
        return statements
    kept = "DROP TRIGGER IF EXISTS procedures_audit_entry_is_kept"
    return [kept, *statements, AUDIT_KEPT.SQLITE_DELETE_TRIGGER]


SQLiteOperations.sql_flush = _flush_past_the_audit_trigger


class ManualBuilder:
    """Writes a small content tree in a temporary folder, in the documented format."""

    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.parts = {1: "Working together", 2: "Child protection concerns"}
        self._write_manual_file()

    def _write_manual_file(self):
        lines = ["title: Test manual", "parts:"]
        for number, title in self.parts.items():
            lines += [f"  - number: {number}", f"    title: {title}"]
        (self.root / "manual.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def chapter(
        self,
        slug,
        body,
        *,
        version=1,
        number="2.1",
        title=None,
        effective=datetime.date(2024, 1, 1),
        summary="First published.",
        related=(),
        extra="",
        part=None,
    ):
        title = title or slug.replace("-", " ").capitalize()
        part = part if part is not None else int(number.split(".")[0])
        front = textwrap.dedent(
            f"""\
            ---
            chapter: "{number}"
            slug: {slug}
            title: "{title}"
            part: {part}
            version: {version}
            effective: {effective.isoformat()}
            summary: "{summary}"
            related: [{", ".join(related)}]
            """
        )
        path = self.root / "chapters" / slug / f"v{version}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front + extra + "---\n" + textwrap.dedent(body), encoding="utf-8")
        return path

    def read(self, **kwargs):
        return read_manual(self.root, **kwargs)

    def load(self):
        return load_manual(self.read())


@pytest.fixture
def manual(tmp_path):
    return ManualBuilder(tmp_path / "content")


@pytest.fixture
def sample_manual(db):
    call_command("load_content", str(SAMPLE_CONTENT), verbosity=0)


@pytest.fixture
def no_page_cache(settings):
    """Every request renders its page: for tests that count what a cache miss costs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Abuse-limit counts and the worker heartbeat live in the cache (a table in the test
    database), which outlives a test's transaction: each test that uses the database starts
    from an empty one."""
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        return
    from django.core.cache import cache

    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()
    from procedures.caching import forget_local_copies

    forget_local_copies()  # this process's copy of the stamp and its pages went with it


@pytest.fixture(autouse=True)
def _reads_stay_in_memory(monkeypatch):
    """Chapter reads that any test causes are counted in memory only. The process-wide
    counter's flushing thread would otherwise add them to whichever database is open a minute
    later: another test's, or after the run the one the settings name."""
    from feedback import reading_figures

    counter = reading_figures.ReadCounter()
    monkeypatch.setattr(counter, "_start", lambda: None)
    monkeypatch.setattr(reading_figures, "reads", counter)


@pytest.fixture(autouse=True)
def _staff_pass_the_second_factor(monkeypatch):
    """The admin requires a second factor (django-otp) with DEBUG off, as in production.
    `client.force_login(user)` stands for a whole sign-in, so it also verifies one of the
    user's devices in the session, as entering a code at the sign-in page does."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def verify_second_factor(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Backup codes", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def run_jobs():
    """Run every background job that is due, in this process, as `manage.py run_worker`
    does, until none is left. (The worker's own loop closes the database connection between
    jobs, which would end a test's transaction, so the loop is here; each job runs through
    the worker's own run_task.)"""
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    while True:
        with transaction.atomic():
            job = DBTaskResult.objects.ready().get_locked()
            if job is None:
                return
            job.claim(worker.worker_id)
        worker.run_task(job)


@pytest.fixture
def jobs(db):
    """Call `jobs()` to run the background jobs that are due (emails)."""
    return run_jobs
