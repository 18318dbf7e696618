"""Structured (key=value) log lines for what operators and auditors look for: staff sign-ins,
failed sign-ins and lockouts, publishes and background-job failures. Never a password."""

import logging
import threading
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_tasks.signals import task_finished

from portal.clientip import client_ip
from portal.middleware import SEEN_AT, SIGNED_IN_AT
from procedures.signals import release_published

logger = logging.getLogger("portal.audit")


def value(text) -> str:
    """One value of a key=value pair: quoted when it has spaces, never a newline."""
    text = " ".join(str(text).split()).replace('"', "'")[:200]
    return f'"{text}"' if (" " in text or not text) else text


def _client(request) -> str:
    return value(client_ip(request) or "-") if request is not None else "-"


@receiver(user_logged_in, dispatch_uid="portal.audit.signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = time.time()
    logger.info("event=signed_in user=%s client=%s", value(user.get_username()), _client(request))


@receiver(user_logged_out, dispatch_uid="portal.audit.signed_out")
def signed_out(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "-"
    logger.info("event=signed_out user=%s client=%s", value(name), _client(request))


class Flood:
    """Counts refused sign-ins in windows of WINDOW seconds (in this process): the first
    LINES of a window get a line each; the rest are counted, and the count is said in one
    summary line when the next window starts (2,342 lines in 60 s became 21)."""

    WINDOW = 60.0
    LINES = 20

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.started, self.seen = None, 0

    def admit(self):
        """(whether to write this refusal's line, the count of lines left out of the
        window that just ended, or 0)."""
        with self.lock:
            now, left_out = self.clock(), 0
            if self.started is None or now - self.started >= self.WINDOW:
                left_out = max(0, self.seen - self.LINES)
                self.started, self.seen = now, 0
            self.seen += 1
            return self.seen <= self.LINES, left_out


failed_sign_ins = Flood()


@receiver(user_login_failed, dispatch_uid="portal.audit.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    write, left_out = failed_sign_ins.admit()
    if left_out:
        logger.warning(
            "event=sign_in_failed_summary refused=%s window_seconds=%s",
            left_out,
            int(Flood.WINDOW),
        )
    if write:
        logger.warning(
            "event=sign_in_failed user=%s client=%s",
            value(credentials.get("username", "-")),
            _client(request),
        )


@receiver(user_locked_out, dispatch_uid="portal.audit.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    logger.warning("event=locked_out user=%s client=%s", value(username), value(ip_address))


@receiver(release_published, dispatch_uid="portal.audit.published")
def published(sender, release, **kwargs):
    logger.info(
        "event=release_published release_id=%s release=%s effective=%s",
        release.pk,
        value(release.name),
        release.effective_date,
    )


@receiver(task_finished, dispatch_uid="portal.audit.job_finished")
def job_finished(sender, task_result, **kwargs):
    if task_result.status != "FAILED":
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else "-"
    logger.error(
        "event=job_failed task=%s job_id=%s error=%s",
        task_result.task.module_path,
        task_result.id,
        value(error),
    )
