"""Publish a draft, or a release of drafts: check, then execute in one transaction, then record
who published and when.

`publish` is the only way a draft becomes a version. Every version is written by
`procedures.versions.store_version`, which closes the previous version's interval and never
alters or deletes an older version. Publishing is all or nothing: one problem in one draft of a
release and nothing is published. Two publishers racing on one chapter cannot both win: the
chapter row is locked, then the draft's `based_on` is compared with the chapter's latest
version, so the loser is told the chapter moved on (and the unique version numbers stand
behind the lock).

`prepare` shows what publishing a draft would store (its record, rendered HTML and problems);
the admin preview and diff use it, so what a publisher reviews is what gets published.
"""

import logging
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from procedures import selectors
from procedures.content import CHAPTER_NUMBER, SLUG, VersionRecord
from procedures.diffing import Side
from procedures.models import Chapter, ChapterSlug, ChapterVersion, Draft, Link, Release
from procedures.rendering import LinkTarget, Rendered, render_markdown
from procedures.signals import release_published
from procedures.versions import VersionConflict, store_version

PUBLISH_PERMISSION = "procedures.publish_draft"

logger = logging.getLogger(__name__)


class PublishingError(Exception):
    """Nothing was published; the message says why and what to do.

    `moved_on` holds the drafts whose chapter gained a version since they were started.
    """

    def __init__(self, message, *, moved_on=()):
        super().__init__(message)
        self.moved_on = tuple(moved_on)


@dataclass
class Prepared:
    """A draft as it would be published now."""

    draft: Draft
    previous: ChapterVersion | None  # the chapter's latest version, if any
    record: VersionRecord
    rendered: Rendered
    problems: list[str] = field(default_factory=list)

    @property
    def slug(self):
        return self.record.slug

    def as_version(self) -> ChapterVersion:
        """An unsaved version for showing the draft with the public chapter template."""
        draft = self.draft
        chapter = draft.chapter or Chapter(slug=self.slug)
        if draft.chapter and chapter.slug != self.slug:
            chapter = Chapter(pk=chapter.pk, slug=self.slug)
        return ChapterVersion(
            chapter=chapter,
            number=self.record.number,
            change=self.record.change,
            chapter_number=self.record.chapter_number,
            title=self.record.title,
            part=draft.part,
            effective_date=self.record.effective_date,
            summary=self.record.summary,
            review_date=self.record.review_date,
            is_sample=self.record.is_sample,
            withdrawn_reason=self.record.withdrawn_reason,
            replaced_by=draft.replaced_by,
            source=self.record.body,
            html=self.rendered.html,
        )

    def side(self) -> Side:
        draft = self.draft
        return Side(
            label="This draft",
            chapter_number=self.record.chapter_number,
            title=self.record.title,
            part=f"{draft.part.number} {draft.part.title}",
            effective_date=self.record.effective_date,
            html=self.rendered.html,
            review_date=self.record.review_date,
            related=self.record.related,
            withdrawn=self.record.change == ChapterVersion.Change.WITHDRAWN,
            withdrawn_reason=self.record.withdrawn_reason,
            replaced_by=self.record.replaced_by,
            slug=self.slug,
        )


def prepare(draft: Draft) -> Prepared:
    """What publishing `draft` on its own now would store, with every problem that would
    stop it."""
    return prepare_all([draft], release=draft.release)[0]


def _prepare_one(draft: Draft, *, targets, previous=None, release=None) -> Prepared:
    if previous is None and draft.chapter_id:
        previous = (
            ChapterVersion.objects.filter(chapter_id=draft.chapter_id, valid_until__isnull=True)
            .select_related("chapter", "part", "published_by", "replaced_by")
            .first()
        )
    release = release or draft.release
    record = _record(draft, previous, release)
    withdrawn = record.change == ChapterVersion.Change.WITHDRAWN
    rendered = render_markdown(record.body, targets=targets, slug=record.slug)
    problems = [
        f"line {problem.line} of the text: {problem.message}"
        for problem in rendered.problems
        if not (withdrawn and "body is empty" in problem.message)
    ]
    problems = _draft_problems(draft, record, previous) + problems
    if withdrawn:
        rendered = replace(rendered, html="", sections=(), links=(), text="")
    return Prepared(
        draft=draft,
        previous=previous,
        record=record,
        rendered=rendered,
        problems=[f"{_name(draft)}: {problem}" for problem in problems],
    )


