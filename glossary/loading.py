"""Store the glossary in the content loader's transaction.

Versions are kept like chapter versions: loading the same file twice changes nothing, a
stored version never changes, and an entry, once stored, stays in the file (withdraw it with
a version that says `withdrawn: true`).
"""

from django.utils import timezone

from procedures.content.errors import ContentError
from procedures.versioning import rules
from procedures.versioning.storing import store_next

from .models import Entry, EntryVersion
from .vocabulary import FILE


def load_glossary(records, errors):
    """Store new versions of `records` (None: no glossary file, nothing to do). Appends
    problems to `errors`; the caller rolls back. Returns the (slug, number) pairs stored."""
    if records is None:
        return []
    entries = {entry.slug: entry for entry in Entry.objects.all()}
    stored = {}
    for version in EntryVersion.objects.only("entry_id", "number", "source_hash"):
        stored[(version.entry_id, version.number)] = version.source_hash
    in_file = {record.slug for record in records}
    for slug in sorted(set(entries) - in_file):
        errors.append(
            ContentError(
                FILE,
                0,
                f"the entry '{slug}' is stored but not in the file; entries are never removed: "
                "put it back, and add a version with 'withdrawn: true' to take it out of the "
                "glossary",
                "entry_removed",
            )
        )
    added = []
    now = timezone.now()
    for record in records:
        entry = entries.get(record.slug)
        if entry is None:
            entry = Entry.objects.create(slug=record.slug, source_file=record.path)
        for version in record.versions:
            known = stored.get((entry.pk, version.number))
            if known is None:
                store_next(
                    EntryVersion,
                    scope={"entry": entry},
                    values={**version.stored_fields(), "published_at": now, "source_file": FILE},
                )
                added.append((record.slug, version.number))
            elif known != version.source_hash:
                problem = rules.stored_version_changed(version.number)
                errors.append(
                    ContentError(FILE, version.line, f"'{record.slug}': {problem}", problem.code)
                )
    return added
