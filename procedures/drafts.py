"""What publishing drafts would store now: their records, rendered text and problems.

The admin form, the preview, the publisher's review and `publishing.publish` all ask
`prepare_all`, so what a publisher reviews is what gets published, checked by the same rules
(`procedures.rules`).
"""

import hashlib
import json
from dataclasses import dataclass, field

from procedures import selectors
from procedures.models import Chapter, ChapterSlug, ChapterVersion, Draft, Link
from procedures.problems import Problem
from procedures.records import VersionRecord
from procedures.rendering import LinkTarget, Rendered, render_markdown
from procedures.rules import check_version
from procedures.versioning import carrying
from procedures.versioning.carrying import CarryForward


@dataclass
class Prepared:
    """A draft as it would be published now."""

    draft: Draft
    previous: ChapterVersion | None  # the chapter's latest version, if any
    record: VersionRecord
    rendered: Rendered
    problems: list[Problem] = field(default_factory=list)
    # An urgent correction taking effect before scheduled versions: the version in force it
    # corrects (what the review compares it with) and what becomes of each scheduled one.
    corrects: ChapterVersion | None = None
    ahead_of: list[CarryForward] = field(default_factory=list)

    @property
    def compared_with(self):
        """The version the review's diff compares the draft with."""
        return self.corrects or self.previous

    @property
    def slug(self):
        return self.record.slug

    @property
    def name(self):
        return draft_name(self.draft)

    def messages(self):
        """Each problem as one line naming the draft, for lists covering several drafts."""
        return [f"{self.name}: {problem}" for problem in self.problems]

    def as_version(self) -> ChapterVersion:
        """An unsaved version for showing the draft with the public chapter template."""
        draft = self.draft
        chapter = draft.chapter or Chapter(slug=self.slug)
        if draft.chapter and chapter.slug != self.slug:
            chapter = Chapter(pk=chapter.pk, slug=self.slug)
        fields = self.record.stored_fields()
        fields.update(html=self.rendered.html)
        return ChapterVersion(
            chapter=chapter, part=draft.part, replaced_by=draft.replaced_by, **fields
        )

    def identity(self):
        """What an approval is bound to (see `fingerprint`); partnership drafts have theirs."""
        record = self.record
        return (
            self.draft.pk or 0,
            record.source_hash,
            record.release,
            record.effective_date.isoformat(),
            # An approval covers what happens to the versions it goes ahead of.
            [plan.identity() for plan in self.ahead_of],
        )

    def side(self):
        return self.record.side(
            label="This draft", html=self.rendered.html, part_title=self.draft.part.title
        )


def draft_name(draft):
    return f"{draft.chapter_number} {draft.title}".strip() or f"draft {draft.pk}"


def prepare(draft: Draft, *, related=None) -> Prepared:
    """The draft as it would be published: with the other drafts of its release, if any (they
    may link to each other's sections). `related` stands in for an unsaved form's choice."""
    if draft.release_id and not draft.is_published and draft.pk:
        others = list(
            draft.release.drafts.filter(status=Draft.Status.DRAFT)
            .exclude(pk=draft.pk)
            .select_related("chapter", "part", "replaced_by")
        )
        for prepared in prepare_all([draft, *others], release=draft.release, related=related):
            if prepared.draft is draft:
                return prepared
    return prepare_all([draft], related=related)[0]


def prepare_all(drafts, *, previous_by_chapter=None, release=None, related=None):
    """Prepare drafts to be published together. `related` applies to the first draft."""
    latest = previous_by_chapter
    if latest is None:
        chapter_ids = [d.chapter_id for d in drafts if d.chapter_id]
        latest = {
            v.chapter_id: v
            for v in ChapterVersion.objects.newest()
            .filter(chapter_id__in=chapter_ids)
            .select_related("chapter", "part", "published_by", "replaced_by")
        }
    records, own_targets, named = [], {}, set()
    for index, draft in enumerate(drafts):
        previous = latest.get(draft.chapter_id)
        record = VersionRecord.from_draft(
            draft,
            previous=previous,
            release=release or (draft.release if draft.release_id else None),
            today=selectors.today(),
            related=related if index == 0 else None,
        )
        records.append((draft, previous, record))
        # Drafts published together may link to each other's new sections.
        first = render_markdown(record.body, slug=record.slug)
        own_targets[record.slug] = LinkTarget(
            slug=record.slug, title=record.title, anchors=first.anchors
        )
        named |= {link.slug for link in first.links} | set(record.related)
        named |= {record.replaced_by} if record.replaced_by else set()
    # Only the chapters the drafts name are read, whatever the size of the manual.
    targets = {**selectors.link_targets(slugs=named - set(own_targets)), **own_targets}
    prepared = []
    for draft, previous, record in records:
        corrects, ahead_of = carrying.plan_for(previous, record)
        rendered, problems = check_version(
            record,
            targets=targets,
            previous=corrects or previous,
            slug_owner=_owner_of(record.slug, draft),
            today=selectors.today(),
        )
        if draft.chapter_id and previous is None:
            problems.insert(
                0, Problem("nothing_to_amend", "the chapter has no published version to amend")
            )
        if record.withdrawn:
            rendered = Rendered(html="", sections=(), links=(), text="")
        prepared.append(Prepared(draft, previous, record, rendered, problems, corrects, ahead_of))
    _check_removed_sections(prepared)
    return prepared


def fingerprint(prepared, release=None) -> str:
    """A digest of exactly what would be published: each draft's record (`identity()`), the
    set of drafts and the release's own details. It changes when any field, the text or the
    membership of a release changes, so an approval can be bound to what the publisher saw."""
    items = sorted(p.identity() for p in prepared)
    if release is not None:
        items.append((release.name, release.effective_date.isoformat(), release.introduction))
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def drafts_of(release, *, lock=False):
    """The drafts a release would publish, in the order publishing takes them (locked for
    the rest of the transaction when `lock` is set)."""
    drafts = Draft.objects.filter(release=release, status=Draft.Status.DRAFT)
    if lock:
        drafts = drafts.select_for_update(of=("self",))
    return list(drafts.select_related("chapter", "part", "replaced_by", "release").order_by("pk"))


def approval_fingerprint(*, draft=None, release=None) -> str:
    """What a publisher approves by publishing from the review they are looking at."""
    if release is not None:
        return fingerprint(prepare_all(drafts_of(release), release=release), release)
    return fingerprint(prepare_all([draft]))


def _owner_of(slug, draft):
    """The current slug of another chapter that has (or had) this slug, else ""."""
    alias = ChapterSlug.objects.filter(slug=slug).select_related("chapter").first()
    if alias is None or alias.chapter_id == draft.chapter_id:
        return ""
    return alias.chapter.slug


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
                version__in=ChapterVersion.objects.newest(),
            )
            .exclude(version__chapter_id__in=in_batch)
            .select_related("version")
            .order_by("version__number_key", "anchor")
        )
        for link in incoming:
            source = link.version
            each.problems.append(
                Problem(
                    "removes_linked_section",
                    f"it removes the section '#{link.anchor}', which {source.chapter_number} "
                    f"{source.title} links to",
                    "keep that section's anchor, or change that chapter in the same release",
                    "body",
                )
            )
