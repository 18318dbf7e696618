"""Background jobs that build PDFs (django-tasks), run by `manage.py run_worker`: no request
ever waits for a PDF to be typeset.

Every PDF job has a low priority (PDF_PRIORITY), so emails queued after it go first. After any
change to the manual (publishing, loading, an admin edit) one job per transaction works out
which of the manual's PDFs (the whole manual, regional and each partnership's, and each
current chapter's regional PDF) no longer show the manual as it stands, and asks for those
only, one job each (documents are keyed by the fingerprint of all they print, so a document
is asked for once however many changes or readers ask). A day when something the PDFs say
changes by itself (a scheduled version takes effect, a review falls due) gets a job at that
day's start. Anything else (a partnership's chapter PDF, an older version's) is built when a
reader first asks for it.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from partnerships.models import ContactsVersion, LocalInformation, Partnership
from pdfs import building
from pdfs.models import PdfFile
from procedures import review_dates, selectors
from procedures.models import ChapterVersion

MANUAL, CHAPTER = PdfFile.Kind.MANUAL.value, PdfFile.Kind.CHAPTER.value
# Below every email job (django-tasks' default priority is 0; the higher runs first).
PDF_PRIORITY = -50


@task(priority=PDF_PRIORITY)
def build_pdf(kind: str, version_id: int | None = None, partnership_id: int | None = None) -> str:
    return building.build(kind=kind, version_id=version_id, partnership_id=partnership_id)


@task(priority=PDF_PRIORITY)
def rebuild_after_change() -> str:
    """Ask for each of the manual's PDFs that no longer shows the manual as it stands."""
    outcomes = Counter()
    scopes = [{"kind": MANUAL}]
    scopes += [
        {"kind": MANUAL, "partnership": partnership} for partnership in Partnership.objects.all()
    ]
    versions = (
        ChapterVersion.objects.current().select_related("chapter", "part").defer("source", "html")
    )
    scopes += [{"kind": CHAPTER, "version": version} for version in versions]
    for scope in scopes:
        pdf, ask = building.current_pdf(**scope)
        if pdf.is_ready:
            outcomes["up to date"] += 1
        elif ask or (pdf.status == PdfFile.Status.WAITING and pdf.building_since is None):
            # A waiting one too: the reader's job may not have been queued (a request that
            # failed after asking). A second job for it finds it built and does nothing.
            _enqueue(scope)
            outcomes["asked"] += 1
        else:
            outcomes["being built or failed a moment ago"] += 1
    _rebuild_when_something_changes_by_itself()
    return ", ".join(f"{outcome}: {count}" for outcome, count in sorted(outcomes.items()))


def ask_for(*, kind, version=None, partnership=None) -> PdfFile:
    """The PDF of the manual (or chapter version) as it stands now, ready or not; when it is
    not, the worker is asked to build it (once, however many readers ask)."""
    pdf, ask = building.current_pdf(kind=kind, version=version, partnership=partnership)
    if ask:
        scope = {"kind": kind, "version": version, "partnership": partnership}
        transaction.on_commit(lambda: _enqueue(scope))
    return pdf


def _enqueue(scope):
    version, partnership = scope.get("version"), scope.get("partnership")
    build_pdf.enqueue(
        kind=str(scope["kind"]),
        version_id=version.pk if version else None,
        partnership_id=partnership.pk if partnership else None,
    )


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


def next_change_day(today: datetime.date | None = None) -> datetime.date | None:
    """The next day on which what the PDFs say changes with no one publishing anything: a
    chapter, local information or contacts version takes effect, or a version in force
    becomes overdue for review (the day after its review date)."""
    today = today or selectors.today()
    days = [
        ChapterVersion.objects.scheduled(after=today).aggregate(day=Min("effective_date"))["day"],
        LocalInformation.objects.scheduled(after=today).aggregate(day=Min("effective_date"))["day"],
        ContactsVersion.objects.scheduled(after=today).aggregate(day=Min("effective_date"))["day"],
    ]
    due = (
        review_dates.with_next_review(ChapterVersion.objects.valid_on(today))
        .filter(next_review__gte=today)
        .aggregate(day=Min("next_review"))["day"]
    )
    if due is not None:
        days.append(due + datetime.timedelta(days=1))
    days = [day for day in days if day is not None]
    return min(days) if days else None


def _rebuild_when_something_changes_by_itself():
    """No scheduler runs at midnight, so the job asks to run again at the start of the next
    day that changes what the PDFs say (once per day, however many jobs ask)."""
    day = next_change_day()
    if day is None:
        return
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 1)))
    # At least a day: a day already past (a test's fixed 'today') still counts once.
    remember = max(int((start - timezone.now()).total_seconds()), 0) + 86400
    if cache.add(f"pdfs:rebuild-on:{day.isoformat()}", True, timeout=remember):
        rebuild_after_change.using(run_after=start).enqueue()
