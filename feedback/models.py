"""Problem reports from readers, and weekly counts that name no reader."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnerships.models import Partnership
from procedures.models import Chapter, ChapterVersion

MAX_TEXT = 2000  # characters a reader may write about one problem


class Feedback(models.Model):
    """A reader's "Report a problem with this page": what is wrong with which version, read
    with which partnership chosen (none for the regional pages), and an address for a reply
    only if the reader gave one."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(ChapterVersion, on_delete=models.PROTECT, related_name="+")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class About(models.TextChoices):
        REGIONAL = "regional", "The regional procedure"
        LOCAL = "local", "The partnership's local information or contacts"

    # Which text the problem is in decides who is told: the regional team or the partnership.
    about = models.CharField(max_length=10, choices=About.choices, default=About.REGIONAL)
    what_is_wrong = models.TextField()
    email = models.EmailField("reply to", blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when the email job claims the report, so it is sent at most once.
    emailed_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.EmailField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "problem report"
        constraints = [
            models.CheckConstraint(
                condition=~Q(what_is_wrong=""), name="feedback_says_what_is_wrong"
            ),
        ]

    def __str__(self):
        return f"{self.version} ({self.received_at:%Y-%m-%d})"


class WeeklyReads(models.Model):
    """How many times a chapter's current page was served in a week (starting Monday)."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "reading figures"
        verbose_name_plural = "reading figures"
        constraints = [
            models.UniqueConstraint(fields=["chapter", "week"], name="one_read_count_a_week"),
        ]

    def __str__(self):
        return f"{self.chapter} in the week of {self.week}: {self.count}"


class SearchMiss(models.Model):
    """A search that found nothing, as normalised words (never the raw text), counted by week."""

    week = models.DateField()
    query = models.CharField(max_length=200)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "query"], name="one_miss_count_a_week"),
        ]

    def __str__(self):
        return f"{self.query!r} in the week of {self.week}: {self.count}"
