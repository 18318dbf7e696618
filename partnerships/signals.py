"""What partnerships tell other apps, and what they hear.

Partnerships, contacts and local information show on public pages: the page cache's stamp
is replaced when a change to them commits, whichever code path saved it.
"""

from django.dispatch import Signal

from procedures.caching import stale_when_changed

from .models import Contact, LocalInformation, Partnership

# A partnership published local information: sent on commit, with `partnership`
# (a Partnership) and `versions` (the LocalInformation versions stored).
local_information_published = Signal()
# A partnership's contacts (or, with `partnership` None, the national contacts) were
# published: sent on commit, with `partnership` and `version` (the ContactsVersion stored).
contacts_published = Signal()


stale_when_changed(Partnership, Contact, LocalInformation)
