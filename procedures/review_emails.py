"""Who hears about a draft's review, and what the email says: the publishers who may publish
a draft sent for review, and the editors of a draft sent back. Sent by the worker
(`procedures.tasks`), each at most once: the job claims the row before sending."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from procedures.models import Draft, DraftComment, ReviewRequest

PUBLISH = ("procedures", "publish_draft")


def publishers_of(draft: Draft):
    """Active staff who may publish `draft`: publishers, less its authors (four-eyes) unless
    a publisher may publish their own."""
    permission = Permission.objects.filter(
        content_type__app_label=PUBLISH[0], codename=PUBLISH[1]
    ).first()
    people = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    people = people.filter(
        Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission)
    ).distinct()
    if not getattr(settings, "ALLOW_SELF_PUBLISH", False):
        people = people.exclude(pk=draft.created_by_id).exclude(pk__in=draft.authors.values("pk"))
    return list(people.order_by("username"))


def editors_of(comment: DraftComment):
    """Who hears that a draft was sent back: whoever sent it for review and whoever wrote
    it, not the publisher who sent it back."""
    draft = comment.draft
    people = {draft.created_by, *draft.authors.all()}
    return sorted(
        (p for p in people if p.is_active and p.email and p.pk != comment.by_id),
        key=lambda p: p.username,
    )


def claim_request(request_id: int) -> ReviewRequest | None:
    """Take the review request for emailing (None: gone, or already emailed)."""
    claimed = ReviewRequest.objects.filter(pk=request_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return None
    return ReviewRequest.objects.select_related("draft", "by").get(pk=request_id)


def release_request(request: ReviewRequest) -> None:
    ReviewRequest.objects.filter(pk=request.pk).update(emailed_at=None)


def send_review_request(request: ReviewRequest) -> list[str]:
    draft = request.draft
    to = [person.email for person in publishers_of(draft)]
    if to:
        _send(
            subject=f"Ready for review: {draft}",
            template="procedures/email/review_requested.txt",
            context={"request": request, "draft": draft, "url": _url(draft, "review")},
            to=to,
        )
    return to


def claim_comment(comment_id: int) -> DraftComment | None:
    claimed = DraftComment.objects.filter(pk=comment_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return None
    return DraftComment.objects.select_related("draft", "by", "revision").get(pk=comment_id)


def release_comment(comment: DraftComment) -> None:
    DraftComment.objects.filter(pk=comment.pk).update(emailed_at=None)


def send_sent_back(comment: DraftComment) -> list[str]:
    draft = comment.draft
    to = [person.email for person in editors_of(comment)]
    if to:
        _send(
            subject=f"Sent back to you: {draft}",
            template="procedures/email/sent_back.txt",
            context={"comment": comment, "draft": draft, "url": _url(draft, "change")},
            to=to,
        )
    return to


def _url(draft, view):
    return settings.PORTAL_BASE_URL + reverse(f"admin:procedures_draft_{view}", args=[draft.pk])


def _send(*, subject, template, context, to):
    EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
