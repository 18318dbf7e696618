"""Saving, discarding and publishing partnership drafts: local information, or a
partnership's details and contacts (or the national contacts).

Publishing takes the chapter publisher's steps (`procedures.publishing`): check (lock, who
may, four-eyes, moved on, rules, approval), execute (a new version; older ones never change)
and record, with the page cache stamp bumped and `signals.local_information_published` (or
`signals.contacts_published`) sent on commit. Who may is checked here, not only in the
admin: a partnership editor can save a draft only for their own partnership, and a
partnership publisher publish only their own partnership's drafts, whatever the request
says.
"""

import dataclasses
import logging

from django.db import transaction
from django.utils import timezone

from partnerships import roles
from procedures.drafts import fingerprint
from procedures.models import AuditEntry
from procedures.rendering import render_markdown
from procedures.versioning.actions import PublishAction, PublishingError, four_eyes, record

from .drafts import LOCAL, latest_contacts, latest_local, prepare, whose
from .models import ContactsVersion, LocalInformation, Partnership, PartnershipDraft
from .records import LocalRecord
from .signals import contacts_published, local_information_published
from .versions import store_contacts, store_local

logger = logging.getLogger(__name__)


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
        record(
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
        latest = latest_local(draft.partnership_id, draft.chapter_id)
    else:
        latest = latest_contacts(draft.partnership_id)
    return latest.number if latest else None


def can_publish_partnership(user, draft) -> str:
    """Why `user` may not publish `draft` ("" when they may)."""
    if not roles.may_publish_partnership(user, draft.partnership_id):
        if draft.partnership_id is None:
            return "Only a regional publisher can publish the national contacts."
        return f"Only a publisher of {whose(draft.partnership_id)[:-10]} can publish it."
    return four_eyes(user, draft)


def publish(*, by, approved: str, draft: PartnershipDraft):
    """Publish the draft as its partnership's next version; returns [the version]."""
    return PublishPartnershipDraft(by=by, approved=approved, draft=draft).execute()


class PublishPartnershipDraft(PublishAction):
    """A partnership's local information, or its details and contacts (or the national
    contacts), by the chapter publisher's steps."""

    taken_meanwhile = "a version number was taken meanwhile"

    def __init__(self, *, by, approved, draft):
        super().__init__(by=by, approved=approved)
        self.draft = draft

    def check(self):
        draft = self.draft = (
            PartnershipDraft.objects.select_for_update(of=("self",))
            .select_related("partnership", "chapter")
            .get(pk=self.draft.pk)
        )
        reason = can_publish_partnership(self.by, draft)
        if reason:
            self.refuse(reason)
        if draft.is_published:
            raise PublishingError(f"The draft '{draft}' has already been published.")
        if draft.partnership_id:
            # Partnership first, so two publishers of one partnership take turns.
            Partnership.objects.select_for_update().get(pk=draft.partnership_id)
        self.prepared = prepare(draft)
        latest = self.prepared.previous.number if self.prepared.previous else None
        if latest != draft.based_on:
            raise PublishingError(
                "Nothing was published: "
                + (
                    f"version {latest} was published while this draft was being prepared, "
                    f"and the draft is based on version {draft.based_on or 'none'}. "
                    if latest
                    else ""
                )
                + "Start a new draft from what is published now.",
                moved_on=[draft],
            )
        self.check_approved(fingerprint([self.prepared]))
        self.check_problems([self.prepared])

    def _publish(self):
        draft, record, now = self.draft, self.prepared.record, timezone.now()
        if draft.kind == PartnershipDraft.Kind.LOCAL:
            record = dataclasses.replace(record, rendered=self.prepared.rendered)
            stored = store_local(
                partnership=draft.partnership,
                chapter=draft.chapter,
                record=record,
                published_by=self.by,
                published_at=now,
                ahead_of_schedule=bool(self.prepared.ahead_of),
            )
            version = stored.version
            published = {"published_local": version}
            _announce_local_after_commit(draft.partnership, version)
        else:
            stored = store_contacts(
                partnership=draft.partnership,
                name=record.name,
                area=record.area,
                contacts=record.contacts,
                summary=record.summary,
                effective_date=record.effective_date,
                review_date=record.review_date,
                no_review_reason=record.no_review_reason,
                published_by=self.by,
                published_at=now,
                ahead_of_schedule=bool(self.prepared.ahead_of),
            )
            version = stored.version
            if draft.partnership_id:
                Partnership.objects.filter(pk=draft.partnership_id).update(
                    name=record.name, area=record.area
                )
            published = {"published_contacts": version}
            _announce_contacts_after_commit(draft.partnership, version)
        PartnershipDraft.objects.filter(pk=draft.pk).update(
            status=PartnershipDraft.Status.PUBLISHED, published_at=now, published_by=self.by,
            **published,
        )  # fmt: skip
        self.now = now
        return [version, *self.carry_forward(self.prepared.ahead_of, stored.moved)]

    def describe(self, versions):
        return f"{self.draft}, version {versions[0].number}"

    def store_carried(self, scheduled, plan):
        """Local information carried forward onto the correction (contacts are always sent
        back: a person checks every number)."""
        record = dataclasses.replace(
            LocalRecord.from_version(scheduled),
            number=latest_local(scheduled.partnership_id, scheduled.chapter_id).number + 1,
            body=plan.merged,
            summary=plan.summary,
            path="",
        )
        rendered = render_markdown(record.body, slug=record.chapter)
        return store_local(
            partnership=scheduled.partnership,
            chapter=scheduled.chapter,
            record=dataclasses.replace(record, rendered=rendered),
            published_by=self.by,
            published_at=self.now,
        ).version

    def send_back(self, scheduled):
        """The scheduled version as a draft of the next version, for a publisher to review."""
        draft = self.draft
        latest = (
            latest_local(draft.partnership_id, draft.chapter_id)
            if draft.kind == LOCAL
            else latest_contacts(draft.partnership_id)
        )
        local = draft.kind == LOCAL
        returned = PartnershipDraft.objects.create(
            kind=draft.kind,
            partnership_id=draft.partnership_id,
            chapter_id=draft.chapter_id,
            section=scheduled.section if local else "",
            body=scheduled.source if local else scheduled.contacts,
            name="" if local else scheduled.name,
            area="" if local else scheduled.area,
            summary=scheduled.summary,
            effective_date=scheduled.effective_date,
            review_date=scheduled.review_date,
            no_review_reason=scheduled.no_review_reason,
            based_on=latest.number,
            created_by=self.by,
        )
        return returned


def _announce_local_after_commit(partnership, version):
    def announce():
        for receiver, result in local_information_published.send_robust(
            sender=LocalInformation, partnership=partnership, versions=[version]
        ):
            if isinstance(result, Exception):
                logger.error(
                    "local information %s: %r failed", version.pk, receiver, exc_info=result
                )

    transaction.on_commit(announce, robust=True)


def _announce_contacts_after_commit(partnership, version):
    def announce():
        for receiver, result in contacts_published.send_robust(
            sender=ContactsVersion, partnership=partnership, version=version
        ):
            if isinstance(result, Exception):
                logger.error("contacts %s: %r failed", version.pk, receiver, exc_info=result)

    transaction.on_commit(announce, robust=True)
