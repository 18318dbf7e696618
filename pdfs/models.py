"""Built PDFs, each filed under the fingerprint of exactly what it shows.

A PDF is found by the fingerprint of the manual as it stands now (documents.manifest), so a
PDF built from anything older is never found, never served as current, and never needs
invalidating: the next request or publish files a new one.
"""

from django.db import models

from partnerships.models import Partnership
from procedures.models import ChapterVersion


class PdfFile(models.Model):
    class Kind(models.TextChoices):
        MANUAL = "manual", "Whole manual"
        CHAPTER = "chapter", "Chapter version"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the worker"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The chapter version a chapter PDF shows (empty for the whole manual).
    version = models.ForeignKey(
        ChapterVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The partnership whose local information it includes (empty: regional text only).
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(max_length=64, unique=True)
    # What it was built from: every chapter version number, local information number and
    # contact it shows (documents.Document.manifest).
    manifest = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    requested_at = models.DateTimeField()
    # Set while a worker typesets it, so two workers never build the same PDF at once.
    building_since = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(default=b"")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["kind", "partnership"], name="pdf_scope")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.fingerprint[:12]} ({self.status})"

    @property
    def is_ready(self):
        return self.status == self.Status.READY
