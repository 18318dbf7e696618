"""What partnerships tell other apps, and what they hear.

Partnerships, contacts and local information show on public pages: the page cache's stamp
is replaced when a change to them commits, whichever code path saved it.
"""

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from procedures.caching import bump_on_commit

from .models import Contact, LocalInformation, Partnership

# A partnership published local information: sent on commit, with `partnership`
# (a Partnership) and `versions` (the LocalInformation versions stored).
local_information_published = Signal()
# A partnership's contacts (or, with `partnership` None, the national contacts) were
# published: sent on commit, with `partnership` and `version` (the ContactsVersion stored).
contacts_published = Signal()


@receiver(post_save, sender=Partnership, dispatch_uid="cache-partnership-saved")
@receiver(post_delete, sender=Partnership, dispatch_uid="cache-partnership-deleted")
@receiver(post_save, sender=Contact, dispatch_uid="cache-contact-saved")
@receiver(post_delete, sender=Contact, dispatch_uid="cache-contact-deleted")
@receiver(post_save, sender=LocalInformation, dispatch_uid="cache-local-saved")
@receiver(post_delete, sender=LocalInformation, dispatch_uid="cache-local-deleted")
def _partnership_row_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    bump_on_commit(using)
