"""Glossary entries and their versions. Like chapter versions, a stored version never
changes; the current one on a day is the latest whose effective date has come."""

import datetime

from django.db import models
from django.db.models import Q


class Entry(models.Model):
    slug = models.SlugField(max_length=80, unique=True)  # the entry's anchor on /glossary/
    source_file = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "entries"

    def __str__(self):
        return self.slug


class VersionQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Every version in effect by `day`, newest first within each entry."""
        return self.filter(effective_date__lte=day).order_by("entry__slug", "-number")


class EntryVersion(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    effective_date = models.DateField()
    summary = models.TextField()
    term = models.CharField(max_length=80)
    expansion = models.CharField(max_length=200, blank=True)  # set for abbreviations
    definition = models.TextField(blank=True)  # markdown, as written
    html = models.TextField(blank=True)  # rendered once by procedures.rendering
    text = models.TextField(blank=True)  # plain text, for search
    synonyms = models.JSONField(default=list, blank=True)
    withdrawn = models.BooleanField(default=False)
    source_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField()

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="unique_glossary_version"),
            models.CheckConstraint(condition=Q(number__gte=1), name="glossary_version_positive"),
        ]

    def __str__(self):
        return f"{self.term}, version {self.number}"

    @property
    def is_abbreviation(self):
        return bool(self.expansion)