def prepare_all(drafts, *, previous_by_chapter=None, release=None) -> list[Prepared]:
    """Prepare drafts to be published together: they may link to each other's sections."""
    targets = dict(selectors.link_targets())
    first_pass = []
    for draft in drafts:
        previous = (previous_by_chapter or {}).get(draft.chapter_id)
        prepared = _prepare_one(draft, targets={}, previous=previous, release=release)
        first_pass.append(prepared)
        targets[prepared.slug] = LinkTarget(
            slug=prepared.slug, title=prepared.record.title, anchors=prepared.rendered.anchors
        )
    prepared = [
        _prepare_one(p.draft, targets=targets, previous=p.previous, release=release)
        for p in first_pass
    ]
    _check_removed_sections(prepared)
    return prepared


def _check_removed_sections(prepared):
    """A draft may not remove a section that another chapter's latest text links to (unless
    that chapter's draft in the same release stops linking to it): links stay unbroken."""
    in_batch = {p.draft.chapter_id for p in prepared if p.draft.chapter_id}
    for each in prepared:
        if each.previous is None:
            continue
        before = set(each.previous.sections.exclude(anchor="").values_list("anchor", flat=True))
        removed = before - set(each.rendered.anchors)
        if not removed:
            continue
        incoming = (
            Link.objects.filter(
                target_id=each.draft.chapter_id,
                anchor__in=removed,
                version__valid_until__isnull=True,
            )
            .exclude(version__chapter_id__in=in_batch)
            .select_related("version")
            .order_by("version__number_key", "anchor")
        )
        for link in incoming:
            source = link.version
            each.problems.append(
                f"{_name(each.draft)}: it removes the section '#{link.anchor}', which "
                f"{source.chapter_number} {source.title} links to; keep that section's anchor, "
                "or change that chapter in the same release"
            )


