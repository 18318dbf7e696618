"""Partnerships, contacts (a partnership's, or national ones) and local information."""

from django.db import models
from django.db.models import Q

from procedures.models import Chapter


class Partnership(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    area = models.CharField(max_length=200)
    source_file = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    class Kind(models.TextChoices):
        FRONT_DOOR = "front-door", "Children's social care front door (MASH)"
        OUT_OF_HOURS = "out-of-hours", "Emergency duty team (out of hours)"
        POLICE = "police-non-emergency", "Police (non-emergency)"
        LADO = "lado", "Local authority designated officer (LADO)"
        PREVENT = "prevent", "Prevent"
        SAFEGUARDING_LEAD = "safeguarding-lead", "Safeguarding lead"
        BUSINESS_UNIT = "business-unit", "Partnership business unit"
        NATIONAL_HELPLINE = "national-helpline", "National helpline or reporting route"

    # None for a national contact, shown to everyone.
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=60, blank=True)
    hours = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    web = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "slug"],
                condition=Q(partnership__isnull=False),
                name="unique_partnership_contact",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(partnership__isnull=True),
                name="unique_national_contact",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def tel(self):
        """The number as a tel: address wants it (digits and a leading +)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return digits


class LocalInformation(models.Model):
    """One version of a partnership's local text in a chapter. Like chapter versions, each is
    kept; the current one on a day is the latest whose effective date has come."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="local_information"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="local_information")
    number = models.PositiveIntegerField()
    effective_date = models.DateField()
    summary = models.TextField()
    section = models.CharField(max_length=120, blank=True)  # anchor; "" for the chapter's end
    source = models.TextField()
    source_hash = models.CharField(max_length=64)
    source_file = models.CharField(max_length=500, blank=True)
    html = models.TextField()
    text = models.TextField(blank=True)  # plain text, for search

    class Meta:
        ordering = ["partnership", "chapter", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "chapter", "number"], name="unique_local_version"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="local_version_positive"),
        ]

    def __str__(self):
        return f"{self.partnership} in {self.chapter.slug}, version {self.number}"
