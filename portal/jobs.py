"""Retrying background jobs, and the worker's heartbeat.

django-tasks runs a task once; retrying is ours. A task that could not finish calls
`retry_later`, which enqueues it again after an exponential backoff, up to JOBS_MAX_ATTEMPTS.
The worker writes a heartbeat to the shared cache; /healthz/ reads it.
"""

import datetime
import logging
import socket
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger("portal.jobs")

HEARTBEAT_KEY = "portal:worker-heartbeat"

# The worker takes the ready job of highest priority first (django-tasks-db). Emails go
# before everything else: a person waits for a sign-up or release email, nobody waits for a
# PDF rebuild. Other jobs keep the default priority (0).
EMAIL_PRIORITY = 50


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", 8))


def backoff(attempt: int) -> datetime.timedelta:
    """Wait before attempt `attempt + 1`: JOBS_RETRY_SECONDS doubled each time, at most an hour."""
    base = float(getattr(settings, "JOBS_RETRY_SECONDS", 30))
    return datetime.timedelta(seconds=min(base * 2 ** (attempt - 1), 3600))


def retry_later(task, *, attempt: int, reason: str, **kwargs) -> bool:
    """Enqueue `task(attempt=attempt + 1, **kwargs)` after the backoff; False (and an error
    log line) when the attempts are used up."""
    if attempt >= max_attempts():
        logger.error(
            "event=job_failed task=%s attempt=%s reason=%s gave_up=true %s",
            task.name,
            attempt,
            _quote(reason),
            " ".join(f"{key}={value}" for key, value in kwargs.items()),
        )
        return False
    run_after = timezone.now() + backoff(attempt)
    task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    logger.warning(
        "event=job_retry task=%s attempt=%s next_attempt_at=%s reason=%s %s",
        task.name,
        attempt,
        run_after.isoformat(timespec="seconds"),
        _quote(reason),
        " ".join(f"{key}={value}" for key, value in kwargs.items()),
    )
    return True


def _quote(text: str) -> str:
    return '"' + str(text).replace('"', "'").replace("\n", " ")[:200] + '"'


quoted = _quote

# A job that raised one of these failed on the database, not on its own work: it is put back.
DATABASE_ERRORS = {
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "django.db.utils.DatabaseError",
}


def failed_on_the_database(job) -> bool:
    from django_tasks_db.compat import TaskResultStatus

    return job.status == TaskResultStatus.FAILED and job.exception_class_path in DATABASE_ERRORS


def put_back(job) -> bool:
    """Make a job that was claimed (and maybe run) ready to run again after the backoff,
    unless it has been tried JOBS_MAX_ATTEMPTS times (each claim names its worker). Jobs are
    safe to run twice, so one whose outcome was lost to a database error is run again."""
    from django_tasks_db.compat import TaskResultStatus

    attempts = len(job.worker_ids)
    if attempts >= max_attempts():
        logger.error("event=job_failed job=%s attempts=%s gave_up=true", job.pk, attempts)
        return False
    job.status = TaskResultStatus.READY
    job.run_after = timezone.now() + backoff(attempts)
    job.finished_at = None
    job.save(update_fields=["status", "run_after", "finished_at"])
    logger.warning(
        "event=job_put_back job=%s attempts=%s next_attempt_at=%s",
        job.pk,
        attempts,
        job.run_after.isoformat(timespec="seconds"),
    )
    return True


def beat() -> None:
    """Record that a worker is alive (called every few seconds by the worker)."""
    cache.set(HEARTBEAT_KEY, {"at": time.time(), "host": socket.gethostname()}, timeout=None)


def heartbeat_age() -> float | None:
    """Seconds since any worker's last heartbeat, or None if there has never been one."""
    value = cache.get(HEARTBEAT_KEY)
    if not value:
        return None
    return max(0.0, time.time() - value["at"])


def heartbeat_interval() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 10))


def heartbeat_max_age() -> float:
    """A heartbeat older than this means no worker is running."""
    return float(getattr(settings, "WORKER_HEARTBEAT_MAX_AGE", 60))
