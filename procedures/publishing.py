"""Publish a chapter draft or a release of drafts: check, then execute in one transaction,
then record (`procedures.versioning.actions.PublishAction`, a subclass per kind).

`publish` is the only way a draft becomes a version. Every version is written by
`procedures.versions.store_version`, which closes the previous version's interval and never
alters an older version. Publishing is all or nothing: one problem in one draft of a release
and nothing is published. Two publishers racing on one chapter cannot both win: the chapter
rows are locked, then each draft's `based_on` is compared with its chapter's latest version,
so the loser is told the chapter moved on.

An urgent correction may take effect before a version already scheduled: the scheduled
version is then carried forward onto the correction (its changes merged with the
correction's, as a new version on its own date) or, where both change the same lines, sent
back for review as a draft; never silently dropped. The review shows which, and the approval
covers it.

Each action (publish, release, discard, rebase) leaves an `AuditEntry` in its transaction, and
a published release is announced through `signals.release_published` once committed.
A partnership draft (local information, or a partnership's details and contacts) is published
by the same steps in `partnerships.publishing`.
"""

import dataclasses
import logging

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from procedures.drafts import drafts_of, fingerprint, prepare_all
from procedures.models import (
    AuditEntry,
    Chapter,
    ChapterSlug,
    ChapterVersion,
    Draft,
    Release,
    ReviewRequest,
)
from procedures.records import VersionRecord
from procedures.rendering import render_markdown
from procedures.rules import day
from procedures.signals import release_published
from procedures.versioning.actions import PublishAction, PublishingError, four_eyes, record
from procedures.versions import store_version

__all__ = ["PublishingError", "discard", "four_eyes", "publish", "rebase"]

PUBLISH_PERMISSION = "procedures.publish_draft"

logger = logging.getLogger(__name__)


