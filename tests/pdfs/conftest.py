"""PDF tests: the sample manual on a fixed day, the publishing tests' people and drafts, and
a text extractor that reads each page of a PDF as a reader's PDF viewer would."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from tests.publishing.conftest import (  # noqa: F401 (fixtures)
    draft_of,
    editor,
    publisher,
    small_manual,
)

# Online safety version 2 is current on this day and version 3 is still scheduled.
A_DAY = datetime.date(2025, 6, 2)


@pytest.fixture
def on_a_fixed_day(monkeypatch):
    """'Today' is A_DAY for the manual's read rules, whatever the real date."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: A_DAY)
    return A_DAY


@pytest.fixture
def rebuild_after_changes(settings):
    """Changes to the manual queue a PDF rebuild, as in production."""
    settings.PDFS_REBUILD_AFTER_CHANGES = True


def pages_of(content: bytes) -> list[str]:
    """Each page's text, with runs of white space made one space."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
