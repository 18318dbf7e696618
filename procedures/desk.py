"""The editing desk's small records: an editor sending a draft for review, a publisher sending
it back with a comment, comments on a draft's lines, who has a draft open, and what each
person last saw of a draft's review (so a publisher sees whether it changed since).

Sending for review and sending back email the people concerned through the background
worker (`procedures.tasks`), once the change is committed.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from procedures import revisions, tasks
from procedures.models import Draft, DraftComment, DraftLook, DraftPresence, ReviewRequest
from procedures.publishing import PUBLISH_PERMISSION, four_eyes

# Someone whose desk has not said it is open for this long has left the draft.
PRESENT_SECONDS = 60


class DeskError(Exception):
    """Nothing was changed; the message says why."""


def send_for_review(*, by, draft: Draft) -> ReviewRequest:
    """Mark the draft ready for a publisher (again, if it was: the time is the latest), and
    email the publishers who may publish it."""

    request, _ = ReviewRequest.objects.update_or_create(
        draft=draft, defaults={"by": by, "at": timezone.now(), "emailed_at": None}
    )
    tasks.email_review_request_after_commit(request)
    return request


def send_back(*, by, draft: Draft, text: str, line: int | None = None) -> DraftComment:
    """A publisher returns the draft to its editor with a comment: it is no longer waiting
    for review, and the editor is emailed."""

    if not text.strip():
        raise DeskError("Say what the editor should change: the comment is empty.")
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise DeskError("This draft has been published: it cannot be sent back.")
        comment = _comment(draft, by=by, text=text, line=line, sends_back=True)
        ReviewRequest.objects.filter(draft=draft).delete()
    tasks.email_sent_back_after_commit(comment)
    return comment


def comment(*, by, draft: Draft, text: str, line: int | None = None) -> DraftComment:
    """A comment on one line of the draft's latest revision (or on the whole draft)."""
    if not text.strip():
        raise DeskError("The comment is empty.")
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        return _comment(draft, by=by, text=text, line=line, sends_back=False)


def _comment(draft, *, by, text, line, sends_back):
    revision = revisions.latest(draft)
    if revision is None:  # saved before revisions were kept: keep the text as it stands
        revision = revisions.record(draft, by=draft.created_by)
    lines = (revision.values.get("body") or "").split("\n")
    if line is not None and not 1 <= line <= len(lines):
        raise DeskError(f"The text has lines 1 to {len(lines)}: line {line} is not one of them.")
    return DraftComment.objects.create(
        draft=draft,
        revision=revision,
        line=line,
        quote=lines[line - 1] if line else "",
        text=text.strip(),
        by=by,
        at=timezone.now(),
        sends_back=sends_back,
    )


def sent_back(draft: Draft):
    """The latest "sent back" comment, if the draft was not sent for review again since."""
    latest = draft.comments.filter(sends_back=True).order_by("-at", "-id").first()
    request = getattr(draft, "review_request", None) if draft.pk else None
    if latest is None or (request is not None and request.at > latest.at):
        return None
    return latest


def here(*, user, draft: Draft) -> list[DraftPresence]:
    """Record that `user` has the draft open now; return the others who have it open."""
    now = timezone.now()
    DraftPresence.objects.update_or_create(draft=draft, user=user, defaults={"seen_at": now})
    return others_here(user=user, draft=draft, now=now)


def others_here(*, user, draft: Draft, now=None) -> list[DraftPresence]:
    since = (now or timezone.now()) - datetime.timedelta(seconds=PRESENT_SECONDS)
    return list(
        DraftPresence.objects.filter(draft=draft, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("seen_at")
    )


@transaction.atomic
def look(*, user, draft: Draft, fingerprint: str) -> DraftLook | None:
    """Record that `user` now sees the review with this fingerprint; return their previous
    look, as it was (None the first time)."""
    previous = DraftLook.objects.select_for_update().filter(draft=draft, user=user).first()
    now = timezone.now()
    if previous is None:
        DraftLook.objects.get_or_create(
            draft=draft, user=user, defaults={"fingerprint": fingerprint, "at": now}
        )
        return None
    # The instance keeps the previous values; the row gets the new ones.
    DraftLook.objects.filter(pk=previous.pk).update(fingerprint=fingerprint, at=now)
    return previous


def waiting_for(user) -> dict:
    """What waits for `user` on the admin's home page: drafts sent for review that they may
    publish (publishers), and their own drafts sent back to them (editors)."""
    open_drafts = Draft.objects.filter(status=Draft.Status.DRAFT).select_related(
        "review_request__by", "release"
    )
    to_review = []
    if user.has_perm(PUBLISH_PERMISSION):
        for draft in open_drafts.filter(review_request__isnull=False).order_by(
            "review_request__at"
        ):
            if not four_eyes(user, draft):
                to_review.append(draft)
    mine = open_drafts.filter(Q(created_by=user) | Q(authors=user)).distinct()
    returned = []
    for draft in mine.filter(comments__sends_back=True).distinct().order_by("-updated_at"):
        comment = sent_back(draft)
        if comment is not None:
            returned.append((draft, comment))
    return {"to_review": to_review, "sent_back": returned}
