"""Subscribing, confirming and unsubscribing.

The subscribe form must not tell anyone whether an address is subscribed. Every valid
submission takes the same path: find or create the subscriber, then, unless this address was
emailed in the last UPDATES_RESEND_MINUTES, send it exactly one email: a confirmation link if
it is not confirmed yet, or "you are already subscribed" if it is. The page that follows is the
same in every case, and so is the work done, so neither the page nor its timing tells.
The form's choice (what to follow) is stored only for an address not confirmed yet: nobody
can change a confirmed subscriber's choice without a link from one of its emails.
The email goes out from a background job, so the page never waits for the mail server.
"""

import datetime
import logging

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from updates import conf
from updates.choices import describe, save_choice
from updates.emails import absolute_url, build_message
from updates.models import Subscriber, email_key, normalise_email
from updates.tokens import confirm_token

logger = logging.getLogger(__name__)


def request_subscription(address: str, *, choice: dict) -> tuple[int, str] | None:
    """Handle a valid address and choice (keyword arguments for choices.save_choice) from
    the subscribe form. Returns the moment of the claim to email it (for
    `updates.tasks.send_subscription_email`, once committed), or None when it must not be
    emailed now; the page says the same either way."""
    address = normalise_email(address)
    subscriber, _ = Subscriber.objects.get_or_create(
        email_key=email_key(address), defaults={"email": address}
    )
    if not subscriber.is_confirmed:
        save_choice(subscriber, **choice)
    claimed_at = _may_email(subscriber)
    return (subscriber.pk, claimed_at.isoformat()) if claimed_at is not None else None


def claim_is_current(subscriber: Subscriber, claimed_at: str) -> bool:
    """True while the claim made at `claimed_at` is the subscriber's latest."""
    return (
        subscriber.last_emailed_at is not None
        and subscriber.last_emailed_at.isoformat() == claimed_at
    )


def send_subscription_message(subscriber: Subscriber) -> None:
    """Email a confirmation link if the address is not confirmed yet, or "you are already
    subscribed" if it is. Raises if the mail server does not take it."""
    if subscriber.is_confirmed:
        message = build_message(
            subscriber=subscriber,
            subject=f"You are already subscribed to {conf.portal_name()} updates",
            template="already_subscribed",
            context={},
        )
    else:
        expires_at = timezone.now() + datetime.timedelta(seconds=conf.confirm_max_age())
        message = build_message(
            subscriber=subscriber,
            subject=f"Confirm your email updates from {conf.portal_name()}",
            template="confirm",
            context={
                "confirm_url": absolute_url(
                    reverse("updates:confirm", args=[confirm_token(subscriber)])
                ),
                "expires_at": expires_at,
                "choice": describe(subscriber),
            },
        )
    message.send()


def _may_email(subscriber: Subscriber):
    """Claim the right to email this address now: at most once per UPDATES_RESEND_MINUTES.
    One conditional UPDATE, so two simultaneous submissions cannot both win. Returns the
    claim's time, or None."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(minutes=conf.resend_minutes())
    claimed = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .filter(Q(last_emailed_at__isnull=True) | Q(last_emailed_at__lte=cutoff))
        .update(last_emailed_at=now)
    )
    return now if claimed else None


def confirm(subscriber: Subscriber) -> None:
    """Start sending release emails to this subscriber (idempotent)."""
    Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def change_choice(subscriber: Subscriber, *, choice: dict) -> None:
    """What a "change what you get" link's form saves: the new choice, whether or not the
    address is confirmed (the link proves the reader gets this address's emails)."""
    save_choice(subscriber, **choice)


def unsubscribe(token: str) -> None:
    """Forget the subscriber with this token, if there still is one."""
    Subscriber.objects.filter(token=token).delete()
