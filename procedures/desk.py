"""The editing desk's small records: an editor sending a draft for review, and what each person
last saw of a draft's review (so a publisher sees whether it changed since)."""

from django.db import transaction
from django.utils import timezone

from procedures.models import Draft, DraftLook, ReviewRequest


def send_for_review(*, by, draft: Draft) -> ReviewRequest:
    """Mark the draft ready for a publisher (again, if it was: the time is the latest)."""
    request, _ = ReviewRequest.objects.update_or_create(
        draft=draft, defaults={"by": by, "at": timezone.now()}
    )
    return request


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
