"""Background jobs that build PDFs (django-tasks), run by `manage.py run_worker`: no request
ever waits for a PDF to be typeset.

After any change to the manual (publishing, loading, an admin edit) one job per transaction
builds the whole manual (regional, and each partnership's) and each current chapter's
regional PDF; versions scheduled for a later day get a job at that day's start. Anything else
(a partnership's chapter PDF, an older version's) is built when a reader first asks for it.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from partnerships.models import LocalInformation, Partnership
from pdfs import building
from pdfs.models import PdfFile
from procedures import selectors
from procedures.models import ChapterVersion

MANUAL, CHAPTER = PdfFile.Kind.MANUAL.value, PdfFile.Kind.CHAPTER.value


@task()
def build_pdf(kind: str, version_id: int | None = None, partnership_id: int | None = None) -> str:
    return building.build(kind=kind, version_id=version_id, partnership_id=partnership_id)


@task()
def rebuild_after_change() -> str:
    outcomes = Counter([building.build(kind=MANUAL)])
    for partnership_id in Partnership.objects.values_list("pk", flat=True):
        outcomes[building.build(kind=MANUAL, partnership_id=partnership_id)] += 1
    for version_id in ChapterVersion.objects.current().values_list("pk", flat=True):
        outcomes[building.build(kind=CHAPTER, version_id=version_id)] += 1
    _rebuild_when_scheduled_text_takes_effect()
    return ", ".join(f"{outcome}: {count}" for outcome, count in sorted(outcomes.items()))


def ask_for(*, kind, version=None, partnership=None) -> PdfFile:
    """The PDF of the manual (or chapter version) as it stands now, ready or not; when it is
    not, the worker is asked to build it (once, however many readers ask)."""
    pdf, ask = building.current_pdf(kind=kind, version=version, partnership=partnership)
    if ask:
        job = {
            "kind": str(kind),
            "version_id": version.pk if version else None,
            "partnership_id": partnership.pk if partnership else None,
        }
        transaction.on_commit(lambda: build_pdf.enqueue(**job))
    return pdf


def rebuild_on_commit(using=DEFAULT_DB_ALIAS):
    """Queue one rebuild when the current transaction commits, however many rows it wrote."""
    if not getattr(settings, "PDFS_REBUILD_AFTER_CHANGES", True):
        return
    connection = connections[using]
    pending = getattr(connection, "pdfs_rebuild_pending", None)
    if connection.in_atomic_block and any(
        entry[1] is pending for entry in connection.run_on_commit
    ):
        return

    def enqueue():
        connection.pdfs_rebuild_pending = None  # the next transaction queues its own
        rebuild_after_change.enqueue()

    connection.pdfs_rebuild_pending = enqueue
    transaction.on_commit(enqueue, using=using, robust=True)


def _rebuild_when_scheduled_text_takes_effect():
    """No scheduler runs at midnight, so the job asks to run again when the next scheduled
    chapter or local information takes effect (once per day, however many jobs ask)."""
    today = selectors.today()
    days = [
        ChapterVersion.objects.scheduled().aggregate(day=Min("effective_date"))["day"],
        LocalInformation.objects.filter(effective_date__gt=today).aggregate(
            day=Min("effective_date")
        )["day"],
    ]
    days = [day for day in days if day is not None]
    if not days:
        return
    day = min(days)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 1)))
    seconds_until = (start - timezone.now()).total_seconds()
    if cache.add(f"pdfs:rebuild-on:{day.isoformat()}", True, timeout=int(seconds_until) + 86400):
        rebuild_after_change.using(run_after=start).enqueue()
