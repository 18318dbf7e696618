"""What the link checker last found at each external address the manual links to."""

from django.db import models


class ExternalLink(models.Model):
    """One external address (a link in a chapter, in local information or a contact's web
    address), with what the last check found. The places that use it are read from the
    manual when needed (links.collecting), so they are never out of date."""

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked yet"
        OK = "ok", "Working"
        MOVED = "moved", "Moved"
        WITHDRAWN = "withdrawn", "Withdrawn"
        BROKEN = "broken", "Broken"

    url = models.URLField(max_length=2000, unique=True)
    host = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNCHECKED)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # What went wrong, in words: "404 Not Found", "no answer within 10 seconds" ...
    problem = models.CharField(max_length=300, blank=True)
    # Where a permanent redirect leads (the address to link to instead).
    redirect_to = models.URLField(max_length=2000, blank=True)
    # GOV.UK's own words: "This guidance was withdrawn on 12 July 2016".
    withdrawn_notice = models.CharField(max_length=300, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField("last seen working", null=True, blank=True)

    class Meta:
        ordering = ["url"]
        verbose_name = "external link"

    def __str__(self):
        return self.url

    @property
    def needs_attention(self):
        return self.status in REPORTED


REPORTED = (ExternalLink.Status.BROKEN, ExternalLink.Status.MOVED, ExternalLink.Status.WITHDRAWN)


class WeeklyLinkEmail(models.Model):
    """The week (its Monday) whose link report was emailed: claimed before sending, so a job
    run twice sends one email a week."""

    week = models.DateField(unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week"]

    def __str__(self):
        return f"link report for the week of {self.week}"
