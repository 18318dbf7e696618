"""Partnerships, contacts (a partnership's, or national ones) and local information."""

from django.conf import settings
from django.db import models
from markdownx.models import MarkdownxField

from procedures.models import Chapter
from procedures.versioning.models import DraftBase, Version, version_constraints


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
    # The version of the partnership's (or the national) contacts that holds this one.
    version = models.ForeignKey(
        "ContactsVersion", on_delete=models.CASCADE, related_name="contact_rows"
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
            models.UniqueConstraint(fields=["version", "slug"], name="one_contact_per_slug"),
        ]

    def __str__(self):
        return self.name

    @property
    def tel(self):
        """The number as a tel: address wants it (digits and a leading +)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return digits


class LocalInformation(Version):
    """One version of a partnership's local text in a chapter, versioned like a chapter."""

    scope = ("partnership", "chapter")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="local_information"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="local_information")
    section = models.CharField(max_length=120, blank=True)  # anchor; "" for the chapter's end
    source = models.TextField()
    html = models.TextField()
    text = models.TextField(blank=True)  # plain text, for search

    class Meta:
        ordering = ["partnership", "chapter", "number"]
        constraints = version_constraints("local_information", ("partnership", "chapter"))

    def __str__(self):
        return f"{self.partnership} in {self.chapter.slug}, version {self.number}"


class PartnershipEditor(models.Model):
    """A person who edits one partnership's local information and contacts (and, with the
    publish permission, publishes them). A person may edit several partnerships."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="editors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "user"], name="one_link_per_editor")
        ]

    def __str__(self):
        return f"{self.user} edits {self.partnership}"


class ContactsVersion(Version):
    """One version of a partnership's details (name, area, contacts) or, with no
    partnership, of the national contacts, versioned like a chapter. Its Contact rows are the
    contacts it holds; pages read those of the version in force on the day."""

    scope = ("partnership",)

    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="versions"
    )
    name = models.CharField(max_length=200, blank=True)
    area = models.CharField(max_length=200, blank=True)
    contacts = models.TextField()  # the contacts as YAML, as partnership.yaml writes them

    class Meta:
        ordering = ["partnership", "-number"]
        constraints = version_constraints(
            "contacts_version", ("partnership",), optional=("partnership",)
        )

    def __str__(self):
        whose = self.partnership.name if self.partnership_id else "National contacts"
        return f"{whose}: contacts version {self.number}"


class PartnershipDraft(DraftBase):
    """The next version of a partnership's local information in a chapter, or of its details
    and contacts (or of the national contacts), being prepared in the admin. Only its publish
    action (`partnerships.publishing`) turns it into a version, by the same check, four-eyes,
    approval and audit as a chapter draft."""

    class Kind(models.TextChoices):
        LOCAL = "local", "Local information"
        CONTACTS = "contacts", "Details and contacts"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LOCAL)
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
        help_text="Empty only for the national contacts (regional publishers only).",
    )
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Local information: the chapter it appears in.",
    )
    section = models.CharField(
        max_length=120,
        blank=True,
        help_text="Local information: the anchor of the chapter's section it follows (e.g. "
        "reporting-routes); empty for the end of the chapter.",
    )
    body = MarkdownxField(
        "text",
        blank=True,
        help_text="Local information: markdown. Contacts: the 'contacts:' list in the format "
        "of partnership.yaml (content/README.md).",
    )
    name = models.CharField("partnership name", max_length=200, blank=True)
    area = models.CharField(max_length=200, blank=True)
    published_local = models.OneToOneField(
        LocalInformation, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )
    published_contacts = models.OneToOneField(
        ContactsVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )

    class Meta(DraftBase.Meta):
        permissions = [
            ("publish_partnershipdraft", "Can approve and publish their partnership's drafts")
        ]

    def __str__(self):
        whose = self.partnership.name if self.partnership_id else "National contacts"
        if self.kind == self.Kind.LOCAL:
            where = self.chapter.slug if self.chapter_id else "?"
            return f"{whose}: local information in {where}"
        return f"{whose}: details and contacts"
