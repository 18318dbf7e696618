"""Background jobs of the editing desk (django-tasks; run by `manage.py run_worker`): the
emails that tell publishers a draft waits for them, and editors that it was sent back.
Enqueued once the change is committed; each email is sent at most once (the job claims its
row first) and retried later if the mail server fails (portal.jobs.retry_later)."""

import logging

from django.db import transaction
from django_tasks import task

from portal import jobs
from procedures import review_emails

logger = logging.getLogger(__name__)


@task(priority=jobs.EMAIL_PRIORITY)
def email_review_request(request_id: int, attempt: int = 1) -> str:
    request = review_emails.claim_request(request_id)
    if request is None:
        return "nothing to send"
    try:
        to = review_emails.send_review_request(request)
    except Exception as error:
        review_emails.release_request(request)
        logger.warning(
            "event=review_request_email_failed request_id=%s attempt=%s error=%s",
            request_id,
            attempt,
            jobs.quoted(f"{type(error).__name__}: {error}"),
        )
        jobs.retry_later(
            email_review_request,
            attempt=attempt,
            reason=type(error).__name__,
            request_id=request_id,
        )
        return "failed"
    logger.info("event=review_request_emailed request_id=%s recipients=%s", request_id, len(to))
    return f"sent to {len(to)}"


@task(priority=jobs.EMAIL_PRIORITY)
def email_sent_back(comment_id: int, attempt: int = 1) -> str:
    comment = review_emails.claim_comment(comment_id)
    if comment is None:
        return "nothing to send"
    try:
        to = review_emails.send_sent_back(comment)
    except Exception as error:
        review_emails.release_comment(comment)
        logger.warning(
            "event=sent_back_email_failed comment_id=%s attempt=%s error=%s",
            comment_id,
            attempt,
            jobs.quoted(f"{type(error).__name__}: {error}"),
        )
        jobs.retry_later(
            email_sent_back, attempt=attempt, reason=type(error).__name__, comment_id=comment_id
        )
        return "failed"
    logger.info("event=sent_back_emailed comment_id=%s recipients=%s", comment_id, len(to))
    return f"sent to {len(to)}"


def email_review_request_after_commit(request) -> None:
    transaction.on_commit(lambda: email_review_request.enqueue(request_id=request.pk))


def email_sent_back_after_commit(comment) -> None:
    transaction.on_commit(lambda: email_sent_back.enqueue(comment_id=comment.pk))
