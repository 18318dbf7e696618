"""The manual: parts, chapters and their immutable versions, with sections and cross-links.

A chapter is known forever by its slug. Its text lives in versions; each published version is
valid from its effective date until the next version's (`valid_until`, empty for the latest),
so "current" at any moment is the one version whose interval holds it. The same idea serves
the chapter page, scheduled versions, the point-in-time view and search.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from procedures.versioning.models import (
    DraftBase,
    Version,
    VersionQuerySet,
    today,
    valid_on,
    version_constraints,
)

__all__ = ["today", "valid_on"]  # the core's names for the versioning kit's rules


class Part(models.Model):
    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.title}"


class Chapter(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("procedures:chapter", kwargs={"slug": self.slug})


class ChapterSlug(models.Model):
    """Every slug a chapter has had, so renamed chapters keep their old links and no slug is
    ever given to another chapter."""

    slug = models.SlugField(max_length=120, unique=True)
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="slugs")

    def __str__(self):
        return self.slug


class Release(models.Model):
    """A named, dated set of amendments published together ("June 2024 update")."""

    name = models.CharField(max_length=200, unique=True)
    effective_date = models.DateField()
    introduction = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-effective_date", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("procedures:release", kwargs={"pk": self.pk})

    @property
    def is_published(self):
        return self.published_at is not None


class ChapterVersionQuerySet(VersionQuerySet):
    def for_listing(self):
        """Enough to list versions and link to them, without their text."""
        return self.select_related("chapter").defer("source", "html")


class ChapterVersion(Version):
    scope = ("chapter",)

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="versions")
    chapter_number = models.CharField(max_length=20)
    number_key = models.CharField(max_length=60, editable=False)
    title = models.CharField(max_length=300)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="versions")
    is_sample = models.BooleanField(default=False)
    related = models.ManyToManyField(Chapter, blank=True, related_name="related_from")
    withdrawn_reason = models.TextField(blank=True)
    replaced_by = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    # Where to report and whom to call, for the chapter's "What to do now": national
    # contacts by their slug, a partnership's by their kind (lado, prevent...).
    routes = models.JSONField(default=list, blank=True)
    source = models.TextField()
    html = models.TextField()

    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )

    objects = ChapterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["chapter", "-number"]
        constraints = version_constraints("chapter_version", ("chapter",))
        indexes = [
            models.Index(fields=["effective_date", "valid_until"], name="version_validity"),
        ]

    def __str__(self):
        return f"{self.chapter_number} {self.title} (version {self.number})"

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.chapter_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "procedures:version", kwargs={"slug": self.chapter.slug, "number": self.number}
        )

    def get_diff_url(self):
        """What changed from the previous version (None for a chapter's first version)."""
        if self.number < 2:
            return None
        return reverse(
            "procedures:diff",
            kwargs={"slug": self.chapter.slug, "a": self.number - 1, "b": self.number},
        )

    def get_check_url(self):
        """The short address printed on paper copies: is this version still current?"""
        return reverse(
            "procedures:printout", kwargs={"slug": self.chapter.slug, "number": self.number}
        )

    @property
    def is_reconstructed(self):
        """Rebuilt after the fact, not the text practitioners read (see Reconstruction).
        The selectors that show a version fetch this with it."""
        try:
            return self.reconstruction is not None
        except ObjectDoesNotExist:
            return False


def number_key(chapter_number: str) -> str:
    """Sortable form of a chapter number, so 2.10 comes after 2.9."""
    parts = [part for part in chapter_number.split(".") if part]
    return ".".join(part.zfill(5) if part.isdigit() else part for part in parts)


class Section(models.Model):
    """A heading inside a version (or the text before the first heading, with no anchor)."""

    version = models.ForeignKey(ChapterVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    anchor = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    level = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="unique_section_position"),
            models.UniqueConstraint(
                fields=["version", "anchor"],
                condition=~Q(anchor=""),
                name="unique_section_anchor",
            ),
        ]

    def __str__(self):
        return self.title or "(introduction)"


