"""Email subscribers, what each chose to follow, and the record of what each has been sent.

An address only ever receives release emails once it is confirmed (double opt-in). Each
subscriber has a random token; the links in emails carry that token signed with SECRET_KEY
(see tokens.py), so neither a database copy nor the key alone can forge a link.
Unsubscribing deletes the subscriber and its deliveries: we keep no address we may not use.

A subscriber follows the whole manual, or chosen parts and chapters, and optionally one
partnership's local information (see choices.py for what that means for a release).
"""

import datetime
import hashlib
import secrets

from django.contrib.auth.base_user import BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone


def normalise_email(address: str) -> str:
    """The address as given, trimmed, with its domain in lower case (the local part of an
    address may be case-sensitive, so it is kept for sending)."""
    return BaseUserManager.normalize_email(address.strip())


def email_key(address: str) -> str:
    """What makes two addresses the same subscriber: case is ignored throughout, so
    Name@Example.org and name@example.org never get two copies of every email."""
    return normalise_email(address).lower()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscriber(models.Model):
    email = models.EmailField(max_length=254)
    email_key = models.CharField(max_length=254, unique=True, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the subscribe form last caused an email to this address; limits resends.
    last_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What they follow. A part covers the chapters in it at the time of each release,
    # including chapters added later; a chapter is followed wherever it moves.
    whole_manual = models.BooleanField(default=False)
    parts = models.ManyToManyField("procedures.Part", blank=True, related_name="+")
    chapters = models.ManyToManyField("procedures.Chapter", blank=True, related_name="+")
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose local information they follow, if anyone's.",
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email_key"]
        indexes = [models.Index(fields=["confirmed_at"], name="subscriber_confirmed")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        self.email_key = email_key(self.email)
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class LocalNotice(models.Model):
    """One publication of a partnership's local information, as announced by
    partnerships.signals.local_information_published, or of a partnership's (or the national)
    contacts, as announced by partnerships.signals.contacts_published. Keyed by the versions
    it announces, so the same announcement received twice is one notice (and so one email
    each)."""

    key = models.CharField(max_length=200, unique=True, editable=False)
    # None for the national contacts.
    partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, on_delete=models.CASCADE, related_name="+"
    )
    versions = models.ManyToManyField("partnerships.LocalInformation", related_name="+")
    contacts = models.ForeignKey(
        "partnerships.ContactsVersion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        if self.contacts_id:
            return f"Contacts of {self.partnership or 'the nation'} ({self.key})"
        return f"Local information for {self.partnership} ({self.key})"

    @staticmethod
    def key_for_contacts(version_id: int) -> str:
        return f"contacts:{version_id}"

    @staticmethod
    def key_for(partnership_id: int, version_ids) -> str:
        """The same for the same versions in any order, and short however many there are."""
        ids = ",".join(str(pk) for pk in sorted(set(version_ids)))
        return f"{partnership_id}:{hashlib.sha256(ids.encode()).hexdigest()}"


def lease_from_now():
    """When a claim made now lapses unless its sender renews it (UPDATES_LEASE_SECONDS)."""
    from updates import conf

    return timezone.now() + datetime.timedelta(seconds=conf.lease_seconds())


class Delivery(models.Model):
    """One email about a release, or about a local information notice, to one subscriber.

    A sender claims the row (SENDING, claimed_by, lease_until) before the message goes out,
    and renews the lease while it works, so two runs never both send it; a row whose lease
    has lapsed (its sender died) is taken over by the next run, within UPDATES_LEASE_SECONDS.
    Before the message is handed to the mail server its Message-ID, made from this row, is
    recorded (message_id): the idempotency key. A row found SENDING with a lapsed lease and a
    recorded message_id may have gone out in the instant before its sender died; it is sent
    again with the same Message-ID, which the receiving end knows for the message it has."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    release = models.ForeignKey(
        "procedures.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    notice = models.ForeignKey(
        LocalNotice, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a sender last claimed it, which sender, and until when its claim holds.
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(default=lease_from_now)
    # The Message-ID given to the mail server, recorded before it was handed over.
    message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "subscriber"], name="one_delivery_per_release_and_subscriber"
            ),
            models.UniqueConstraint(
                fields=["notice", "subscriber"], name="one_delivery_per_notice_and_subscriber"
            ),
            models.CheckConstraint(
                condition=Q(release__isnull=False, notice__isnull=True)
                | Q(release__isnull=True, notice__isnull=False),
                name="delivery_is_about_a_release_or_a_notice",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "lease_until"], name="delivery_status_lease"),
        ]

    def __str__(self):
        return f"{self.release or self.notice} to subscriber {self.subscriber_id}: {self.status}"