def can_publish(user, draft: Draft) -> str:
    """Why `user` may not publish `draft` ("" when they may)."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return "Only a publisher can publish."
    return four_eyes(user, draft)


def publish(*, by, approved: str, draft: Draft | None = None, release: Release | None = None):
    """Publish one draft, or every draft of a release, all or nothing.

    `approved` is the fingerprint of what the publisher reviewed (`drafts.approval_fingerprint`,
    carried by the review page): if anything differs now (a field, the text, a draft added to
    or taken out of the release), nothing is published. Returns the versions stored. Raises
    PublishingError, having published nothing, when the user may not publish, the content is
    not what was approved, a draft has a problem, or a chapter moved on since its draft began.
    """
    if (draft is None) == (release is None):
        raise PublishingError("Choose one draft or one release to publish.")
    if not by.has_perm(PUBLISH_PERMISSION):
        raise PublishingError("Only a publisher can publish. Ask a publisher to review it.")
    if release is not None:
        return PublishRelease(by=by, approved=approved, release=release).execute()
    return PublishDraft(by=by, approved=approved, draft=draft).execute()


class PublishDraft(PublishAction):
    """One chapter draft (an amendment, a new chapter, a withdrawal or a correction)."""

    what = "the draft"

    def __init__(self, *, by, approved, draft):
        super().__init__(by=by, approved=approved)
        self.draft = draft

    def lock(self):
        """The drafts to publish, locked (with the release they go through, if any)."""
        self.release, drafts = _lock_drafts(self.draft, None)
        return drafts

    def check(self):
        self.drafts = self.lock()
        for each in self.drafts:
            reason = can_publish(self.by, each)
            if reason:
                self.refuse(reason)
        previous = _lock_chapters(self.drafts)
        _check_moved_on(self.drafts, previous)
        self.prepared = prepare_all(self.drafts, previous_by_chapter=previous, release=self.release)
        self.check_approved(fingerprint(self.prepared, self.release), what=self.what)
        self.check_problems(self.prepared)

    def _publish(self):
        now = timezone.now()
        if self.release is None and not self.prepared[0].record.minor:
            # A change published on its own is still announced like any release.
            self.release = _release_for(self.prepared[0].record)
        versions = self._store_all(now)
        _check_chapter_numbers(versions)
        if self.release is not None:
            self.release.published_at = now
            self.release.published_by = self.by
            self.release.save(update_fields=["published_at", "published_by"])
            if any(v.change != ChapterVersion.Change.MINOR for v in versions):
                _announce_after_commit(self.release)
        return versions

    def _store_all(self, now):
        # Chapters first (new ones, renames), so cross-links between drafts of one release
        # resolve.
        chapters = {each.draft.pk: _chapter_for(each) for each in self.prepared}
        self.by_slug = {chapter.slug: chapter for chapter in chapters.values()}
        versions = []
        for each in self.prepared:
            draft = each.draft
            chapter = chapters[draft.pk]
            stored = store_version(
                chapter=chapter,
                record=each.record,
                rendered=each.rendered,
                part=draft.part,
                release=self.release,
                chapters_by_slug=self.by_slug,
                published_at=now,
                published_by=self.by,
                ahead_of_schedule=bool(each.ahead_of),
            )
            Draft.objects.filter(pk=draft.pk).update(
                status=Draft.Status.PUBLISHED,
                chapter=chapter,
                release=self.release,
                published_version=stored.version,
                published_at=now,
                published_by=self.by,
            )
            versions.append(stored.version)
            self.now = now
            versions.extend(self.carry_forward(each.ahead_of, stored.moved))
        return versions

    def store_carried(self, scheduled, plan):
        latest = ChapterVersion.objects.newest().get(chapter_id=scheduled.chapter_id)
        carried = dataclasses.replace(
            VersionRecord.from_version(scheduled),
            number=latest.number + 1,
            body=plan.merged,
            summary=plan.summary,
            path="",
        )
        return store_version(
            chapter=scheduled.chapter,
            record=carried,
            rendered=render_markdown(carried.body, slug=carried.slug),
            part=scheduled.part,
            release=scheduled.release,
            chapters_by_slug=self.by_slug,
            published_at=self.now,
            published_by=self.by,
        ).version

    def send_back(self, scheduled):
        """The scheduled version's text as a draft of the chapter's next version, sent for
        review: a publisher decides how it goes with the correction."""
        latest = ChapterVersion.objects.newest().get(chapter_id=scheduled.chapter_id)
        draft = Draft.objects.create(
            chapter_id=scheduled.chapter_id,
            based_on=latest.number,
            chapter_number=scheduled.chapter_number,
            title=scheduled.title,
            part=scheduled.part,
            body=scheduled.source,
            summary=scheduled.summary,
            effective_date=scheduled.effective_date,
            review_date=scheduled.review_date,
            no_review_reason=scheduled.no_review_reason,
            routes=scheduled.routes,
            created_by=self.by,
        )
        draft.related.set(scheduled.related.all())
        ReviewRequest.objects.create(draft=draft, by=self.by, at=timezone.now())
        return draft

    def describe(self, versions):
        return str(self.drafts[0])

    def audited_by_version(self, version):
        return True


class PublishRelease(PublishDraft):
    """Every draft of a release, together."""

    audit_action = AuditEntry.Action.RELEASE
    what = "the release"

    def __init__(self, *, by, approved, release):
        PublishAction.__init__(self, by=by, approved=approved)
        self.release = release

    def lock(self):
        self.release, drafts = _lock_drafts(None, self.release)
        return drafts

    def describe(self, versions):
        return str(self.release)


def rebase(*, by, draft: Draft) -> int:
    """After its chapter moved on: the editor confirms the draft includes what changed since,
    and the draft is now based on the latest version. Returns that version's number."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published or draft.chapter_id is None:
            raise PublishingError("Only an unpublished amendment can be brought up to date.")
        latest = ChapterVersion.objects.newest().get(chapter_id=draft.chapter_id)
        draft.based_on = latest.number
        draft.save(update_fields=["based_on", "updated_at"])
        draft.authors.add(by)
        record(AuditEntry.Action.REBASE, by=by, what=f"{draft} onto version {latest.number}")
    return latest.number


