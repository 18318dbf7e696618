"""A glossary change changes chapter pages (their first-use markup) and the glossary page:
replace the page cache's stamp when it commits, whichever code path saved it."""

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from procedures.caching import bump_on_commit

from .models import Entry, EntryVersion


@receiver(post_save, sender=Entry, dispatch_uid="glossary-entry-saved")
@receiver(post_delete, sender=Entry, dispatch_uid="glossary-entry-deleted")
@receiver(post_save, sender=EntryVersion, dispatch_uid="glossary-version-saved")
@receiver(post_delete, sender=EntryVersion, dispatch_uid="glossary-version-deleted")
def _glossary_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    bump_on_commit(using)
