"""A glossary change changes chapter pages (their first-use markup) and the glossary page:
replace the page cache's stamp when it commits, whichever code path saved it."""

from procedures.caching import stale_when_changed

from .models import Entry, EntryVersion

stale_when_changed(Entry, EntryVersion)
