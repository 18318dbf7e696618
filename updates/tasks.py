"""Background jobs for emails (django-tasks): enqueued once the change is committed, run by
`manage.py run_worker`, so no request waits for the mail server.

Each job is safe to run more than once: release and local information emails claim a
Delivery row per subscriber before sending (see sending.py), and a confirmation email is
sent only by the job for the latest claim (Subscriber.last_emailed_at). A job that could
not finish is retried later with a growing delay (portal.jobs.retry_later). A worker that
starts runs again at once the email jobs a dead worker left running (resume_after_a_crash).
Emails go before other work (portal.jobs.EMAIL_PRIORITY): a reader waits for a sign-up
email, nobody waits for a PDF rebuild.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from portal import jobs
from procedures.models import Release
from updates.contact_notices import notify_contacts, record_contacts_notice
from updates.local_notices import notify_local_information, record_notice
from updates.models import Delivery, LocalNotice, Subscriber
from updates.notifications import notify_release
from updates.sending import abandoned_deliveries, next_lease_end
from updates.subscriptions import claim_is_current, send_subscription_message

logger = logging.getLogger(__name__)


@task(priority=jobs.EMAIL_PRIORITY)
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
    elif (lease_end := next_lease_end({"release": release})) is not None:
        # Another run holds some deliveries; look again once its lease would have lapsed
        # (if it is alive it renews the lease, and the next look finds them sent).
        send_release_emails.using(run_after=_just_after(lease_end)).enqueue(
            release_id=release_id, attempt=attempt
        )
    return str(result)


@task(priority=jobs.EMAIL_PRIORITY)
def send_local_information_emails(partnership_id: int, version_ids: list, attempt: int = 1) -> str:
    notice = record_notice(partnership_id=partnership_id, version_ids=version_ids)
    if notice is None:
        return "partnership or local information deleted"
    result = notify_local_information(notice)
    return _finish_notice_run(
        send_local_information_emails,
        "local_information_emails",
        notice,
        result,
        attempt,
        partnership_id=partnership_id,
        version_ids=version_ids,
    )


@task(priority=jobs.EMAIL_PRIORITY)
def send_contacts_emails(contacts_version_id: int, attempt: int = 1) -> str:
    notice = record_contacts_notice(version_id=contacts_version_id)
    if notice is None:
        return "contacts version deleted"
    result = notify_contacts(notice)
    return _finish_notice_run(
        send_contacts_emails,
        "contacts_emails",
        notice,
        result,
        attempt,
        contacts_version_id=contacts_version_id,
    )


def resume_unfinished_deliveries() -> int:
    """Run again the email jobs a dead worker left running, and re-enqueue the emails
    (about a release or local information) with deliveries that failed for good or were
    abandoned in "sending" (the worker was killed mid-send). Called when a worker starts."""
    resumed = resume_after_a_crash()
    unfinished = Delivery.objects.filter(
        Q(status=Delivery.Status.FAILED) | Q(pk__in=abandoned_deliveries().values("pk"))
    )
    release_ids = set(unfinished.filter(release__isnull=False).values_list("release_id", flat=True))
    for release_id in sorted(release_ids):
        send_release_emails.enqueue(release_id=release_id)
    notices = LocalNotice.objects.filter(pk__in=unfinished.values("notice_id"))
    for notice in notices.order_by("pk"):
        if notice.contacts_id:
            send_contacts_emails.enqueue(contacts_version_id=notice.contacts_id)
            continue
        send_local_information_emails.enqueue(
            partnership_id=notice.partnership_id,
            version_ids=sorted(notice.versions.values_list("pk", flat=True)),
        )
    return resumed + len(release_ids) + len(notices)


def resume_after_a_crash() -> int:
    """Make the email jobs marked running ready to run now. A worker calls this as it starts:
    a job still marked running was left so by a worker that died (killed, or its machine
    lost) in the middle of it, and its subscribers not reached yet have no Delivery row to
    tell of them. Should another worker in fact still be running one, running it twice is
    safe: each delivery is claimed under a lease, so the two share the subscribers out."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    paths = [
        job.module_path
        for job in (send_release_emails, send_local_information_emails, send_contacts_emails)
    ]
    count = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path__in=paths
    ).update(status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None)
    if count:
        logger.warning("event=email_jobs_resumed_after_crash jobs=%s", count)
    return count


@task(priority=jobs.EMAIL_PRIORITY)
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


def _just_after(moment):
    return max(moment, timezone.now()) + datetime.timedelta(seconds=1)


def email_after_commit(claim: tuple[int, str] | None) -> None:
    """Queue the sign-up's email (see subscriptions.request_subscription) once the request's
    transaction commits; no request waits on the mail server."""
    if claim is None:
        return
    subscriber_id, claimed_at = claim
    transaction.on_commit(
        lambda: send_subscription_email.enqueue(subscriber_id=subscriber_id, claimed_at=claimed_at)
    )


def _finish_notice_run(task, event, notice, result, attempt, **arguments):
    """Log a notice's run; retry what failed or was interrupted, and look again just after
    another worker's lease on its deliveries ends."""
    logger.info(
        "event=%s notice_id=%s attempt=%s sent=%s failed=%s skipped=%s interrupted=%s",
        event,
        notice.pk,
        attempt,
        result.sent,
        result.failed,
        result.skipped,
        result.interrupted,
    )
    if result.failed or result.interrupted:
        jobs.retry_later(task, attempt=attempt, reason=str(result), **arguments)
    elif (lease_end := next_lease_end({"notice": notice})) is not None:
        task.using(run_after=_just_after(lease_end)).enqueue(attempt=attempt, **arguments)
    return str(result)
