"""Emailing the confirmed subscribers concerned when a partnership's contacts, or the
national contacts, are published (partnerships.signals.contacts_published).

A partnership's contacts go to those who follow its local information; the national
contacts, shown in every chapter's What to do now, to every confirmed subscriber. The email
names each contact that changed, with its old and new number (or address, or hours), and
those added or removed: whom to call is never a silent change. Sent at most once each through
sending.send_once, like release emails (leases, a Message-ID per delivery).
"""

import logging

from django.db import IntegrityError, transaction

from partnerships.models import Contact, ContactsVersion
from procedures.models import today
from updates import conf
from updates.choices import following_local_information
from updates.emails import absolute_url, build_message
from updates.models import LocalNotice, Subscriber
from updates.sending import NotifyResult, send_once

logger = logging.getLogger(__name__)

# What a reader acts on, in the order a sentence names them.
FIELDS = [("phone", "phone"), ("email", "email"), ("hours", "hours"), ("web", "web address")]


def record_contacts_notice(*, version_id: int) -> LocalNotice | None:
    """The notice for this contacts version, made once however often it is announced; None
    if the version has gone since."""
    version = ContactsVersion.objects.filter(pk=version_id).first()
    if version is None:
        return None
    key = LocalNotice.key_for_contacts(version.pk)
    try:
        with transaction.atomic():
            return LocalNotice.objects.create(
                key=key, partnership_id=version.partnership_id, contacts=version
            )
    except IntegrityError:
        return LocalNotice.objects.get(key=key)


def notify_contacts(notice: LocalNotice) -> NotifyResult:
    version = notice.contacts
    changes = contact_changes(version)
    if not changes:
        return NotifyResult(reason=f"{notice} changes no contact")
    partnership = notice.partnership
    whose = partnership.name if partnership else "National contacts"
    subject = f"{whose}: contacts changed in the {conf.portal_name()}"
    context = {
        "partnership": partnership,
        "changes": changes,
        "summary": version.summary,
        "effective_date": version.effective_date,
        "scheduled": version.effective_date > today(),
        "contacts_url": absolute_url(
            f"/p/{partnership.slug}/contacts/" if partnership else "/contacts/"
        ),
    }

    def build(subscriber, connection):
        return build_message(
            subscriber=subscriber,
            subject=subject,
            template="contacts",
            context=context,
            connection=connection,
        )

    subscribers = (
        following_local_information(partnership) if partnership else Subscriber.objects.confirmed()
    )
    result = send_once(about={"notice": notice}, subscribers=subscribers, build=build)
    logger.info("Contacts notice %s emails: %s", notice.pk, result)
    return result


def contact_changes(version: ContactsVersion) -> list[str]:
    """One sentence per contact changed, added or removed since the version before."""
    previous = ContactsVersion.objects.filter(
        partnership_id=version.partnership_id, number=version.number - 1
    ).first()
    before = _by_slug(previous)
    after = _by_slug(version)
    sentences = []
    for slug, contact in after.items():
        old = before.get(slug)
        if old is None:
            sentences.append(f"Added: {_described(contact)}.")
            continue
        changed = [
            f"{label} {getattr(old, field) or '(none)'} is now "
            f"{getattr(contact, field) or '(none)'}"
            for field, label in FIELDS
            if getattr(old, field) != getattr(contact, field)
        ]
        if old.name != contact.name:
            changed.insert(0, f"now called {contact.name}")
        if changed:
            sentences.append(f"{old.name}: " + "; ".join(changed) + ".")
    for slug, contact in before.items():
        if slug not in after:
            sentences.append(f"Removed: {_described(contact)}.")
    return sentences


def _by_slug(version) -> dict[str, Contact]:
    if version is None:
        return {}
    return {contact.slug: contact for contact in version.contact_rows.order_by("order", "name")}


def _described(contact: Contact) -> str:
    reach = ", ".join(
        f"{label} {getattr(contact, field)}" for field, label in FIELDS if getattr(contact, field)
    )
    return f"{contact.name} ({reach})" if reach else contact.name