class Link(models.Model):
    """A cross-link from a version's text to another chapter (optionally one of its sections)."""

    version = models.ForeignKey(ChapterVersion, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="incoming_links")
    anchor = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "target", "anchor"], name="unique_link_per_version"
            )
        ]

    def __str__(self):
        return f"{self.version} -> {self.target}{'#' + self.anchor if self.anchor else ''}"


class Draft(DraftBase):
    """The next version of a chapter (or a new chapter) being prepared in the admin.

    Saving a draft never changes a public page: only `procedures.publishing.publish` turns a
    draft into a ChapterVersion. `based_on` is the version number the draft started from, so a
    chapter that moved on in the meantime is caught at publishing time instead of overwritten.
    """

    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
        help_text="Leave empty for a new chapter. To amend a chapter, start from "
        "'Draft the next version' in the list of chapters: it copies the current text.",
    )
    based_on = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The version this draft was started from (empty for a new chapter).",
    )
    slug = models.SlugField(
        "web address (slug)",
        max_length=120,
        blank=True,
        help_text="New chapter: its permanent address, lowercase words joined by hyphens "
        "(e.g. online-safety). Existing chapter: leave empty, or give a new address to rename "
        "it; old addresses keep working and are never given to another chapter.",
    )
    chapter_number = models.CharField(
        max_length=20, help_text="For example 2.5. Its first number is the part's number."
    )
    title = models.CharField(max_length=300)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="drafts")
    body = MarkdownxField(
        "chapter text",
        blank=True,
        help_text="Markdown, as described in content/README.md: sections start at '## ' with "
        "an anchor ({#anchor}); link chapters with [[slug]] or [[slug#anchor|text]].",
    )
    summary = models.TextField(
        "amendment summary",
        blank=True,
        help_text="What changed, in plain words a practitioner can act on (avoid 'updated "
        "throughout'). Required unless this is a minor correction.",
    )
    minor = models.BooleanField(
        "minor correction",
        default=False,
        help_text="A typo or link fix that practitioners need not re-read: it keeps the "
        "current effective date, notifies nobody, and is listed in the chapter's history.",
    )
    effective_date = models.DateField(
        null=True,
        blank=True,
        help_text="When this version takes effect. A future date schedules it. Leave empty to "
        "use the release's date (or the publishing day). Ignored for a minor correction.",
    )
    related = models.ManyToManyField(Chapter, blank=True, related_name="+")
    routes = models.JSONField(
        "What to do now: routes",
        default=list,
        blank=True,
        help_text="Whom to call and where to report, in order: national contacts by their "
        "slug (ceop, report-remove...) and each partnership's own by kind (lado, prevent...).",
    )
    withdraw = models.BooleanField(
        "withdraw this chapter",
        default=False,
        help_text="The chapter's page stays and says when and why it was withdrawn and what to "
        "read instead; its text is no longer shown (earlier versions stay readable).",
    )
    withdrawn_reason = models.TextField("reason for withdrawal", blank=True)
    replaced_by = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="When withdrawing: the chapter practitioners should read instead.",
    )
    release = models.ForeignKey(
        Release,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
        help_text="Drafts in a release are published together. Leave empty to publish this "
        "draft on its own (for an urgent change or a minor correction).",
    )
    published_version = models.OneToOneField(
        ChapterVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )

    class Meta(DraftBase.Meta):
        permissions = [("publish_draft", "Can approve and publish drafts and releases")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_version__isnull=False),
                name="published_draft_has_version",
            ),
        ]

    def __str__(self):
        label = f"{self.chapter_number} {self.title}".strip()
        if self.withdraw:
            return f"{label} (withdrawal)"
        return f"{label} ({'new chapter' if self.chapter_id is None else 'amendment'})"


