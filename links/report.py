"""What managers see: the broken, moved and withdrawn links, chapter by chapter, in the admin
and in a weekly email. Who sees it: the Manager group and anyone who may publish."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from feedback.managers import MANAGER
from links import collecting
from links.models import REPORTED, ExternalLink, WeeklyLinkEmail

PUBLISH = "procedures.publish_draft"
VIEW = "links.view_externallink"


@dataclass(frozen=True)
class Entry:
    link: ExternalLink
    places: tuple  # collecting.Place, within one chapter


def may_see_report(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return (
        user.has_perm(VIEW) or user.has_perm(PUBLISH) or user.groups.filter(name=MANAGER).exists()
    )


def by_chapter(places_by_url=None):
    """[(chapter heading, [Entry ...])] for the links that need attention, in the manual's
    order (contacts that no chapter names last)."""
    if places_by_url is None:
        places_by_url = collecting.external_links()
    problems = {
        link.url: link
        for link in ExternalLink.objects.filter(url__in=list(places_by_url), status__in=REPORTED)
    }
    chapters = {}
    for url, places in places_by_url.items():
        link = problems.get(url)
        if link is None:
            continue
        for place in places:
            chapters.setdefault(place.chapter, {}).setdefault(url, []).append(place)
    ordered = sorted(chapters, key=lambda name: name == collecting.CONTACTS)
    return [
        (
            name,
            [Entry(problems[url], tuple(places)) for url, places in chapters[name].items()],
        )
        for name in ordered
    ]


def totals():
    """How many addresses there are of each status, and when they were last checked."""
    links = ExternalLink.objects.all()
    counts = {status: 0 for status, _ in ExternalLink.Status.choices}
    last = None
    for status, checked_at in links.values_list("status", "last_checked_at"):
        counts[status] += 1
        if checked_at and (last is None or checked_at > last):
            last = checked_at
    return counts, last


def recipients():
    """Email addresses of the active staff who may see the report."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .prefetch_related("groups")
        .order_by("pk")
    )
    return sorted({user.email for user in users if may_see_report(user)})


def send_weekly_report(*, today=None) -> str:
    """Email this week's report, once a week (claimed per week), when any link needs
    attention. Returns what happened, for the job's log."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    chapters = by_chapter()
    if not chapters:
        return "nothing to report"
    try:
        with transaction.atomic():
            claim = WeeklyLinkEmail.objects.create(week=monday)
    except IntegrityError:
        return "already sent this week"
    to = recipients()
    subject = f"{settings.PORTAL_NAME}: links to check (week of {monday:%-d %B %Y})"
    body = render_to_string(
        "links/email/weekly_report.txt",
        {
            "chapters": chapters,
            "monday": monday,
            "report_url": settings.PORTAL_BASE_URL + reverse("admin:links_externallink_changelist"),
            "portal_name": settings.PORTAL_NAME,
        },
    )
    try:
        for address in to:
            EmailMessage(subject, body, to=[address]).send()
    except Exception:
        claim.delete()  # not sent: the retry may claim the week again
        raise
    claim.sent_at = timezone.now()
    claim.recipients = len(to)
    claim.save(update_fields=["sent_at", "recipients"])
    return f"sent to {len(to)}"
