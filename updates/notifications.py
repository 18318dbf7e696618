"""Emailing confirmed subscribers about a published release.

`notify_release(release)` is safe to call any number of times, from any number of processes:
each (release, subscriber) pair gets a Delivery row *before* its message is sent, under a
unique constraint, so a message is sent at most once. Only deliveries that failed are tried
again. Call it outside a transaction (transaction.on_commit does that), so every Delivery row
is committed as soon as it is written.
"""

import dataclasses
import datetime
import logging

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils import timezone

from procedures.models import ChapterVersion, Release
from updates import conf
from updates.emails import absolute_url, build_message
from updates.models import Delivery, Subscriber

logger = logging.getLogger(__name__)

# The order practitioners read them in; minor corrections are never listed.
GROUPS = [
    (ChapterVersion.Change.NEW, "New chapters"),
    (ChapterVersion.Change.UPDATED, "Updated chapters"),
    (ChapterVersion.Change.WITHDRAWN, "Withdrawn chapters"),
]


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


def notify_release(release: Release) -> NotifyResult:
    """Send each confirmed subscriber one email listing the release's new, updated and
    withdrawn chapters. Sends nothing for an unpublished release or one with only minor
    corrections. Never raises for a bad address: failures are recorded and retried on the
    next call."""
    if release.published_at is None:
        return NotifyResult(reason=f"release {release.name!r} is not published")
    groups = release_changes(release)
    if not groups:
        return NotifyResult(reason=f"release {release.name!r} has only minor corrections")

    context = {"release": release, "groups": groups, "release_url": _release_url(release)}
    subject = f"{release.name}: amendments to the {conf.portal_name()}"
    result = NotifyResult(
        already_sent=Delivery.objects.filter(
            release=release,
            status=Delivery.Status.SENT,
            subscriber__confirmed_at__isnull=False,
        ).count()
    )
    for batch in _batches_to_send(release):
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception:
            # Nothing in this batch is claimed yet; a later run sends it.
            logger.exception("Release %s emails: cannot connect to the mail server", release.pk)
            result.interrupted = True
            break
        try:
            for subscriber in batch:
                outcome = _send_one(release, subscriber, subject, context, connection)
                setattr(result, outcome, getattr(result, outcome) + 1)
        finally:
            _quietly(connection.close)
    logger.info("Release %s emails: %s", release.pk, result)
    return result


def release_changes(release: Release) -> list[dict]:
    """The release's listed changes, grouped as GROUPS, each with absolute links."""
    versions = (
        release.versions.exclude(change=ChapterVersion.Change.MINOR)
        .select_related("chapter", "replaced_by")
        .order_by("number_key", "chapter__slug")
    )
    by_change = {change: [] for change, _ in GROUPS}
    for version in versions:
        if version.change in by_change:
            by_change[version.change].append(_item(version))
    return [
        {"heading": heading, "items": by_change[change]}
        for change, heading in GROUPS
        if by_change[change]
    ]


def _item(version: ChapterVersion) -> dict:
    return {
        "number": version.chapter_number,
        "title": version.title,
        "summary": version.summary,
        "url": absolute_url(version.chapter.get_absolute_url()),
        "withdrawn": version.is_withdrawn,
        "diff_url": _diff_url(version),
        "replaced_by_url": (
            absolute_url(version.replaced_by.get_absolute_url()) if version.replaced_by else ""
        ),
    }


def _diff_url(version: ChapterVersion) -> str:
    """Link to what changed from the previous version, when the portal has such a page:
    ChapterVersion.get_diff_url() if the model provides it, else the documented
    /chapters/<slug>/versions/<a>...<b>/ if that path resolves."""
    if version.change != ChapterVersion.Change.UPDATED or version.number < 2:
        return ""
    path = _path_from(version, "get_diff_url")
    if path is None:
        path = f"/chapters/{version.chapter.slug}/versions/{version.number - 1}...{version.number}/"
    return absolute_url(path) if path and _resolves(path) else ""


def _release_url(release: Release) -> str:
    """The release's own page if there is one, else the list of all amendments."""
    for path in [_path_from(release, "get_absolute_url"), "/amendments/"]:
        if path and _resolves(path):
            return absolute_url(path)
    return ""


def _path_from(obj, method: str):
    """obj.method() if the model has that method and its URL is mounted, else None."""
    getter = getattr(obj, method, None)
    if not callable(getter):
        return None
    try:
        return getter()
    except NoReverseMatch:
        return None


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _batches_to_send(release: Release):
    """Confirmed subscribers not yet sent this release, UPDATES_BATCH_SIZE at a time, read
    afresh per batch (keyset by id) so a long run sees unsubscribes made meanwhile."""
    done = Delivery.objects.filter(release=release, subscriber=OuterRef("pk")).filter(
        Q(status=Delivery.Status.SENT)
        | Q(status=Delivery.Status.SENDING, claimed_at__gt=_stuck_before())
    )
    last_id = 0
    while True:
        batch = list(
            Subscriber.objects.confirmed()
            .filter(pk__gt=last_id)
            .exclude(Exists(done))
            .order_by("pk")[: conf.batch_size()]
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1].pk


def _send_one(release, subscriber, subject, context, connection) -> str:
    """Claim, send and record one message; returns "sent", "failed" or "skipped"."""
    delivery = _claim(release, subscriber)
    if delivery is None:
        return "skipped"
    try:
        message = build_message(
            subscriber=subscriber,
            subject=subject,
            template="release",
            context=context,
            connection=connection,
        )
        if not message.send():
            raise RuntimeError("the mail backend did not accept the message")
    except Exception as error:
        # One bad address (or a dropped connection) must not stop the rest.
        logger.warning(
            "Release %s email to subscriber %s failed: %s",
            release.pk,
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


def _claim(release, subscriber):
    """Our Delivery row for this pair, now SENDING, or None if another run has it or it
    was sent already. New rows are claimed by the unique constraint, failed ones by a
    conditional UPDATE, so concurrent runs cannot both claim the same pair."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(release=release, subscriber=subscriber)
    except IntegrityError:
        pass
    retried = (
        Delivery.objects.filter(release=release, subscriber=subscriber)
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
    return Delivery.objects.get(release=release, subscriber=subscriber)


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
