"""Building our emails: plain text with an HTML alternative, a "change what you get" link and
an unsubscribe link in both, and the List-Unsubscribe headers (RFC 2369, one-click per
RFC 8058) on every message."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from updates import conf
from updates.models import Subscriber
from updates.tokens import manage_token, unsubscribe_token


def absolute_url(path: str) -> str:
    return conf.base_url() + path


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("updates:unsubscribe", args=[unsubscribe_token(subscriber)]))


def manage_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("updates:manage", args=[manage_token(subscriber)]))


def build_message(
    *, subscriber: Subscriber, subject: str, template: str, context: dict, connection=None
) -> EmailMultiAlternatives:
    """Render updates/email/<template>.txt and .html for one subscriber."""
    unsubscribe = unsubscribe_url(subscriber)
    subject = " ".join(subject.split())  # a newline in a release name must not break headers
    context = {
        **context,
        "subject": subject,
        "portal_name": conf.portal_name(),
        "portal_url": absolute_url("/"),
        "subscribe_url": absolute_url(reverse("updates:subscribe")),
        "unsubscribe_url": unsubscribe,
        "manage_url": manage_url(subscriber),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"updates/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
        connection=connection,
    )
    message.attach_alternative(
        render_to_string(f"updates/email/{template}.html", context), "text/html"
    )
    return message
