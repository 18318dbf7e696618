"""An urgent correction ahead of a scheduled version: what becomes of the scheduled one.

A correction may take effect (today or later) before versions already scheduled. Each of
those is then carried forward onto it when the two change different lines (a three-way merge:
the version in force, the correction, the scheduled text), or sent back for review where they
change the same lines. The review page shows the plan and the approval covers it; publishing
follows it (`storing.store_next` moves the scheduled versions out of the way).
"""

import hashlib
from dataclasses import dataclass

from procedures.merging import merge3
from procedures.versioning.models import today
from procedures.versioning.rules import day


@dataclass(frozen=True)
class CarryForward:
    """A scheduled version and its fate: `merged` (its text with the correction's changes),
    or None when it is sent back for review."""

    scheduled: object
    merged: str | None
    summary: str

    @property
    def sent_back(self):
        return self.merged is None

    def identity(self):
        """What an approval covers of the plan."""
        return (self.scheduled.number, hashlib.sha256((self.merged or "").encode()).hexdigest())


def plan(previous, *, number, effective_date, text, text_of, mergeable=True):
    """For a version `number` with `text`, taking effect on `effective_date`, after
    `previous` (the thing's newest version): the version in force on that date, which it
    corrects, and a CarryForward for each version scheduled after it. (None, []) when it goes
    before nothing (or would take effect in the past: the date order rule refuses that).
    `text_of(version)` is a version's text; `mergeable` False sends every one back."""
    if previous is None or effective_date >= previous.effective_date or effective_date < today():
        return None, []
    versions = previous.siblings()
    corrects = versions.valid_on(effective_date).first()
    if corrects is None:
        return None, []
    plans, base, ours = [], text_of(corrects), text
    for version in versions.scheduled(after=effective_date).order_by("number"):
        theirs = text_of(version)
        merged = merge3(base, ours, theirs) if mergeable and ours is not None else None
        summary = (
            f"{version.summary} Carried forward onto version {number}, the correction in "
            f"force from {day(effective_date)}, whose changes it keeps."
        )
        plans.append(CarryForward(version, merged, summary))
        base, ours = theirs, merged
    return corrects, plans


def plan_for(previous, record):
    """`plan` for a record whose markdown body becomes a version's `source`."""
    return plan(
        previous,
        number=record.number,
        effective_date=record.effective_date,
        text=record.body,
        text_of=lambda version: version.source,
    )
