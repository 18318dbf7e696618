"""A reader's problem report: stored with the chapter, the version read and the partnership
chosen, then emailed by a background job to whoever looks after the text that is wrong: a
problem in the partnership's local information or contacts to its business unit, a problem in
the regional text (or any problem when the partnership has no business unit address) to the
regional address, settings.FEEDBACK_REGIONAL_EMAIL."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from feedback.models import Feedback
from partnerships import selectors
from partnerships.models import Contact

logger = logging.getLogger(__name__)


def report_problem(
    *, version, partnership, what_is_wrong: str, email: str = "", about=Feedback.About.REGIONAL
) -> Feedback:
    """Store the report (tasks.email_after_commit sends it)."""
    feedback = Feedback.objects.create(
        chapter=version.chapter,
        version=version,
        partnership=partnership,
        about=about if partnership is not None else Feedback.About.REGIONAL,
        what_is_wrong=what_is_wrong,
        email=email,
    )
    logger.info(
        "event=problem_reported feedback_id=%s chapter=%s", feedback.pk, feedback.chapter_id
    )
    return feedback


def recipient(feedback: Feedback) -> str:
    """The chosen partnership's business unit for a problem in its local text or contacts,
    else the regional address."""
    return recipient_for(feedback.partnership, feedback.about)


def recipient_for(partnership, about) -> str:
    if about == Feedback.About.LOCAL:
        return business_unit_email(partnership) or settings.FEEDBACK_REGIONAL_EMAIL
    return settings.FEEDBACK_REGIONAL_EMAIL


def business_unit_email(partnership) -> str:
    """The partnership's business unit address ("" for none, or no partnership)."""
    if partnership is None:
        return ""
    unit = (
        selectors.in_force(partnership)
        .filter(kind=Contact.Kind.BUSINESS_UNIT)
        .exclude(email="")
        .order_by("order", "pk")
        .first()
    )
    return unit.email if unit is not None else ""


def claim(feedback_id: int) -> Feedback | None:
    """Mark the report as being emailed, once: None if it is gone or already claimed, so a
    job run twice sends one email."""
    claimed = Feedback.objects.filter(pk=feedback_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return None
    return Feedback.objects.select_related("chapter", "version", "partnership").get(pk=feedback_id)


def release_claim(feedback: Feedback) -> None:
    """The email could not be sent: let the next attempt claim the report again."""
    Feedback.objects.filter(pk=feedback.pk).update(emailed_at=None)


def send_report(feedback: Feedback) -> str:
    """Email the report to its recipient; returns the address it went to."""
    to = recipient(feedback)
    version = feedback.version
    prefix = f"/p/{feedback.partnership.slug}" if feedback.partnership else ""
    context = {
        "feedback": feedback,
        "version": version,
        "page_url": settings.PORTAL_BASE_URL + prefix + version.get_absolute_url(),
        "admin_url": settings.PORTAL_BASE_URL
        + reverse("admin:feedback_feedback_change", args=[feedback.pk]),
    }
    subject = " ".join(f"Problem reported: {version.chapter_number} {version.title}".split())
    EmailMessage(
        subject=subject,
        body=render_to_string("feedback/email/report.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[feedback.email] if feedback.email else None,
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
    Feedback.objects.filter(pk=feedback.pk).update(emailed_to=to)
    return to