class AuditEntry(models.Model):
    """Who did what to the manual, when, and exactly what content (its fingerprint).

    Written in the same transaction as the action; never changed or deleted.
    """

    class Action(models.TextChoices):
        PUBLISH = "publish", "Published a draft"
        RELEASE = "release", "Published a release"
        DISCARD = "discard", "Discarded a draft"
        REBASE = "rebase", "Brought a draft up to date"
        SEND_BACK = "send_back", "Sent a scheduled version back for review"

    action = models.CharField(max_length=10, choices=Action.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64, blank=True)
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    versions = models.ManyToManyField(ChapterVersion, blank=True, related_name="audit_entries")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.get_action_display()}: {self.what}"


class Review(models.Model):
    """A manager's "reviewed, no change" on a version: who, when and when it is next due.

    It moves the version's next review date without a new version (see
    `procedures.review_dates`); the chapter's history lists it.
    """

    version = models.ForeignKey(ChapterVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    next_review = models.DateField("next review")
    note = models.TextField(blank=True, help_text="Optional: what was checked, for the record.")

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self):
        return f"{self.version}: reviewed {self.reviewed_at:%Y-%m-%d}, no change"


class DueForReview(ChapterVersion):
    """The admin's list of versions in force, by next review date (overdue first)."""

    class Meta:
        proxy = True
        verbose_name = "chapter due for review"
        verbose_name_plural = "due for review"


class ReviewRequest(models.Model):
    """An editor's "this draft is ready": the drafts list shows it to publishers.

    A row of its own rather than a flag on Draft, so adding it leaves the drafts table (and,
    on SQLite, the trigger that keeps published drafts final) as it is.
    """

    draft = models.OneToOneField(Draft, on_delete=models.CASCADE, related_name="review_request")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # Set once the publishers have been emailed about this request (procedures.tasks).
    emailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.draft} sent for review by {self.by}"


class DraftLook(models.Model):
    """When a person last opened a draft's review, and the fingerprint of what it showed:
    next time the review says whether the draft changed since."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="looks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "user"], name="one_look_per_user_and_draft")
        ]

    def __str__(self):
        return f"{self.user} looked at {self.draft} at {self.at:%Y-%m-%d %H:%M}"


class Reconstruction(models.Model):
    """A version rebuilt after the fact rather than the text practitioners read at the time
    (a sample manual's early history): listed under `reconstructed:` in manual.yaml, and said
    wherever the version is shown as the manual of a day. A row of its own, so marking one
    changes no stored version."""

    version = models.OneToOneField(
        ChapterVersion, on_delete=models.CASCADE, related_name="reconstruction"
    )

    def __str__(self):
        return f"{self.version} (reconstructed)"


class DraftRevision(models.Model):
    """One saved state of a draft: who saved it, when, and every field's value
    (`procedures.revisions` takes and applies them). Numbers only grow, so a save can say
    which revision it started from, and a save over someone else's newer one is refused.

    `desk` names the editing page that saved it (a token the page makes when it opens): the
    page's own autosaves are never taken for someone else's save.
    """

    class Kind(models.TextChoices):
        SAVE = "save", "Saved"
        AUTOSAVE = "autosave", "Saved automatically while typing"
        RESTORE = "restore", "Restored an earlier revision"
        MERGE = "merge", "Saved after merging"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SAVE)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    values = models.JSONField()
    desk = models.CharField(max_length=64, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["draft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="unique_revision_number"),
        ]

    def __str__(self):
        return f"{self.draft}: revision {self.number}"


class DraftComment(models.Model):
    """A remark on a draft, on one line of the revision it was made on (or on the whole
    draft). A publisher sending the draft back to its editor writes one too (`sends_back`)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(
        DraftRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    line = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True)  # the line as it read then
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    sends_back = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draft", "at", "id"]

    def __str__(self):
        where = f"line {self.line}" if self.line else "the draft"
        return f"{self.by} on {where} of {self.draft}"


class DraftPresence(models.Model):
    """Who has a draft open in the editing desk: the desk says so every few seconds, and
    the others see it."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "user"], name="one_presence_per_user")
        ]

    def __str__(self):
        return f"{self.user} has {self.draft} open"
