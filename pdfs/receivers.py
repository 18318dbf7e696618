"""Rebuild the PDFs once any change to what they show is committed: publishing and loading
store versions, and the admin edits parts, addresses, partnerships, contacts and local
information. One job per transaction (tasks.rebuild_on_commit), so one per publish or load."""

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save

from partnerships.models import Contact, LocalInformation, Partnership
from pdfs.tasks import rebuild_on_commit
from procedures.models import ChapterSlug, ChapterVersion, Part

SHOWN_IN_PDFS = (ChapterVersion, Part, ChapterSlug, Partnership, Contact, LocalInformation)


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    rebuild_on_commit(using)


for model in SHOWN_IN_PDFS:
    post_save.connect(_changed, sender=model, dispatch_uid=f"pdfs-saved-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"pdfs-deleted-{model.__name__}")
