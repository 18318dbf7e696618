"""The manual: parts, chapters and their immutable versions, with sections and cross-links.

A chapter is known forever by its slug. Its text lives in versions; each published version is
valid from its effective date until the next version's (`valid_until`, empty for the latest),
so "current" at any moment is the one version whose interval holds it. The same idea serves
the chapter page, scheduled versions, the point-in-time view and search.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


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


class ChapterVersion(models.Model):
    class Change(models.TextChoices):
        NEW = "new", "New chapter"
        UPDATED = "updated", "Updated"
        MINOR = "minor", "Minor correction"
        WITHDRAWN = "withdrawn", "Withdrawn"

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=12, choices=Change.choices)
    chapter_number = models.CharField(max_length=20)
    number_key = models.CharField(max_length=60, editable=False)
    title = models.CharField(max_length=300)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="versions")
    effective_date = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    summary = models.TextField()
    review_date = models.DateField(null=True, blank=True)
    is_sample = models.BooleanField(default=False)
    related = models.ManyToManyField(Chapter, blank=True, related_name="related_from")
    withdrawn_reason = models.TextField(blank=True)
    replaced_by = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    source = models.TextField()
    source_hash = models.CharField(max_length=64)
    source_file = models.CharField(max_length=500, blank=True)
    html = models.TextField()

    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["chapter", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["chapter"],
                condition=Q(valid_until__isnull=True),
                name="one_open_ended_version_per_chapter",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("effective_date")),
                name="valid_until_not_before_effective_date",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]
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

    @property
    def is_withdrawn(self):
        return self.change == self.Change.WITHDRAWN

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.effective_date <= day and (self.valid_until is None or day < self.valid_until)


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
