import datetime

import pytest

from feedback import reading_figures
from tests.partnerships.conftest import write_partnership

BUSINESS_UNIT = """\
  - kind: business-unit
    name: "Northmoor business unit"
    email: "procedures@northmoor.example"
"""


@pytest.fixture
def reported_manual(manual, db):
    """Online safety in two versions (2 is current), and two partnerships: Northmoor has a
    business unit address, Eastbrook has none."""
    manual.chapter("online-safety", "## Grooming {#grooming}\n\nText.\n", number="2.5")
    manual.chapter(
        "online-safety",
        "## Grooming {#grooming}\n\nNew text.\n",
        number="2.5",
        version=2,
        effective=datetime.date(2024, 6, 1),
        summary="Updated.",
    )
    manual.chapter("bullying", "## Bullying {#bullying}\n\nText.\n", number="2.1")
    write_partnership(
        manual.root,
        "northmoor",
        "Northmoor",
        front_door="01632 960001",
        out_of_hours="01632 960002",
        extra=BUSINESS_UNIT,
    )
    write_partnership(
        manual.root, "eastbrook", "Eastbrook", front_door="0113 496 0001", out_of_hours="0113 4960"
    )
    manual.load()
    return manual


@pytest.fixture
def read_counter(monkeypatch):
    """A fresh in-memory read counter with no flushing thread: the test flushes it."""
    counter = reading_figures.ReadCounter()
    monkeypatch.setattr(counter, "_start", lambda: None)
    monkeypatch.setattr(reading_figures, "reads", counter)
    return counter
