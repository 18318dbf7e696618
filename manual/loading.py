"""Store a validated content tree in the database, all or nothing: the chapters (the core's
loader), then partnerships, contacts and local information, then the glossary, in one
transaction. Loading the same tree twice changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from glossary.loading import load_glossary
from partnerships.loading import load_partnership_content
from procedures import loading
from procedures.content import ContentInvalid

from .content import Manual


@dataclass
class LoadReport(loading.LoadReport):
    # (partnership, chapter, number) of each local information version stored
    local_added: list[tuple[str, str, int]] = field(default_factory=list)
    glossary_added: list[tuple[str, int]] = field(default_factory=list)  # (entry, number)

    @property
    def changed_anything(self):
        return bool(super().changed_anything or self.local_added or self.glossary_added)


def load_manual(
    manual: Manual, *, progress: Callable[[int, int], None] | None = None
) -> LoadReport:
    """Store everything in `manual` that is not stored yet, in one transaction."""
    report = LoadReport()
    errors = []
    with transaction.atomic():
        loading.load_chapters(manual, report=report, errors=errors, progress=progress)
        report.local_added = load_partnership_content(manual, errors)
        report.glossary_added = load_glossary(manual.glossary, errors)
        if errors:
            raise ContentInvalid(errors)
    return report
