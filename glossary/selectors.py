"""The read side of the glossary: the entries in effect on a day."""

import datetime

from .models import EntryVersion


def glossary_on(day: datetime.date) -> list[EntryVersion]:
    """The current version of each entry on `day` (withdrawn entries left out), A to Z by
    term. One query."""
    current = EntryVersion.objects.valid_on(day).exclude(change="withdrawn").select_related("entry")
    return sorted(current, key=lambda v: (v.term.casefold(), v.term))


def history(entry) -> list[EntryVersion]:
    return list(entry.versions.order_by("-number"))