def can_publish(user, draft: Draft) -> str:
    """Why `user` may not publish `draft` ("" when they may), without touching the database
    beyond the draft's authors."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return "Only a publisher can publish."
    if not getattr(settings, "ALLOW_SELF_PUBLISH", False) and _is_author(user, draft):
        return (
            f"You wrote or edited the draft '{draft}', so another publisher must review and "
            "publish it (four-eyes)."
        )
    return ""


def publish(*, by, draft: Draft | None = None, release: Release | None = None):
    """Publish one draft, or every draft of a release, all or nothing.

    Returns the versions stored. Raises PublishingError, having published nothing, when the
    user may not publish, a draft has a problem, or a chapter moved on since its draft began.
    """
    if (draft is None) == (release is None):
        raise PublishingError("Choose one draft or one release to publish.")
    if not by.has_perm(PUBLISH_PERMISSION):
        raise PublishingError("Only a publisher can publish. Ask a publisher to review it.")
    try:
        with transaction.atomic():
            release, drafts = _lock_drafts(draft, release)
            for each in drafts:
                reason = can_publish(by, each)
                if reason:
                    raise PublishingError(f"Nothing was published. {reason}")
            previous = _lock_chapters(drafts)
            _check_moved_on(drafts, previous)
            prepared = prepare_all(drafts, previous_by_chapter=previous, release=release)
            problems = [problem for each in prepared for problem in each.problems]
            if problems:
                raise PublishingError(
                    "Nothing was published: fix these problems in the draft"
                    f"{'s' if len(drafts) > 1 else ''} first.\n" + "\n".join(problems)
                )
            now = timezone.now()
            if release is None and not drafts[0].minor:
                # A change published on its own is still announced like any release.
                release = _release_for(prepared[0], now)
                prepared = [replace(prepared[0], record=_with_release(prepared[0], release))]
            versions = _store_all(prepared, release, by, now)
            if release is not None:
                release.published_at = now
                release.published_by = by
                release.save(update_fields=["published_at", "published_by"])
                if any(v.change != ChapterVersion.Change.MINOR for v in versions):
                    _announce_after_commit(release)
    except IntegrityError as error:
        raise PublishingError(
            "Nothing was published: another change got there first (an address or a version "
            f"number was taken meanwhile). Reload the page and try again. ({error})"
        ) from None
    except VersionConflict as conflict:
        raise PublishingError(f"Nothing was published: the chapter moved on. {conflict}") from None
    return versions


# --- checks ---------------------------------------------------------------------------------


def _name(draft):
    return f"{draft.chapter_number} {draft.title}".strip() or f"draft {draft.pk}"


def _is_author(user, draft):
    if draft.created_by_id == user.pk:
        return True
    return draft.pk is not None and draft.authors.filter(pk=user.pk).exists()


def _draft_problems(draft, record, previous):
    problems = []
    if not draft.title.strip():
        problems.append("the title is empty")
    if not CHAPTER_NUMBER.match(record.chapter_number):
        problems.append(f"chapter number '{record.chapter_number}' should look like 2.5")
    elif record.chapter_number.split(".")[0] != str(draft.part.number):
        problems.append(
            f"chapter {record.chapter_number} should be in part "
            f"{record.chapter_number.split('.')[0]}, not part {draft.part.number}"
        )
    if not SLUG.match(record.slug):
        problems.append(
            f"the web address '{record.slug}' should be lowercase words joined by hyphens"
        )
    else:
        alias = ChapterSlug.objects.filter(slug=record.slug).select_related("chapter").first()
        if alias is not None and alias.chapter_id != draft.chapter_id:
            problems.append(
                f"the web address '{record.slug}' belongs to the chapter now at "
                f"/chapters/{alias.chapter.slug}/; addresses are never reused, choose another"
            )
    if draft.chapter_id is None:
        if draft.minor:
            problems.append("a new chapter cannot be a minor correction")
        if draft.withdraw:
            problems.append("a new chapter cannot be withdrawn")
    elif previous is None:
        problems.append("the chapter has no published version to amend")
    if not draft.minor and not record.summary:
        problems.append("write an amendment summary (or mark the change as minor)")
    if draft.minor and draft.withdraw:
        problems.append("a withdrawal cannot be a minor correction")
    if draft.withdraw:
        if not record.withdrawn_reason:
            problems.append("say why the chapter is withdrawn")
        if draft.replaced_by_id and draft.replaced_by_id == draft.chapter_id:
            problems.append("a withdrawn chapter cannot be replaced by itself")
    if previous is not None and record.effective_date < previous.effective_date:
        problems.append(
            f"it would take effect on {_day(record.effective_date)}, before version "
            f"{previous.number} ({_day(previous.effective_date)}); choose that day or later"
        )
    return problems


def _day(value):
    return f"{value.day} {value:%B %Y}"


def _lock_drafts(draft, release):
    if release is not None:
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.published_at is not None:
            raise PublishingError(f"The release '{release}' has already been published.")
        drafts = list(
            Draft.objects.select_for_update()
            .filter(release=release, status=Draft.Status.DRAFT)
            .order_by("pk")
        )
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
        ChapterVersion.objects.filter(chapter_id__in=chapter_ids, valid_until__isnull=True)
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
            f"prepared: version {latest.number} was published on {_day(when)} at "
            f"{when:%H:%M}{by}, and the draft is based on version {draft.based_on}."
        )
    raise PublishingError(
        "Nothing was published. "
        + " ".join(lines)
        + " Review what changed since, bring the draft up to date, then publish again.",
        moved_on=[draft for draft, _ in moved],
    )


# --- building and storing -------------------------------------------------------------------


def normalise_body(body: str) -> str:
    """The body as the content files hold it, so an export reads back identically."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(lines).strip("\n") + "\n"


