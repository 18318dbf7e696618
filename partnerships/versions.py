"""Write a version of a partnership's local information or contacts: the one place the
loader and the publisher share, through the versioning kit's `store_next` (the number
follows, the previous version's interval closes at the new effective date)."""

from django.utils import timezone

from procedures.caching import bump_on_commit
from procedures.versioning.storing import store_next

from .models import Contact, ContactsVersion, LocalInformation
from .records import contacts_text, details_hash


def store_local(
    *, partnership, chapter, record, published_by=None, published_at=None, ahead_of_schedule=False
):
    """Store `record` (a LocalRecord with its rendering) as the next version of the
    partnership's local information in the chapter. Returns what `store_next` does."""
    bump_on_commit()
    return store_next(
        LocalInformation,
        scope={"partnership": partnership, "chapter": chapter},
        values={
            **record.stored_fields(),
            "change": LocalInformation.Change.NEW if record.number == 1 else "updated",
            "published_at": published_at or timezone.now(),
            "published_by": published_by,
        },
        ahead_of_schedule=ahead_of_schedule,
    )


def store_contacts(
    *,
    partnership,
    name,
    area,
    contacts,
    summary,
    effective_date=None,
    review_date=None,
    no_review_reason="",
    source_file="",
    published_by=None,
    published_at=None,
    ahead_of_schedule=False,
):
    """Store the partnership's (None: the national) contacts as their next version, with a
    Contact row each: pages read the rows of the version in force on the day. Returns what
    `store_next` does."""
    bump_on_commit()
    text = contacts_text(contacts, national=partnership is None)
    latest = ContactsVersion.objects.of(partnership=partnership).newest().first()
    stored = store_next(
        ContactsVersion,
        scope={"partnership": partnership},
        values={
            "number": (latest.number if latest else 0) + 1,
            "change": "updated" if latest else "new",
            "effective_date": effective_date or timezone.localdate(),
            "name": name,
            "area": area,
            "contacts": text,
            "summary": summary,
            "review_date": review_date,
            "no_review_reason": no_review_reason,
            "source_hash": details_hash(name, area, text),
            "source_file": source_file,
            "published_at": published_at or timezone.now(),
            "published_by": published_by,
        },
        ahead_of_schedule=ahead_of_schedule,
    )
    version = stored.version
    Contact.objects.bulk_create(
        Contact(
            partnership=partnership, version=version, slug=record.slug, **record.stored_fields()
        )
        for record in contacts
    )
    return stored
