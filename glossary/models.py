"""Glossary entries and their versions, versioned like chapters (procedures.versioning)."""

from django.db import models

from procedures.versioning.models import Version, version_constraints


class Entry(models.Model):
    slug = models.SlugField(max_length=80, unique=True)  # the entry's anchor on /glossary/
    source_file = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "entries"

    def __str__(self):
        return self.slug


class EntryVersion(Version):
    scope = ("entry",)

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    term = models.CharField(max_length=80)
    expansion = models.CharField(max_length=200, blank=True)  # set for abbreviations
    definition = models.TextField(blank=True)  # markdown, as written
    html = models.TextField(blank=True)  # rendered once by procedures.rendering
    text = models.TextField(blank=True)  # plain text, for search
    synonyms = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["entry", "number"]
        constraints = version_constraints("glossary_version", ("entry",))

    def __str__(self):
        return f"{self.term}, version {self.number}"

    @property
    def withdrawn(self):
        return self.is_withdrawn

    @property
    def is_abbreviation(self):
        return bool(self.expansion)
