"""What a PDF shows, gathered in one read, and the fingerprint of exactly that.

The fingerprint is taken from the same rows the PDF is typeset from, so a PDF can never be
filed under a state of the manual it does not show. The download views gather without the
texts (a few small queries) to find the PDF for the manual as it stands now.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string

from partnerships import printouts
from partnerships import selectors as partnership_selectors
from partnerships.models import ContactsVersion, LocalInformation, Partnership
from partnerships.page import insert_after_section
from pdfs.models import PdfFile
from procedures import review_dates, selectors
from procedures.models import ChapterVersion

# Raise when the PDF templates or stylesheet change, so every PDF is built again.
# 2: sample and reconstructed versions say so; 3: a partnership's pages name its local
# information and contacts versions and carry its check address, and versions to come and
# overdue reviews are said.
LAYOUT = 3
CHAPTER_LINK = re.compile(r'href="/chapters/')
ANCHOR = re.compile(r'\bid="')


@dataclass
class Entry:
    """One chapter in a PDF: its version and its text with any local information boxed in,
    and what a reader must know of it on the day the PDF is built: versions to come (of the
    text, the local information, the contacts) and a review that is overdue."""

    version: ChapterVersion
    local: LocalInformation | None = None
    html: str = ""
    check_path: str = ""
    footer: str = ""  # the partnership's line of the running footer
    coming: list[str] = field(default_factory=list)
    review_overdue_since: datetime.date | None = None

    def notices(self) -> list:
        """What the notices say, for the fingerprint."""
        overdue = self.review_overdue_since
        return [self.coming, overdue.isoformat() if overdue else None]


@dataclass
class Document:
    kind: str
    partnership: Partnership | None
    entries: list[Entry]
    urgent_contacts: list = field(default_factory=list)
    contacts: ContactsVersion | None = None  # the partnership's contacts version shown
    # For a chapter PDF: "current", "superseded" or "scheduled", and the current version.
    status: str = "current"
    current: ChapterVersion | None = None

    @property
    def version(self):
        return self.entries[0].version if self.kind == PdfFile.Kind.CHAPTER else None

    def parts(self):
        """(part, entries) in contents order."""
        grouped = {}
        for entry in self.entries:
            part = entry.version.part
            grouped.setdefault(part.number, (part, []))[1].append(entry)
        return list(grouped.values())

    def manifest(self) -> dict:
        """Everything the PDF shows that can change: what it was built from."""
        partnership = self.partnership
        return {
            "layout": LAYOUT,
            "kind": self.kind,
            "title": settings.PORTAL_NAME,
            "base_url": settings.PORTAL_BASE_URL,
            "partnership": [partnership.slug, partnership.name] if partnership else None,
            "contacts": [[c.kind, c.name, c.phone, c.hours] for c in self.urgent_contacts],
            "chapters": [
                [
                    e.version.chapter.slug,
                    e.version.number,
                    e.version.pk,
                    e.version.part.number,
                    e.version.part.title,
                ]
                for e in self.entries
            ],
            "local": [
                [e.version.chapter.slug, e.local.number, e.local.pk]
                for e in self.entries
                if e.local
            ],
            "contacts_version": [self.contacts.number, self.contacts.pk] if self.contacts else None,
            "notices": [[e.version.chapter.slug, *e.notices()] for e in self.entries],
            "status": self.status,
            "current": self.current.number if self.current else None,
        }

    def fingerprint(self) -> str:
        text = json.dumps(self.manifest(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def manual(*, partnership=None, on: datetime.date | None = None, with_text=True) -> Document:
    """Every chapter current on the day (today), with the partnership's local information."""
    versions = selectors.current_versions(on)
    if not with_text:
        versions = versions.defer("source", "html")
    local = {}
    if partnership is not None:
        for item in partnership_selectors.current_local_information(partnership, on=on):
            local[item.chapter_id] = item
    entries = [Entry(version=v, local=local.get(v.chapter_id)) for v in versions]
    return _finished(PdfFile.Kind.MANUAL, partnership, entries, with_text, on=on)


