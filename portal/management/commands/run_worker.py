"""The background-job worker: django-tasks-db's `db_worker`, plus a heartbeat for /healthz/,
at start a sweep that re-enqueues release emails left unfinished (failed, or stuck in
"sending" after a crash) and a request for the weekly link check (links.tasks), and patience
with the database.

A database error (SQLite locked by another process for longer than the busy timeout, a
PostgreSQL restart) does not end the worker: it waits, with a growing pause, and carries on.
A job whose outcome could not be recorded, or that failed on the database, is put back to run
again later (every job is safe to run more than once), at most JOBS_MAX_ATTEMPTS times.
"""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django_tasks_db.management.commands import db_worker

from portal import jobs

logger = logging.getLogger("portal.jobs")

# Pauses after a database error: 1, 2, 4 ... seconds, at most a minute.
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0


class PatientWorker(db_worker.Worker):
    """db_worker's loop, started again after a database error instead of ending."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = None  # the job being run, to put back if its outcome is lost
        self.resumed = False

    def run(self):
        pause = FIRST_PAUSE
        while self.running:
            try:
                if not self.resumed:
                    resume_unfinished_deliveries()
                    schedule_weekly_link_check()
                    self.resumed = True
                return super().run()
            except DatabaseError as error:
                logger.warning(
                    "event=worker_database_error error=%s retry_in=%.0fs",
                    jobs.quoted(error),
                    pause,
                )
                _drop_connections()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                self._put_back_current_job()

    def run_task(self, db_task_result):
        self.job = db_task_result
        super().run_task(db_task_result)
        if jobs.failed_on_the_database(db_task_result):
            jobs.put_back(db_task_result)
        self.job = None

    def _put_back_current_job(self):
        job, self.job = self.job, None
        if job is None:
            return
        try:
            jobs.put_back(job)
        except DatabaseError:
            self.job = job  # still unreachable: try again after the next pause


def resume_unfinished_deliveries():
    from updates.tasks import resume_unfinished_deliveries as resume

    resumed = resume()
    if resumed:
        logger.info("event=jobs_resumed releases=%s", resumed)


def schedule_weekly_link_check():
    if getattr(settings, "LINKS_CHECK_WEEKLY", True):
        from links.tasks import schedule_weekly

        schedule_weekly()


def _drop_connections():
    """Close every connection so the next query opens a fresh one (a broken or locked
    connection is not reused)."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            connection.close()


class Command(db_worker.Command):
    help = "Run the background-job worker (emails), with a heartbeat for /healthz/."

    def handle(self, *args, **options):
        stop = threading.Event()
        interval = jobs.heartbeat_interval()

        def heartbeat():
            while not stop.is_set():
                try:
                    jobs.beat()
                except Exception:  # the cache being down must not stop the emails
                    logger.warning("event=heartbeat_failed", exc_info=True)
                stop.wait(interval)

        threading.Thread(target=heartbeat, name="heartbeat", daemon=True).start()
        # db_worker's handle (options, signals, reloading) builds its worker by this name.
        original = db_worker.Worker
        db_worker.Worker = PatientWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
            stop.set()
