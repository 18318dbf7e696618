"""Email subscribers and the record of which release each one has been sent.

An address only ever receives release emails once it is confirmed (double opt-in). Each
subscriber has a random token; the links in emails carry that token signed with SECRET_KEY
(see tokens.py), so neither a database copy nor the key alone can forge a link.
Unsubscribing deletes the subscriber and its deliveries: we keep no address we may not use.
"""

import secrets

from django.contrib.auth.base_user import BaseUserManager
from django.db import models
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


class Delivery(models.Model):
    """One release email to one subscriber. The row is claimed (SENDING) before the message
        goes out, so two runs can never both send it; only FAILED rows, and SENDING rows abandoned
    for longer than UPDATES_SENDING_TIMEOUT, are tried again."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    release = models.ForeignKey(
        "procedures.Release", on_delete=models.PROTECT, related_name="deliveries"
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a sender last claimed it: a row "sending" for long after this was abandoned.
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "subscriber"], name="one_delivery_per_release_and_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.release} to subscriber {self.subscriber_id}: {self.status}"
