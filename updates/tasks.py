"""Background jobs for emails (django-tasks): enqueued once the change is committed, run by
`manage.py run_worker`, so no request waits for the mail server.

Each job is safe to run more than once: release and local information emails claim a
Delivery row per subscriber before sending (see sending.py), and a confirmation email is
sent only by the job for the latest claim (Subscriber.last_emailed_at). A job that could
not finish is retried later with a growing delay (portal.jobs.retry_later).
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
from updates.local_notices import notify_local_information, record_notice
from updates.models import Delivery, LocalNotice, Subscriber
from updates.notifications import notify_release
from updates.sending import stuck_deliveries
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


@task()
def send_local_information_emails(partnership_id: int, version_ids: list, attempt: int = 1) -> str:
    notice = record_notice(partnership_id=partnership_id, version_ids=version_ids)
    if notice is None:
        return "partnership or local information deleted"
    result = notify_local_information(notice)
    logger.info(
        "event=local_information_emails notice_id=%s attempt=%s sent=%s failed=%s skipped=%s "
        "interrupted=%s",
        notice.pk,
        attempt,
        result.sent,
        result.failed,
        result.skipped,
        result.interrupted,
    )
    if result.failed or result.interrupted:
        jobs.retry_later(
            send_local_information_emails,
            attempt=attempt,
            reason=str(result),
            partnership_id=partnership_id,
            version_ids=version_ids,
        )
    elif Delivery.objects.filter(notice=notice, status=Delivery.Status.SENDING).exists():
        send_local_information_emails.using(run_after=_after(conf.sending_timeout() + 5)).enqueue(
            partnership_id=partnership_id, version_ids=version_ids, attempt=attempt
        )
    return str(result)


def resume_unfinished_deliveries() -> int:
    """Re-enqueue the emails (about a release or local information) with deliveries that
    failed for good or were abandoned in "sending" (the worker was killed mid-send). Called
    when a worker starts."""
    unfinished = Delivery.objects.filter(
        Q(status=Delivery.Status.FAILED) | Q(pk__in=stuck_deliveries().values("pk"))
    )
    release_ids = set(unfinished.filter(release__isnull=False).values_list("release_id", flat=True))
    for release_id in sorted(release_ids):
        send_release_emails.enqueue(release_id=release_id)
    notices = LocalNotice.objects.filter(pk__in=unfinished.values("notice_id"))
    for notice in notices.order_by("pk"):
        send_local_information_emails.enqueue(
            partnership_id=notice.partnership_id,
            version_ids=sorted(notice.versions.values_list("pk", flat=True)),
        )
    return len(release_ids) + len(notices)


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