def chapter(*, version: ChapterVersion, partnership=None, with_text=True) -> Document:
    """One version of a chapter, with the partnership's local information as of today."""
    local = partnership_selectors.local_information(partnership, version.chapter)
    current = selectors.current_version(version.chapter)
    if version.effective_date > selectors.today():
        status = "scheduled"
    elif current is not None and current.pk == version.pk:
        status = "current"
    else:
        status = "superseded"
    document = _finished(
        PdfFile.Kind.CHAPTER,
        partnership,
        [Entry(version=version, local=local)],
        with_text,
        in_force=status == "current",
    )
    document.status, document.current = status, current
    return document


def _finished(kind, partnership, entries, with_text, *, on=None, in_force=True):
    on = on or selectors.today()
    contacts = partnership_selectors.contacts_version(partnership, on=on) if partnership else None
    _add_notices(entries, partnership, contacts, on=on, in_force=in_force)
    for entry in entries:
        shown = printouts.Shown(partnership=partnership, local=entry.local, contacts=contacts)
        entry.footer = shown.footer() if partnership is not None else ""
        entry.check_path = printouts.check_path(entry.version, partnership, facts=shown)
        if with_text:
            entry.html = _body(entry, partnership)
    return Document(
        kind=kind,
        partnership=partnership,
        entries=entries,
        urgent_contacts=partnership_selectors.urgent_contacts(partnership, on=on),
        contacts=contacts,
    )


def _add_notices(entries, partnership, contacts, *, on, in_force):
    """Versions still to come and overdue reviews, in a few queries for the whole manual.
    `in_force`: the entries' versions are those in force (not a superseded or scheduled
    version's PDF, which says so instead)."""
    chapter_ids = [e.version.chapter_id for e in entries]
    local_coming, contacts_coming = {}, []
    if partnership is not None:
        scheduled = LocalInformation.objects.filter(
            partnership=partnership, chapter_id__in=chapter_ids
        ).scheduled(after=on)
        for item in scheduled.order_by("effective_date", "number"):
            local_coming.setdefault(item.chapter_id, []).append(
                f"Local information version {item.number} takes effect on "
                f"{_day(item.effective_date)}."
            )
        contacts_coming = [
            f"{partnership.name}'s contacts version {item.number} takes effect on "
            f"{_day(item.effective_date)}: {item.summary}"
            for item in ContactsVersion.objects.of(partnership=partnership)
            .scheduled(after=on)
            .order_by("effective_date", "number")
        ]
    text_coming, due = {}, {}
    if in_force:
        later = ChapterVersion.objects.scheduled(after=on).filter(chapter_id__in=chapter_ids)
        for item in later.only("chapter_id", "number", "effective_date").order_by("number"):
            text_coming.setdefault(item.chapter_id, []).append(
                f"Version {item.number} takes effect on {_day(item.effective_date)}."
            )
        shown = review_dates.with_next_review(
            ChapterVersion.objects.filter(pk__in=[e.version.pk for e in entries])
        ).values_list("pk", "next_review")
        due = dict(shown)
    for entry in entries:
        chapter = entry.version.chapter_id
        entry.coming = text_coming.get(chapter, []) + local_coming.get(chapter, [])
        entry.coming += contacts_coming
        if in_force:
            entry.review_overdue_since = review_dates.overdue_since(
                entry.version, due.get(entry.version.pk), on=on
            )


def _day(value):
    return f"{value.day} {value:%B %Y}"


def _body(entry, partnership):
    html = entry.version.html if not entry.version.is_withdrawn else ""
    if partnership is not None:
        # Cross-links lead to the same partnership's pages, as they do on its chapter pages.
        html = CHAPTER_LINK.sub(f'href="/p/{partnership.slug}/chapters/', html)
    if entry.local is not None:
        box = render_to_string(
            "partnerships/local_box.html", {"local": entry.local, "partnership": partnership}
        )
        html = insert_after_section(html, entry.local.section, box)
    # Chapters share section names ("responding"): in one document each keeps its own.
    return ANCHOR.sub(f'id="{entry.version.chapter.slug}--', html)
