"""Saving and discarding partnership drafts (publishing them is `procedures.publishing.publish`).

Who may is checked here, not only in the admin: a partnership editor can save a draft only
for their own partnership, whatever the request says.
"""

from django.db import transaction

from procedures import roles
from procedures.drafts import fingerprint
from procedures.models import AuditEntry
from procedures.publishing import PublishingError, _record

from .drafts import LOCAL, prepare, whose
from .models import ContactsVersion, LocalInformation, PartnershipDraft


def check_may_edit(user, partnership_id):
    if not roles.may_edit_partnership(user, partnership_id):
        if partnership_id is None:
            raise PublishingError("Only a regional publisher can change the national contacts.")
        raise PublishingError(
            f"You cannot work on {whose(partnership_id)}: you edit only your own "
            "partnership's local information and contacts."
        )


def save_draft(*, by, draft: PartnershipDraft) -> PartnershipDraft:
    """Save a draft for a partnership `by` may edit (and, for a saved draft, that it already
    belonged to): a forged form for another partnership is refused."""
    with transaction.atomic():
        if draft.pk:
            stored = PartnershipDraft.objects.select_for_update().get(pk=draft.pk)
            check_may_edit(by, stored.partnership_id)
            if stored.is_published:
                raise PublishingError(
                    f"The draft '{stored}' was published meanwhile, so it can no longer change."
                )
            if (stored.kind, stored.partnership_id, stored.chapter_id) != (
                draft.kind,
                draft.partnership_id,
                draft.chapter_id,
            ):
                raise PublishingError(
                    "A draft stays with its partnership and chapter: start a new draft."
                )
        check_may_edit(by, draft.partnership_id)
        if not draft.pk:
            draft.created_by = by
            draft.based_on = _latest_number(draft)
        draft.status = PartnershipDraft.Status.DRAFT
        draft.save()
        draft.authors.add(by)
    return draft


def discard(*, by, draft: PartnershipDraft) -> None:
    with transaction.atomic():
        draft = PartnershipDraft.objects.select_for_update().get(pk=draft.pk)
        check_may_edit(by, draft.partnership_id)
        if draft.is_published:
            raise PublishingError("A published draft is history: it cannot be discarded.")
        _record(
            AuditEntry.Action.DISCARD,
            by=by,
            what=str(draft),
            fingerprint=approval_fingerprint(draft),
        )
        draft.delete()


def approval_fingerprint(draft) -> str:
    return fingerprint([prepare(draft)])


def _latest_number(draft):
    if draft.kind == LOCAL:
        found = LocalInformation.objects.filter(
            partnership_id=draft.partnership_id, chapter_id=draft.chapter_id
        )
    else:
        found = ContactsVersion.objects.filter(partnership_id=draft.partnership_id)
    latest = found.order_by("-number").first()
    return latest.number if latest else None
