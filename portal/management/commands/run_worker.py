"""The background-job worker: django-tasks-db's `db_worker`, plus a heartbeat for /healthz/
and, at start, a sweep that re-enqueues release emails left unfinished (failed, or stuck in
"sending" after a crash) and a request for the weekly link check (links.tasks)."""

import logging
import threading

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from portal import jobs

logger = logging.getLogger("portal.jobs")


class Command(DbWorkerCommand):
    help = "Run the background-job worker (emails), with a heartbeat for /healthz/."

    def handle(self, *args, **options):
        from updates.tasks import resume_unfinished_deliveries

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
        try:
            resumed = resume_unfinished_deliveries()
            if resumed:
                logger.info("event=jobs_resumed releases=%s", resumed)
            if getattr(settings, "LINKS_CHECK_WEEKLY", True):
                from links.tasks import schedule_weekly

                schedule_weekly()
            super().handle(*args, **options)
        finally:
            stop.set()
