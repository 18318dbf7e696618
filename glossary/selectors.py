"""The read side of the glossary: the entries in effect on a day."""

import datetime

from .models import EntryVersion


def glossary_on(day: datetime.date) -> list[EntryVersion]:
    """The current version of each entry on `day` (withdrawn entries left out), A to Z by
    term. One query."""
    current, seen = [], set()
    for version in EntryVersion.objects.valid_on(day).select_related("entry"):
        if version.entry_id in seen:
            continue
        seen.add(version.entry_id)
        if not version.withdrawn:
            current.append(version)
    return sorted(current, key=lambda v: (v.term.casefold(), v.term))


def history(entry) -> list[EntryVersion]:
    return list(entry.versions.order_by("-number"))
