"""Background jobs for emails (django-tasks): enqueued once the change is committed, run by
`manage.py run_worker`, so no request waits for the mail server.

Each job is safe to run more than once: release emails claim a Delivery row per subscriber
before sending (see notifications.py), and a confirmation email is sent only by the job for
the latest claim (Subscriber.last_emailed_at). A job that could not finish is retried later
with a growing delay (portal.jobs.retry_later).
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from portal import jobs
from procedures.models import Release
from updates import conf
from updates.models import Delivery, Subscriber
from updates.notifications import notify_release, stuck_deliveries
from updates.subscriptions import claim_is_current, send_subscription_message

logger = logging.getLogger(__name__)


@task()
def send_release_emails(release_id: int, attempt: int = 1) -> str:
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        return "release deleted"
    result = notify_release(release)
    logger.info(
        "event=release_emails release_id=%s attempt=%s sent=%s failed=%s skipped=%s interrupted=%s",
        release.pk,
        attempt,
        result.sent,
        result.failed,
        result.skipped,
        result.interrupted,
    )
    if result.failed or result.interrupted:
        jobs.retry_later(
            send_release_emails, attempt=attempt, reason=str(result), release_id=release_id
        )
    elif Delivery.objects.filter(release=release, status=Delivery.Status.SENDING).exists():
        # Another worker holds some deliveries; look again once they would count as abandoned.
        send_release_emails.using(run_after=_after(conf.sending_timeout() + 5)).enqueue(
            release_id=release_id, attempt=attempt
        )
    return str(result)


def resume_unfinished_deliveries() -> int:
    """Re-enqueue release emails with deliveries that failed for good or were abandoned in
    "sending" (the worker was killed mid-send). Called when a worker starts."""
    release_ids = set(
        Delivery.objects.filter(
            Q(status=Delivery.Status.FAILED) | Q(pk__in=stuck_deliveries().values("pk"))
        ).values_list("release_id", flat=True)
    )
    for release_id in sorted(release_ids):
        send_release_emails.enqueue(release_id=release_id)
    return len(release_ids)


@task()
def send_subscription_email(subscriber_id: int, claimed_at: str, attempt: int = 1) -> str:
    """The confirmation (or "already subscribed") email claimed at `claimed_at`. Sent only
    while that claim is the subscriber's latest, so a retried or duplicated job never sends
    a second copy after a newer request has its own."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or not claim_is_current(subscriber, claimed_at):
        return "nothing to send"
    try:
        send_subscription_message(subscriber)
    except Exception as error:
        logger.warning(
            "event=subscription_email_failed subscriber_id=%s attempt=%s error=%s",
            subscriber_id,
            attempt,
            type(error).__name__,
        )
        jobs.retry_later(
            send_subscription_email,
            attempt=attempt,
            reason=type(error).__name__,
            subscriber_id=subscriber_id,
            claimed_at=claimed_at,
        )
        return "failed"
    return "sent"


def _after(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def email_after_commit(claim: tuple[int, str] | None) -> None:
    """Queue the sign-up's email (see subscriptions.request_subscription) once the request's
    transaction commits; no request waits on the mail server."""
    if claim is None:
        return
    subscriber_id, claimed_at = claim
    transaction.on_commit(
        lambda: send_subscription_email.enqueue(subscriber_id=subscriber_id, claimed_at=claimed_at)
    )
