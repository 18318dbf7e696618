"""Emailing the confirmed subscribers who follow a partnership's local information when it
publishes some (partnerships.signals.local_information_published).

Only those who chose that partnership's local information are emailed: it is one area's
text, of no use to readers elsewhere who follow the same chapters. Each gets one email per
announcement, listing every chapter the announcement changed, sent at most once through
sending.send_once.
"""

import logging

from django.db import IntegrityError, transaction

from partnerships.models import LocalInformation, Partnership
from procedures import selectors
from procedures.models import today
from updates import conf
from updates.choices import following_local_information
from updates.emails import absolute_url, build_message
from updates.models import LocalNotice
from updates.sending import NotifyResult, send_once

logger = logging.getLogger(__name__)


def record_notice(*, partnership_id: int, version_ids) -> LocalNotice | None:
    """The notice for this announcement, made once however often it is received; None if
    the partnership or all its versions have gone since."""
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    versions = list(
        LocalInformation.objects.filter(pk__in=version_ids, partnership_id=partnership_id)
    )
    if partnership is None or not versions:
        return None
    key = LocalNotice.key_for(partnership_id, [version.pk for version in versions])
    try:
        with transaction.atomic():
            notice = LocalNotice.objects.create(key=key, partnership=partnership)
            notice.versions.set(versions)
    except IntegrityError:
        notice = LocalNotice.objects.get(key=key)
    return notice


def notify_local_information(notice: LocalNotice) -> NotifyResult:
    items = _items(notice)
    if not items:
        return NotifyResult(reason=f"{notice} lists no local information")
    partnership = notice.partnership
    subject = f"Local information from {partnership.name}: {conf.portal_name()}"

    def build(subscriber, connection):
        return build_message(
            subscriber=subscriber,
            subject=subject,
            template="local_information",
            context={"partnership": partnership, "items": items},
            connection=connection,
        )

    result = send_once(
        about={"notice": notice},
        subscribers=following_local_information(partnership),
        build=build,
    )
    logger.info("Local information notice %s emails: %s", notice.pk, result)
    return result


def _items(notice: LocalNotice) -> list[dict]:
    versions = list(notice.versions.select_related("chapter"))
    current = {
        version.chapter_id: version
        for version in selectors.current_of([local.chapter for local in versions])
    }
    items = []
    for local in versions:
        chapter_version = current.get(local.chapter_id)
        path = f"/p/{notice.partnership.slug}{local.chapter.get_absolute_url()}"
        items.append(
            {
                "number": chapter_version.chapter_number if chapter_version else "",
                "title": chapter_version.title if chapter_version else local.chapter.slug,
                "number_key": chapter_version.number_key if chapter_version else "",
                "summary": local.summary,
                "effective_date": local.effective_date,
                "scheduled": local.effective_date > today(),
                "url": absolute_url(path + (f"#{local.section}" if local.section else "")),
            }
        )
    return sorted(items, key=lambda item: (item["number_key"], item["title"]))
