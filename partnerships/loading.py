"""Store partnership content in the chapter loader's transaction.

Partnerships and contacts follow their files (a contact taken out of a file is removed).
Local information is versioned like chapters: a stored version never changes, and loading the
same files twice changes nothing.
"""

from django.utils import timezone

from procedures.content import ContentError
from procedures.models import ChapterSlug

from .models import Contact, ContactsVersion, LocalInformation, Partnership
from .reading import NATIONAL_FILE, local_hash
from .records import contacts_text, details_hash


def load_partnership_content(manual, errors):
    """Store `manual`'s partnerships, national contacts and local information. Call inside
    the loader's transaction; appends problems to `errors` (the caller rolls back)."""
    partnerships = {}
    for record in manual.partnerships:
        partnership, _ = Partnership.objects.update_or_create(
            slug=record.slug,
            defaults={"name": record.name, "area": record.area, "source_file": record.path},
        )
        partnerships[record.slug] = partnership
        _sync_contacts(partnership, record.contacts)
        _keep_version(partnership, record.name, record.area, record.contacts, record.path)
    if manual.national_contacts:  # a tree without the file leaves them alone
        _sync_contacts(None, manual.national_contacts)
        _keep_version(None, "", "", manual.national_contacts, NATIONAL_FILE)
    added = []
    for record in manual.local_information:
        alias = ChapterSlug.objects.select_related("chapter").filter(slug=record.chapter).first()
        if alias is None:
            errors.append(
                ContentError(
                    record.path, 1, f"there is no chapter '{record.chapter}'", "unknown_chapter"
                )
            )
            continue
        partnership = partnerships[record.partnership]
        digest = local_hash(record)
        stored = LocalInformation.objects.filter(
            partnership=partnership, chapter=alias.chapter, number=record.number
        ).first()
        if stored is not None:
            if stored.source_hash != digest:
                errors.append(
                    ContentError(
                        record.path,
                        1,
                        f"version {record.number} of this local information is already stored "
                        "with different text; stored versions never change: put the change in "
                        f"v{record.number + 1}.md",
                        "stored_version_changed",
                    )
                )
            continue
        LocalInformation.objects.create(
            partnership=partnership,
            chapter=alias.chapter,
            number=record.number,
            effective_date=record.effective_date,
            summary=record.summary,
            section=record.section,
            source=record.body,
            source_hash=digest,
            source_file=record.path,
            html=record.rendered.html,
            text=record.rendered.text,
        )
        added.append((record.partnership, record.chapter, record.number))
    return added


def _keep_version(partnership, name, area, contacts, path):
    """A contacts version for the files' details when they differ from the latest one (the
    first load, or a changed file), so the history holds every state practitioners saw."""
    text = contacts_text(contacts, national=partnership is None)
    digest = details_hash(name, area, text)
    latest = ContactsVersion.objects.filter(partnership=partnership).order_by("-number").first()
    if latest is not None and latest.source_hash == digest:
        return
    ContactsVersion.objects.create(
        partnership=partnership,
        number=(latest.number if latest else 0) + 1,
        name=name,
        area=area,
        contacts=text,
        summary=f"Read from {path}.",
        source_hash=digest,
        published_at=timezone.now(),
    )


def _sync_contacts(partnership, records):
    existing = {c.slug: c for c in Contact.objects.filter(partnership=partnership)}
    for record in records:
        fields = record.stored_fields()
        contact = existing.pop(record.slug, None)
        if contact is None:
            Contact.objects.create(partnership=partnership, slug=record.slug, **fields)
        elif any(getattr(contact, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(contact, name, value)
            contact.save()
    for gone in existing.values():
        gone.delete()