def _record(draft, previous, release) -> VersionRecord:
    if draft.withdraw:
        change = ChapterVersion.Change.WITHDRAWN
    elif previous is None:
        change = ChapterVersion.Change.NEW
    elif draft.minor:
        change = ChapterVersion.Change.MINOR
    else:
        change = ChapterVersion.Change.UPDATED
    if draft.minor and previous is not None:
        effective = previous.effective_date  # a correction keeps the date practitioners know
    else:
        effective = (
            draft.effective_date
            or (release.effective_date if release else None)
            or selectors.today()
        )
    chapter = draft.chapter
    slug = (draft.slug or "").strip() or (chapter.slug if chapter else "")
    related = (
        sorted(c.slug for c in draft.related.all() if c.pk != draft.chapter_id) if draft.pk else []
    )
    return VersionRecord(
        path="",
        slug=slug,
        number=previous.number + 1 if previous else 1,
        chapter_number=draft.chapter_number.strip(),
        title=draft.title.strip(),
        part=draft.part.number,
        effective_date=effective,
        # Every version says something in the history, even a typo fix nobody described.
        summary=draft.summary.strip() or ("Minor correction." if draft.minor else ""),
        change=change,
        body="\n" if draft.withdraw else normalise_body(draft.body),
        body_line=1,
        related=tuple(related),
        review_date=draft.review_date,
        is_sample=previous.is_sample if previous else False,
        withdrawn_reason=draft.withdrawn_reason.strip() if draft.withdraw else "",
        replaced_by=draft.replaced_by.slug if draft.withdraw and draft.replaced_by else "",
        release=release.name if release else "",
    )


def _with_release(prepared, release):
    return replace(prepared.record, release=release.name)


def _release_for(prepared, now):
    """The release that announces a change published on its own."""
    record = prepared.record
    base = f"{record.chapter_number} {record.title}"[:150] + f" ({_day(record.effective_date)})"
    name, suffix = base, 2
    while Release.objects.filter(name=name).exists():
        name, suffix = f"{base} {suffix}", suffix + 1
    return Release.objects.create(
        name=name,
        effective_date=record.effective_date,
        introduction=record.summary,
    )


def _store_all(prepared, release, by, now):
    # Chapters first (new ones, renames), so cross-links between drafts of one release resolve.
    chapters = {}
    for each in prepared:
        chapters[each.draft.pk] = _chapter_for(each)
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
            release=release if each.record.release else None,
            chapters_by_slug=by_slug,
            published_at=now,
            published_by=by,
        )
        Draft.objects.filter(pk=draft.pk).update(
            status=Draft.Status.PUBLISHED,
            chapter=chapter,
            release=release if each.record.release else None,
            published_version=version,
            published_at=now,
            published_by=by,
        )
        versions.append(version)
    _check_chapter_numbers(versions)
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
    clashes = (
        ChapterVersion.objects.filter(valid_until__isnull=True, chapter_number__in=numbers)
        .exclude(change=ChapterVersion.Change.WITHDRAWN)
        .values("chapter_number")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
    )
    clashing = sorted(row["chapter_number"] for row in clashes)
    if clashing:
        holders = ChapterVersion.objects.filter(
            valid_until__isnull=True, chapter_number__in=clashing
        ).select_related("chapter")
        names = "; ".join(f"{v.chapter_number} {v.title} ({v.chapter.slug})" for v in holders)
        raise PublishingError(
            "Nothing was published: two chapters would share a number "
            f"({names}). Give each chapter its own number."
        )


def _announce_after_commit(release):
    """Tell listeners (email updates) once the release is safely stored; never for minor
    corrections. The release stays published whatever a listener does: failures are logged
    (the updates app retries its own)."""

    def announce():
        for receiver, result in release_published.send_robust(sender=Release, release=release):
            if isinstance(result, Exception):
                logger.error("release %s: %r failed", release.pk, receiver, exc_info=result)

    transaction.on_commit(announce, robust=True)
