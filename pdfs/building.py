"""Find the PDF of the manual as it stands now, ask for it, and build it (in the worker only).

A PDF is filed under the fingerprint of what it shows (documents.py). Asking for one files a
waiting row once per fingerprint, so however many readers ask at once, the worker is asked
once; a row left waiting by a worker that died is asked for again after STALE_AFTER.
"""

import datetime
import logging

from django.db.models import Q
from django.utils import timezone

from partnerships.models import Partnership
from pdfs import documents, failures, typesetting
from pdfs.models import PdfFile
from procedures.models import ChapterVersion

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=10)


def document_for(*, kind, version=None, partnership=None, with_text=True):
    if kind == PdfFile.Kind.MANUAL:
        return documents.manual(partnership=partnership, with_text=with_text)
    return documents.chapter(version=version, partnership=partnership, with_text=with_text)


def current_pdf(*, kind, version=None, partnership=None) -> tuple[PdfFile, bool]:
    """The PDF of the manual (or chapter version) as it stands now, without its bytes, and
    whether the worker must be asked for it (a waiting row is filed for it here)."""
    document = document_for(kind=kind, version=version, partnership=partnership, with_text=False)
    now = timezone.now()
    found, created = _filed(document, now)
    if created:
        return found, True
    if found.is_ready or found.requested_at > now - STALE_AFTER:
        return found, False
    # Waiting too long (its worker died) or failed a while ago: ask once more, and only one
    # of the readers asking at this moment does.
    asked = PdfFile.objects.filter(pk=found.pk, requested_at=found.requested_at).update(
        requested_at=now, status=PdfFile.Status.WAITING
    )
    return found, bool(asked)


def build(*, kind, version_id=None, partnership_id=None) -> str:
    """Typeset and store the PDF of the manual (or chapter version) as it stands now, unless
    it is stored already. Returns what happened, for the job's log."""
    version = partnership = None
    if version_id is not None:
        version = ChapterVersion.objects.select_related("chapter", "part").filter(pk=version_id)
        version = version.first()
        if version is None:
            return "version gone"
    if partnership_id is not None:
        partnership = Partnership.objects.filter(pk=partnership_id).first()
        if partnership is None:
            return "partnership gone"
    document = document_for(kind=kind, version=version, partnership=partnership)
    now = timezone.now()
    pdf, _ = _filed(document, now)
    fingerprint = pdf.fingerprint
    if pdf.is_ready:
        return "up to date"
    claimed = (
        PdfFile.objects.filter(pk=pdf.pk)
        .exclude(status=PdfFile.Status.READY)
        .filter(Q(building_since__isnull=True) | Q(building_since__lt=now - STALE_AFTER))
        .update(building_since=now)
    )
    if not claimed:
        return "another worker is building it"
    try:
        content, pages = typesetting.typeset(document, built_at=now)
    except Exception as error:
        reason = str(error) if isinstance(error, typesetting.LIMITS) else repr(error)
        PdfFile.objects.filter(pk=pdf.pk).update(
            status=PdfFile.Status.FAILED, building_since=None, error=reason[:2000]
        )
        logger.error(
            "event=pdf_failed kind=%s fingerprint=%s reason=%s",
            kind,
            fingerprint[:12],
            type(error).__name__,
            exc_info=not isinstance(error, typesetting.LIMITS),
        )
        failures.tell_managers(pdf_id=pdf.pk)
        return "failed"
    PdfFile.objects.filter(pk=pdf.pk).update(
        status=PdfFile.Status.READY,
        content=content,
        size=len(content),
        pages=pages,
        built_at=now,
        building_since=None,
        error="",
    )
    _forget_older(pdf)
    logger.info(
        "event=pdf_built kind=%s fingerprint=%s pages=%s bytes=%s",
        kind,
        fingerprint[:12],
        pages,
        len(content),
    )
    return "built"


def last_good(pdf: PdfFile) -> PdfFile | None:
    """The newest PDF of the same manual or chapter version (and partnership) that was built
    before `pdf`, without its bytes: served, with a notice, while `pdf` could not be made."""
    if pdf.is_ready:
        return None
    return (
        PdfFile.objects.defer("content")
        .filter(
            kind=pdf.kind,
            version_id=pdf.version_id,
            partnership_id=pdf.partnership_id,
            status=PdfFile.Status.READY,
        )
        .exclude(pk=pdf.pk)
        .order_by("-built_at")
        .first()
    )


def _filed(document, now):
    """The row for the document's fingerprint, filed as waiting if there is none yet."""
    return PdfFile.objects.defer("content").get_or_create(
        fingerprint=document.fingerprint(),
        defaults={
            "kind": document.kind,
            "version": document.version,
            "partnership": document.partnership,
            "manifest": document.manifest(),
            "requested_at": now,
        },
    )


def _forget_older(pdf):
    """PDFs of the same manual or chapter version asked for before this one show an older
    state: they are never served again, so their bytes need not be kept."""
    PdfFile.objects.filter(
        kind=pdf.kind,
        version_id=pdf.version_id,
        partnership_id=pdf.partnership_id,
        requested_at__lt=pdf.requested_at,
    ).exclude(pk=pdf.pk).delete()
