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

from partnerships import selectors as partnership_selectors
from partnerships.models import LocalInformation, Partnership
from partnerships.page import insert_after_section
from pdfs.models import PdfFile
from procedures import selectors
from procedures.models import ChapterVersion

# Raise when the PDF templates or stylesheet change, so every PDF is built again.
LAYOUT = 2  # 2: sample and reconstructed versions say so
CHAPTER_LINK = re.compile(r'href="/chapters/')
ANCHOR = re.compile(r'\bid="')


@dataclass
class Entry:
    """One chapter in a PDF: its version and its text with any local information boxed in."""

    version: ChapterVersion
    local: LocalInformation | None = None
    html: str = ""


@dataclass
class Document:
    kind: str
    partnership: Partnership | None
    entries: list[Entry]
    urgent_contacts: list = field(default_factory=list)
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
    return _finished(PdfFile.Kind.MANUAL, partnership, entries, with_text)


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
        PdfFile.Kind.CHAPTER, partnership, [Entry(version=version, local=local)], with_text
    )
    document.status, document.current = status, current
    return document


def _finished(kind, partnership, entries, with_text):
    if with_text:
        for entry in entries:
            entry.html = _body(entry, partnership)
    return Document(
        kind=kind,
        partnership=partnership,
        entries=entries,
        urgent_contacts=partnership_selectors.urgent_contacts(partnership),
    )


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
