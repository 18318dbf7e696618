"""The rules every versioned kind keeps, each with one code and one wording.

Chapters, local information, contacts and the glossary ask these; the content readers (files),
the admin forms and the publish actions turn the problems into a file's line or a form's
field. Rules particular to a kind (a chapter's number, a contact's phone) live with the kind.
"""

import datetime

from procedures.problems import Problem


def day(value: datetime.date) -> str:
    """'7 December 2026', as every message writes a date."""
    return f"{value.day} {value:%B %Y}"


def numbering(numbers, *, what: str) -> Problem | None:
    """Versions count 1, 2, 3 without gaps (`numbers` as found, in any order)."""
    found = sorted(numbers)
    if not found or found == list(range(1, len(found) + 1)):
        return None
    missing = sorted(set(range(1, max(found) + 1)) - set(found))
    twice = sorted({n for n in found if found.count(n) > 1})
    return Problem(
        "version_gap",
        f"{what} has versions {found} "
        + (
            f"but no version {', '.join(map(str, missing))}"
            if missing
            else f"with version {', '.join(map(str, twice))} twice"
        ),
        "versions count 1, 2, 3 without gaps",
        "number",
    )


def date_order(*, number, effective_date, previous_number, previous_date) -> Problem | None:
    """A later version takes effect on the same day as the one before it, or later."""
    if previous_date is None or effective_date >= previous_date:
        return None
    return Problem(
        "effective_before_previous",
        f"version {number} would take effect on {day(effective_date)}, before version "
        f"{previous_number} ({day(previous_date)})",
        "dates never go backwards: a later version takes effect on that day or later",
        "effective_date",
    )


def follows(previous, version) -> Problem | None:
    """`date_order` for a version after `previous` (None: it is the first): both have a
    number and an effective date."""
    if previous is None:
        return None
    return date_order(
        number=version.number,
        effective_date=version.effective_date,
        previous_number=previous.number,
        previous_date=previous.effective_date,
    )


def dates_in_order(versions):
    """(version, problem) for each version of a run, in number order, that takes effect
    before the one before it."""
    return [
        (later, problem)
        for earlier, later in zip(versions, versions[1:], strict=False)
        if (problem := follows(earlier, later)) is not None
    ]


def stored_version_changed(number: int, *, where: str = "") -> Problem:
    """A version, once stored, never changes: what differs belongs in the next version."""
    return Problem(
        "stored_version_changed",
        f"version {number} is already stored{f' ({where})' if where else ''} with different "
        "content",
        f"stored versions never change: put the change in version {number + 1}",
        "number",
    )


def review_date(
    review: datetime.date | None, reason: str = "", *, today: datetime.date, withdrawn=False
) -> list[Problem]:
    """A version about to be published says when it will next be reviewed (a day not yet
    passed), or records why it has no review date. A withdrawal is never reviewed."""
    if withdrawn:
        return []
    if review is None:
        if reason.strip():
            return []
        return [
            Problem(
                "missing_review_date",
                "there is no next review date",
                "choose when this version will next be reviewed, or say why it has none",
                "review_date",
            )
        ]
    if review < today:
        return [
            Problem(
                "review_date_past",
                f"the next review date ({day(review)}) has already passed",
                "choose when this version will next be reviewed: today or later",
                "review_date",
            )
        ]
    return []


def missing_summary(summary: str, *, minor: bool = False) -> list[Problem]:
    """Every version says what changed (a minor correction may say nothing: it reads
    'Minor correction.')."""
    if summary.strip() or minor:
        return []
    return [
        Problem(
            "missing_summary",
            "the amendment summary is empty",
            "say what changed, in plain words" + ("" if minor else ", or mark the change minor"),
            "summary",
        )
    ]


def not_minor(changes: list[str], *, minor: bool) -> list[Problem]:
    """A change to whom to call or where to report is never a minor correction: `changes`
    describes each such change ("adds CEOP to What to do now")."""
    if not minor or not changes:
        return []
    return [
        Problem(
            "minor_changes_routes",
            "a change to whom to call or where to report is not a minor correction ("
            + "; ".join(changes)
            + ")",
            "untick 'minor correction' and say what changed: practitioners must be told",
            "minor",
        )
    ]
