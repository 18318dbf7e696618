"""A PDF that could not be made: the managers are told (an email from the worker, and the
PDFs list in the admin), once per document, while readers keep the last good PDF with a
notice that says it is older (views.py)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from portal import jobs

logger = logging.getLogger(__name__)

MANAGER = "Manager"  # the group feedback.managers creates
TOLD_FOR = 7 * 24 * 60 * 60  # a document that keeps failing is reported once a week


def managers() -> list[str]:
    """Email addresses of the active staff in the Manager group, and superusers."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=MANAGER) | Q(is_superuser=True))
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def tell_managers(*, pdf_id: int) -> None:
    """Queue the email once the failure is recorded (once per document a week)."""
    from pdfs.models import PdfFile

    fingerprint = PdfFile.objects.filter(pk=pdf_id).values_list("fingerprint", flat=True).first()
    if fingerprint and cache.add(f"pdfs:failure-told:{fingerprint}", True, timeout=TOLD_FOR):
        transaction.on_commit(lambda: email_managers.enqueue(pdf_id=pdf_id))


# An email job: the default priority, above every PDF job (tasks.PDF_PRIORITY).
@task()
def email_managers(pdf_id: int, attempt: int = 1) -> str:
    from pdfs.models import PdfFile

    pdf = (
        PdfFile.objects.defer("content")
        .select_related("version__chapter", "partnership")
        .filter(pk=pdf_id)
        .first()
    )
    if pdf is None or pdf.status != PdfFile.Status.FAILED:
        return "nothing to tell"
    to = managers()
    if not to:
        logger.error("event=pdf_failed_nobody_told pdf=%s", pdf_id)
        return "no managers with an email address"
    subject = f"{settings.PORTAL_NAME}: a PDF could not be made"
    body = (
        f"The PDF of {describe(pdf)} could not be made.\n\n"
        f"Why: {pdf.error}\n\n"
        "Readers are offered the last PDF that was made, with a notice that it is older, or "
        "told to read the chapter on its page. The other PDFs are not affected. The worker "
        "tries again in a few minutes; if it keeps failing, look at the chapter's text (a "
        "very large table, for example).\n\n"
        f"PDFs in the admin: {settings.PORTAL_BASE_URL}{reverse('admin:pdfs_pdffile_changelist')}\n"
    )
    try:
        EmailMessage(subject, body, to=to).send()
    except Exception as error:
        jobs.retry_later(
            email_managers, attempt=attempt, reason=type(error).__name__, pdf_id=pdf_id
        )
        return "failed"
    return f"sent to {len(to)}"


def describe(pdf) -> str:
    whose = f" with {pdf.partnership.name}'s local information" if pdf.partnership_id else ""
    if pdf.version_id:
        version = pdf.version
        return f"{version.chapter_number} {version.title}, version {version.number}{whose}"
    return f"the whole manual{whose}"
