"""Publish a draft or a release of drafts: check, then execute in one transaction, then record.

`publish` is the only way a draft becomes a version (Wagtail's publish action has the same
three steps). Every version is written by `procedures.versions.store_version`, which closes the
previous version's interval and never alters an older version. Publishing is all or nothing:
one problem in one draft of a release and nothing is published. Two publishers racing on one
chapter cannot both win: the chapter rows are locked, then each draft's `based_on` is compared
with its chapter's latest version, so the loser is told the chapter moved on.

Each action (publish, release, discard, rebase) leaves an `AuditEntry` in its transaction, and
a published release is announced through `signals.release_published` once committed.

A partnership draft (local information, or a partnership's details and contacts) is published
by the same steps in `partnerships.publishing`.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
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
)
from procedures.rules import day
from procedures.signals import release_published
from procedures.versions import VersionConflict, store_version

PUBLISH_PERMISSION = "procedures.publish_draft"

logger = logging.getLogger(__name__)


class PublishingError(Exception):
    """Nothing was published; the message says why and what to do.

    `problems` lists each draft's problems as lines; `moved_on` holds the drafts whose chapter
    gained a version since they were started.
    """

    def __init__(self, message, *, problems=(), codes=(), moved_on=()):
        super().__init__(message)
        self.problems = tuple(problems)
        self.codes = tuple(codes)  # the problems' codes (procedures.problems), for callers
        self.moved_on = tuple(moved_on)

    def lines(self):
        return [str(self.args[0]), *self.problems]


def can_publish(user, draft: Draft) -> str:
    """Why `user` may not publish `draft` ("" when they may)."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return "Only a publisher can publish."
    return four_eyes(user, draft)


def four_eyes(user, draft) -> str:
    """Why `user` may not publish a draft they wrote ("" when they did not)."""
    if not getattr(settings, "ALLOW_SELF_PUBLISH", False) and _is_author(user, draft):
        return (
            f"You wrote or edited the draft '{draft}', so another publisher must review and "
            "publish it (four-eyes)."
        )
    return ""


def publish(
    *,
    by,
    approved: str,
    draft: Draft | None = None,
    release: Release | None = None,
):
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
    try:
        with transaction.atomic():
            release, drafts, prepared = _check(by, draft, release, approved)
            versions, release = _execute(by, release, prepared)
            _record(
                AuditEntry.Action.RELEASE if draft is None else AuditEntry.Action.PUBLISH,
                by=by,
                what=str(release) if draft is None else str(drafts[0]),
                fingerprint=approved,
                release=release,
                versions=versions,
            )
    except IntegrityError as error:
        raise PublishingError(
            "Nothing was published: another change got there first (an address or a version "
            f"number was taken meanwhile). Reload the page and try again. ({error})"
        ) from None
    except VersionConflict as conflict:
        raise PublishingError(f"Nothing was published: the chapter moved on. {conflict}") from None
    return versions


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
        _record(AuditEntry.Action.REBASE, by=by, what=f"{draft} onto version {latest.number}")
    return latest.number


def discard(*, by, draft: Draft) -> None:
    """Delete an unpublished draft; the audit keeps who did it and what it held."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise PublishingError("A published draft is history: it cannot be discarded.")
        (prepared,) = prepare_all([draft])
        _record(
            AuditEntry.Action.DISCARD, by=by, what=str(draft), fingerprint=fingerprint([prepared])
        )
        draft.delete()


# --- check ----------------------------------------------------------------------------------


def _check(by, draft, release, approved):
    """Lock what is to be published and find every reason not to. Returns the release, the
    drafts and what each would store."""
    release, drafts = _lock_drafts(draft, release)
    for each in drafts:
        reason = can_publish(by, each)
        if reason:
            raise PublishingError(f"Nothing was published. {reason}")
    previous = _lock_chapters(drafts)
    _check_moved_on(drafts, previous)
    prepared = prepare_all(drafts, previous_by_chapter=previous, release=release)
    if fingerprint(prepared, release) != approved:
        raise PublishingError(
            "Nothing was published: "
            + ("the release" if release is not None else "the draft")
            + " changed after you opened the review (its text, its details or, for a release, "
            "its drafts). Review what it holds now, below, and publish again if it is right.",
            codes=["changed_since_review"],
        )
    problems = [line for each in prepared for line in each.messages()]
    if problems:
        raise PublishingError(
            "Nothing was published: fix these problems in the draft"
            f"{'s' if len(drafts) > 1 else ''} first.",
            problems=problems,
            codes=[problem.code for each in prepared for problem in each.problems],
        )
    return release, drafts, prepared


def _is_author(user, draft):
    if draft.created_by_id == user.pk:
        return True
    return draft.pk is not None and draft.authors.filter(pk=user.pk).exists()


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


def _execute(by, release, prepared):
    now = timezone.now()
    if release is None and not prepared[0].record.minor:
        # A change published on its own is still announced like any release.
        release = _release_for(prepared[0].record)
    versions = _store_all(prepared, release, by, now)
    _check_chapter_numbers(versions)
    if release is not None:
        release.published_at = now
        release.published_by = by
        release.save(update_fields=["published_at", "published_by"])
        if any(v.change != ChapterVersion.Change.MINOR for v in versions):
            _announce_after_commit(release)
    return versions, release


def _release_for(record):
    """The release that announces a change published on its own."""
    base = f"{record.chapter_number} {record.title}"[:150] + f" ({day(record.effective_date)})"
    name, suffix = base, 2
    while Release.objects.filter(name=name).exists():
        name, suffix = f"{base} {suffix}", suffix + 1
    return Release.objects.create(
        name=name, effective_date=record.effective_date, introduction=record.summary
    )


def _store_all(prepared, release, by, now):
    # Chapters first (new ones, renames), so cross-links between drafts of one release resolve.
    chapters = {each.draft.pk: _chapter_for(each) for each in prepared}
    by_slug = {chapter.slug: chapter for chapter in chapters.values()}
    versions = []
    for each in prepared:
        draft = each.draft
        chapter = chapters[draft.pk]
        version = store_version(
            chapter=chapter,
            record=each.record,
            rendered=each.rendered,
            part=draft.part,
            release=release,
            chapters_by_slug=by_slug,
            published_at=now,
            published_by=by,
        )
        Draft.objects.filter(pk=draft.pk).update(
            status=Draft.Status.PUBLISHED,
            chapter=chapter,
            release=release,
            published_version=version,
            published_at=now,
            published_by=by,
        )
        versions.append(version)
    return versions


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


def _record(action, *, by, what, fingerprint="", release=None, versions=()):
    entry = AuditEntry.objects.create(
        action=action,
        at=timezone.now(),
        by=by,
        what=what[:500],
        fingerprint=fingerprint,
        release=release,
    )
    entry.versions.set(versions)
    logger.info(
        "audit action=%s by=%s what=%r fingerprint=%s", action, by, what, fingerprint or "-"
    )
    return entry


def _announce_after_commit(release):
    """Tell listeners (email updates) once the release is safely stored. The release stays
    published whatever a listener does: failures are logged (updates retries its own)."""

    def announce():
        for receiver, result in release_published.send_robust(sender=Release, release=release):
            if isinstance(result, Exception):
                logger.error("release %s: %r failed", release.pk, receiver, exc_info=result)

    transaction.on_commit(announce, robust=True)
