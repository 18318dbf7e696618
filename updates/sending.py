"""Sending one email about one thing (a release, or a local information notice) to each of
a set of subscribers, at most once each.

`send_once(about=..., subscribers=..., build=...)` is safe to call any number of times, from
any number of processes: each (thing, subscriber) pair gets a Delivery row *before* its
message is sent, under a unique constraint, so a message is sent at most once. Only
deliveries that failed, or were abandoned mid-send, are tried again. Call it outside a
transaction (transaction.on_commit does that), so every Delivery row is committed as soon as
it is written.
"""

import dataclasses
import datetime
import logging

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from updates import conf
from updates.models import Delivery

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class NotifyResult:
    sent: int = 0
    failed: int = 0  # recorded; the next call tries them again
    already_sent: int = 0  # by an earlier call
    skipped: int = 0  # claimed by another call running at the same time
    reason: str = ""  # why nothing was attempted, if so
    interrupted: bool = False  # the mail server could not be reached; call again later

    def __str__(self):
        if self.reason:
            return f"Nothing sent: {self.reason}."
        text = (
            f"Sent {self.sent}, failed {self.failed}, already sent {self.already_sent}, "
            f"being sent by another run {self.skipped}."
        )
        if self.interrupted:
            text += " Stopped early: the mail server could not be reached."
        return text


def send_once(*, about: dict, subscribers, build) -> NotifyResult:
    """Email each of `subscribers` (a QuerySet) once about `about` ({"release": r} or
    {"notice": n}). `build(subscriber, connection)` returns the message, or None when this
    subscriber has nothing to be told (no row is kept then). Never raises for a bad address:
    failures are recorded and retried on the next call."""
    result = NotifyResult(
        already_sent=Delivery.objects.filter(
            **about, status=Delivery.Status.SENT, subscriber__in=subscribers
        ).count()
    )
    for batch in _batches_to_send(about, subscribers):
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception:
            # Nothing in this batch is claimed yet; a later run sends it.
            logger.exception("Emails about %s: cannot connect to the mail server", about)
            result.interrupted = True
            break
        try:
            for subscriber in batch:
                outcome = _send_one(about, subscriber, build, connection)
                setattr(result, outcome, getattr(result, outcome) + 1)
        finally:
            _quietly(connection.close)
    return result


def _batches_to_send(about, subscribers):
    """Subscribers not yet sent this, UPDATES_BATCH_SIZE at a time, read afresh per batch
    (keyset by id) so a long run sees unsubscribes and changed choices made meanwhile."""
    done = Delivery.objects.filter(**about, subscriber=OuterRef("pk")).filter(
        Q(status=Delivery.Status.SENT)
        | Q(status=Delivery.Status.SENDING, claimed_at__gt=_stuck_before())
    )
    last_id = 0
    while True:
        batch = list(
            subscribers.filter(pk__gt=last_id)
            .exclude(Exists(done))
            .select_related("partnership")
            .prefetch_related("parts", "chapters")
            .order_by("pk")[: conf.batch_size()]
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1].pk


def _send_one(about, subscriber, build, connection) -> str:
    """Claim, send and record one message; returns "sent", "failed" or "skipped"."""
    delivery = _claim(about, subscriber)
    if delivery is None:
        return "skipped"
    try:
        message = build(subscriber, connection)
        if message is None:
            Delivery.objects.filter(pk=delivery.pk).delete()
            return "skipped"
        if not message.send():
            raise RuntimeError("the mail backend did not accept the message")
    except Exception as error:
        # One bad address (or a dropped connection) must not stop the rest.
        logger.warning(
            "Email about %s to subscriber %s failed: %s",
            about,
            subscriber.pk,
            type(error).__name__,
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        _reconnect(connection)
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _claim(about, subscriber):
    """Our Delivery row for this pair, now SENDING, or None if another run has it or it
    was sent already. New rows are claimed by the unique constraint, failed ones by a
    conditional UPDATE, so concurrent runs cannot both claim the same pair."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(**about, subscriber=subscriber)
    except IntegrityError:
        pass
    retried = (
        Delivery.objects.filter(**about, subscriber=subscriber)
        .filter(
            Q(status=Delivery.Status.FAILED)
            | Q(status=Delivery.Status.SENDING, claimed_at__lte=_stuck_before())
        )
        .update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
    )
    if not retried:
        return None
    return Delivery.objects.get(**about, subscriber=subscriber)


def _stuck_before():
    """A delivery claimed before this and still "sending" was abandoned (its process died):
    it may be claimed again. UPDATES_SENDING_TIMEOUT is far longer than EMAIL_TIMEOUT, so a
    live sender has always finished (or failed) by then."""
    return timezone.now() - datetime.timedelta(seconds=conf.sending_timeout())


def stuck_deliveries():
    """Deliveries abandoned in "sending" (see _stuck_before)."""
    return Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lte=_stuck_before())


def _reconnect(connection):
    """After an error the SMTP session may be unusable: start a fresh one for the rest."""
    _quietly(connection.close)
    _quietly(connection.open)


def _quietly(action):
    try:
        action()
    except Exception:
        logger.warning("Mail connection: %s failed", action.__name__, exc_info=True)
