"""Sending one email about one thing (a release, or a local information notice) to each of
a set of subscribers, at most once each.

`send_once(about=..., subscribers=..., build=...)` is safe to call any number of times, from
any number of processes: each (thing, subscriber) pair gets a Delivery row *before* its
message is sent, under a unique constraint, claimed with a lease that this run renews while
it works (see Delivery). Only deliveries that failed, or whose sender's lease lapsed (it
died), are tried again. Each message carries a Message-ID made from its delivery, recorded
before the mail server is given it: the idempotency key that lets a resend after a crash be
recognised. Call it outside a transaction (transaction.on_commit does that), so every
Delivery row is committed as soon as it is written.
"""

import contextlib
import dataclasses
import datetime
import logging
import os
import secrets
import socket
import threading

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, IntegrityError, connections, transaction
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
    run = _new_run_id()
    with _keeping_leases(run):
        for batch in _batches_to_send(about, subscribers):
            mail = get_connection(fail_silently=False)
            try:
                mail.open()
            except Exception:
                # Nothing in this batch is claimed yet; a later run sends it.
                logger.exception("Emails about %s: cannot connect to the mail server", about)
                result.interrupted = True
                break
            try:
                for subscriber in batch:
                    outcome = _send_one(about, subscriber, build, mail, run)
                    setattr(result, outcome, getattr(result, outcome) + 1)
            finally:
                _quietly(mail.close)
    return result


def _new_run_id() -> str:
    """Names this run in the rows it claims: host, process and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


@contextlib.contextmanager
def _keeping_leases(run: str):
    """Renew the leases of the rows `run` holds every third of UPDATES_LEASE_SECONDS, from a
    thread, so a slow mail server (up to EMAIL_TIMEOUT a message) never lets another run take
    over a delivery this one is still sending."""
    stop = threading.Event()
    every = conf.lease_seconds() / 3

    def renew():
        try:
            while not stop.wait(every):
                try:
                    renew_leases(run)
                except DatabaseError:
                    logger.warning("Delivery leases of %s: renewal failed", run, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    keeper = threading.Thread(target=renew, name=f"leases {run}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()


def renew_leases(run: str) -> int:
    return Delivery.objects.filter(claimed_by=run, status=Delivery.Status.SENDING).update(
        lease_until=_lease_until()
    )


def _batches_to_send(about, subscribers):
    """Subscribers not yet sent this, UPDATES_BATCH_SIZE at a time, read afresh per batch
    (keyset by id) so a long run sees unsubscribes and changed choices made meanwhile."""
    done = Delivery.objects.filter(**about, subscriber=OuterRef("pk")).filter(
        Q(status=Delivery.Status.SENT)
        | Q(status=Delivery.Status.SENDING, lease_until__gt=timezone.now())
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


def _send_one(about, subscriber, build, connection, run) -> str:
    """Claim, send and record one message; returns "sent", "failed" or "skipped"."""
    delivery = _claim(about, subscriber, run)
    if delivery is None:
        return "skipped"
    try:
        message = build(subscriber, connection)
        if message is None:
            Delivery.objects.filter(pk=delivery.pk, claimed_by=run).delete()
            return "skipped"
        message_id = message_id_for(delivery)
        if delivery.message_id:
            logger.warning(
                "Email about %s to subscriber %s: its sender died after handing it over; "
                "sent again as %s, so the receiving end knows it for the same message",
                about,
                subscriber.pk,
                message_id,
            )
        else:
            # The key is on record before the mail server has the message.
            Delivery.objects.filter(pk=delivery.pk).update(message_id=message_id)
        message.extra_headers["Message-ID"] = message_id
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
            status=Delivery.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:300],
            claimed_by="",
        )
        _reconnect(connection)
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", claimed_by=""
    )
    return "sent"


def _claim(about, subscriber, run):
    """Our Delivery row for this pair, now SENDING under `run`'s lease, or None if another
    run holds it or it was sent already. New rows are claimed by the unique constraint,
    failed and abandoned ones by a conditional UPDATE, so concurrent runs cannot both claim
    the same pair."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                **about, subscriber=subscriber, claimed_by=run, lease_until=_lease_until()
            )
    except IntegrityError:
        pass
    retried = (
        Delivery.objects.filter(**about, subscriber=subscriber)
        .filter(
            Q(status=Delivery.Status.FAILED)
            | Q(status=Delivery.Status.SENDING, lease_until__lte=now)
        )
        .update(
            status=Delivery.Status.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=now,
            claimed_by=run,
            lease_until=_lease_until(),
        )
    )
    if not retried:
        return None
    return Delivery.objects.get(**about, subscriber=subscriber)


def message_id_for(delivery: Delivery) -> str:
    """The delivery's Message-ID (RFC 5322): the same for every attempt at this delivery,
    and never the same for two deliveries."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
    stamp = delivery.created_at.strftime("%Y%m%d%H%M%S")
    return f"<delivery.{delivery.pk}.{stamp}@{domain}>"


def _lease_until():
    return timezone.now() + datetime.timedelta(seconds=conf.lease_seconds())


def abandoned_deliveries():
    """Deliveries still "sending" whose sender's lease lapsed: it died mid-send."""
    return Delivery.objects.filter(status=Delivery.Status.SENDING, lease_until__lte=timezone.now())


def next_lease_end(about: dict):
    """When the last lease another run holds on these deliveries lapses, or None."""
    return (
        Delivery.objects.filter(**about, status=Delivery.Status.SENDING)
        .order_by("-lease_until")
        .values_list("lease_until", flat=True)
        .first()
    )


def _reconnect(connection):
    """After an error the SMTP session may be unusable: start a fresh one for the rest."""
    _quietly(connection.close)
    _quietly(connection.open)


def _quietly(action):
    try:
        action()
    except Exception:
        logger.warning("Mail connection: %s failed", action.__name__, exc_info=True)