def discard(*, by, draft: Draft) -> None:
    """Delete an unpublished draft; the audit keeps who did it and what it held."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise PublishingError("A published draft is history: it cannot be discarded.")
        (prepared,) = prepare_all([draft])
        record(
            AuditEntry.Action.DISCARD, by=by, what=str(draft), fingerprint=fingerprint([prepared])
        )
        draft.delete()


# --- check ----------------------------------------------------------------------------------


def _lock_drafts(draft, release):
    if release is not None:
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.published_at is not None:
            raise PublishingError(f"The release '{release}' has already been published.")
        drafts = drafts_of(release, lock=True)
        if not drafts:
            raise PublishingError(f"The release '{release}' has no drafts to publish.")
        chapters = [d.chapter_id for d in drafts if d.chapter_id]
        if len(chapters) != len(set(chapters)):
            raise PublishingError(
                f"The release '{release}' holds two drafts of the same chapter: "
                "merge them into one draft first."
            )
        return release, drafts
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != Draft.Status.DRAFT:
        raise PublishingError(f"The draft '{draft}' has already been published.")
    if draft.release_id is not None:
        raise PublishingError(
            f"The draft '{draft}' belongs to the release '{draft.release}': "
            "publish the release, or take the draft out of it first."
        )
    return None, [draft]


def _lock_chapters(drafts):
    """Lock the drafts' chapters (in id order, so two releases cannot deadlock) and return
    each chapter's latest version as it stands now that no one else can add one."""
    chapter_ids = sorted({d.chapter_id for d in drafts if d.chapter_id})
    list(Chapter.objects.select_for_update().filter(pk__in=chapter_ids).order_by("pk"))
    latest = (
        ChapterVersion.objects.newest()
        .filter(chapter_id__in=chapter_ids)
        .select_related("chapter", "part", "published_by", "replaced_by")
        .order_by()
    )
    return {version.chapter_id: version for version in latest}


def _check_moved_on(drafts, previous):
    moved = []
    for draft in drafts:
        latest = previous.get(draft.chapter_id)
        if draft.chapter_id and latest is not None and latest.number != draft.based_on:
            moved.append((draft, latest))
    if not moved:
        return
    lines = []
    for draft, latest in moved:
        by = f" by {latest.published_by}" if latest.published_by else ""
        when = timezone.localtime(latest.published_at)
        lines.append(
            f"{latest.chapter_number} {latest.title} moved on while the draft was being "
            f"prepared: version {latest.number} was published on {day(when)} at "
            f"{when:%H:%M}{by}, and the draft is based on version {draft.based_on}."
        )
    raise PublishingError(
        "Nothing was published. "
        + " ".join(lines)
        + " Review what changed since, bring the draft up to date, then publish again.",
        moved_on=[draft for draft, _ in moved],
    )


# --- execute --------------------------------------------------------------------------------


def _release_for(record):
    """The release that announces a change published on its own."""
    base = f"{record.chapter_number} {record.title}"[:150] + f" ({day(record.effective_date)})"
    name, suffix = base, 2
    while Release.objects.filter(name=name).exists():
        name, suffix = f"{base} {suffix}", suffix + 1
    return Release.objects.create(
        name=name, effective_date=record.effective_date, introduction=record.summary
    )


def _chapter_for(prepared):
    draft, slug = prepared.draft, prepared.slug
    if draft.chapter_id is None:
        chapter = Chapter.objects.create(slug=slug)
        ChapterSlug.objects.create(slug=slug, chapter=chapter)
        return chapter
    chapter = Chapter.objects.get(pk=draft.chapter_id)
    if chapter.slug != slug:
        # Renaming: the old address stays with the chapter (and redirects) for ever.
        alias, _ = ChapterSlug.objects.get_or_create(slug=slug, defaults={"chapter": chapter})
        if alias.chapter_id != chapter.pk:
            raise PublishingError(f"Nothing was published: the address '{slug}' is taken.")
        chapter.slug = slug
        chapter.save(update_fields=["slug"])
    return chapter


def _check_chapter_numbers(versions):
    numbers = {v.chapter_number for v in versions if v.change != ChapterVersion.Change.WITHDRAWN}
    in_use = (
        ChapterVersion.objects.newest()
        .filter(chapter_number__in=numbers)
        .exclude(change=ChapterVersion.Change.WITHDRAWN)
    )
    clashes = in_use.values("chapter_number").annotate(count=Count("id")).filter(count__gt=1)
    clashing = sorted(row["chapter_number"] for row in clashes)
    if clashing:
        holders = in_use.filter(chapter_number__in=clashing).select_related("chapter")
        names = "; ".join(f"{v.chapter_number} {v.title} ({v.chapter.slug})" for v in holders)
        raise PublishingError(
            "Nothing was published: two chapters would share a number "
            f"({names}). Give each chapter its own number."
        )


# --- record ---------------------------------------------------------------------------------


def _announce_after_commit(release):
    """Tell listeners (email updates) once the release is safely stored. The release stays
    published whatever a listener does: failures are logged (updates retries its own)."""

    def announce():
        for receiver, result in release_published.send_robust(sender=Release, release=release):
            if isinstance(result, Exception):
                logger.error("release %s: %r failed", release.pk, receiver, exc_info=result)

    transaction.on_commit(announce, robust=True)
