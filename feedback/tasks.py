"""The background job that emails a problem report (django-tasks; run by `manage.py
run_worker`), so no reader waits on the mail server."""

import logging

from django.db import transaction
from django_tasks import task

from feedback import reports
from portal import jobs

logger = logging.getLogger(__name__)


@task(priority=jobs.EMAIL_PRIORITY)
def send_problem_report(feedback_id: int, attempt: int = 1) -> str:
    feedback = reports.claim(feedback_id)
    if feedback is None:
        return "nothing to send"
    try:
        to = reports.send_report(feedback)
    except Exception as error:
        reports.release_claim(feedback)
        logger.warning(
            "event=problem_report_email_failed feedback_id=%s attempt=%s error=%s",
            feedback_id,
            attempt,
            type(error).__name__,
        )
        jobs.retry_later(
            send_problem_report,
            attempt=attempt,
            reason=type(error).__name__,
            feedback_id=feedback_id,
        )
        return "failed"
    logger.info("event=problem_report_emailed feedback_id=%s", feedback_id)
    return f"sent to {to}"


def email_after_commit(feedback) -> None:
    """Queue the report's email once the request's transaction commits."""
    transaction.on_commit(lambda: send_problem_report.enqueue(feedback_id=feedback.pk))
