"""The links in our emails: the subscriber's random token, signed with SECRET_KEY.

A confirmation link expires (UPDATES_CONFIRM_MAX_AGE); an unsubscribe link and a "change what
you get" link work for as long as the subscription exists (they are in every email, and an
old email must still let its reader stop or change what they get). Different salts keep one
kind of link from passing as another.
"""

from django.core import signing

from updates import conf
from updates.models import Subscriber

CONFIRM_SALT = "updates.confirm"
UNSUBSCRIBE_SALT = "updates.unsubscribe"
MANAGE_SALT = "updates.manage"


class BadLink(Exception):
    """A link that was tampered with, mistyped, expired or is for a removed address."""

    def __init__(self, message, *, expired=False):
        super().__init__(message)
        self.expired = expired


def confirm_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscriber.token)


def manage_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(subscriber.token)


def subscriber_to_manage(value: str) -> Subscriber:
    """The subscriber a "change what you get" link is for, or BadLink."""
    try:
        token = signing.Signer(salt=MANAGE_SALT).unsign(value)
    except signing.BadSignature:
        raise BadLink("The link to change your email updates is not valid.") from None
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        raise BadLink("The link to change your email updates is not valid.")
    return subscriber


def subscriber_to_confirm(value: str) -> Subscriber:
    """The subscriber a confirmation link is for, or BadLink."""
    try:
        token = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            value, max_age=conf.confirm_max_age()
        )
    except signing.SignatureExpired:
        raise BadLink("The confirmation link has expired.", expired=True) from None
    except signing.BadSignature:
        raise BadLink("The confirmation link is not valid.") from None
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:  # unsubscribed since: the link must not bring the address back
        raise BadLink("The confirmation link is not valid.")
    return subscriber


def token_to_unsubscribe(value: str) -> str:
    """The subscriber token an unsubscribe link carries, or BadLink. The subscriber may
    already be gone (a second click), which is not an error."""
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(value)
    except signing.BadSignature:
        raise BadLink("The unsubscribe link is not valid.") from None
