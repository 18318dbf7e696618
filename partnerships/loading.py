"""Store partnership content in the chapter loader's transaction.

Contacts and local information are versioned like chapters (`partnerships.versions`): a
stored version never changes, and loading the same files twice changes nothing. A
partnership's contacts file holds its contacts as they are: when it differs from the newest
version, the file's contacts become the next version, in force from the day it is loaded.
"""

from procedures.content import ContentError
from procedures.models import ChapterSlug
from procedures.versioning import rules

from .models import ContactsVersion, LocalInformation, Partnership
from .reading import NATIONAL_FILE
from .records import contacts_text, details_hash, local_hash
from .versions import store_contacts, store_local


def load_partnership_content(manual, errors):
    """Store `manual`'s partnerships, national contacts and local information. Call inside
    the loader's transaction; appends problems to `errors` (the caller rolls back)."""
    partnerships = {}
    for record in manual.partnerships:
        values = {"name": record.name, "area": record.area, "source_file": record.path}
        partnership, created = Partnership.objects.get_or_create(slug=record.slug, defaults=values)
        if not created and any(getattr(partnership, k) != v for k, v in values.items()):
            # Saved only when the file changed it: a save queues a rebuild of every PDF.
            for name, value in values.items():
                setattr(partnership, name, value)
            partnership.save(update_fields=list(values))
        partnerships[record.slug] = partnership
        _keep_version(partnership, record.name, record.area, record.contacts, record.path)
    if manual.national_contacts:  # a tree without the file leaves them alone
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
                problem = rules.stored_version_changed(record.number)
                errors.append(ContentError(record.path, 1, str(problem), problem.code))
            continue
        store_local(partnership=partnership, chapter=alias.chapter, record=record)
        added.append((record.partnership, record.chapter, record.number))
    return added


def _keep_version(partnership, name, area, contacts, path):
    """The file's contacts as the next version when they differ from the newest one (the
    first load, or a changed file), so the history holds every state practitioners saw."""
    digest = details_hash(name, area, contacts_text(contacts, national=partnership is None))
    latest = ContactsVersion.objects.of(partnership=partnership).newest().first()
    if latest is not None and latest.source_hash == digest:
        return
    store_contacts(
        partnership=partnership,
        name=name,
        area=area,
        contacts=contacts,
        summary=f"Read from {path}.",
        source_file=path,
    )
