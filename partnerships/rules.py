"""The rules a partnership's local information keeps beside the versioning kit's (which
every kind keeps): it attaches to a chapter and section that exist, and a number it gives for
one of the partnership's contacts is that contact's number."""

from collections.abc import Container

from procedures.phone_numbers import digits
from procedures.problems import Problem
from procedures.rendering import Rendered, render_markdown
from procedures.source_checks import lines_outside_code
from procedures.versioning import rules

from .vocabulary import kinds_named

MIN_PHONE_DIGITS = 10  # a full UK number (01632 960000); shorter runs are other numbers


def check_local(
    record,
    *,
    anchors: Container[str] | None,
    previous=None,
    contacts=(),
    first_line: int = 1,
) -> tuple[Rendered, list[Problem]]:
    """Render a partnership's local information (a `partnerships.records.LocalRecord`) and
    list its problems: asked by the partnership reader (files), the admin's local drafts and
    publishing. `anchors` are the chapter's section anchors (None: there is no such chapter);
    `previous` is the latest stored version (its number and effective date); `contacts` are
    the partnership's contacts (kind, name and phone), whose numbers the text must agree
    with."""
    rendered = render_markdown(record.body, slug=record.chapter, first_line=first_line)
    problems = rules.missing_summary(record.summary)
    if anchors is None:
        problems.append(
            Problem(
                "unknown_chapter",
                f"there is no chapter '{record.chapter}'",
                "local information lives in local/<chapter-slug>/",
                "chapter",
            )
        )
    elif record.section and record.section not in anchors:
        problems.append(
            Problem(
                "unknown_section",
                f"chapter '{record.chapter}' has no section '{record.section}'",
                "use one of its anchors, or leave 'section' empty to add the text at the end",
                "section",
            )
        )
    if (problem := rules.follows(previous, record)) is not None:
        problems.append(problem)
    problems.extend(rendered.problems)
    problems.extend(contact_number_problems(record.body, contacts, first_line=first_line))
    return rendered, problems


def contact_number_problems(body, contacts, *, first_line=1) -> list[Problem]:
    """A line that names one of the partnership's contacts (the EDT, the front door...) and
    gives a number that is none of its contacts' numbers: the number shown or the contacts
    are out of date, and What to do now would show another number than the text."""
    by_kind = {}
    for contact in contacts:
        if contact.phone:
            by_kind.setdefault(contact.kind, []).append(contact)
    known = {digits(c.phone) for c in contacts if c.phone}
    problems = []
    for number, line in lines_outside_code(body, first_line):
        before, reported, on_the_line = 0, set(), None
        for start, shown in phone_numbers(line):
            if line.startswith("tel:", start - 4):
                continue  # a link's address: its text is checked against it (rendering)
            # The contact a number is for is named in the words just before it (else
            # anywhere on the line: read once, so a line of many numbers stays linear).
            named = [k for k in sorted(kinds_named(line[before:start])) if k in by_kind]
            if not named:
                if on_the_line is None:
                    on_the_line = [k for k in sorted(kinds_named(line)) if k in by_kind]
                named = on_the_line
            before = start + len(shown)
            if not named or digits(shown) in known or digits(shown) in reported:
                continue
            reported.add(digits(shown))
            contact = by_kind[named[0]][0]
            problems.append(
                Problem(
                    "contact_number_mismatch",
                    f"the text gives {shown} for {contact.name}, whose number in the "
                    f"partnership's contacts is {contact.phone}",
                    "correct the number here, or change the contact in 'Details and contacts' "
                    "first, so the text and What to do now agree",
                    "body",
                    number,
                )
            )
    return problems


def phone_numbers(line: str) -> list[tuple[int, str]]:
    """(position, text) of each run of digits (with single spaces between) long enough to be
    a phone number, in one pass over the line."""
    found, start, run_end, count = [], None, None, 0
    for index, char in enumerate(line + "\n"):
        if char.isdigit() or (char == "+" and start is None):
            if start is None:
                start, count = index, 0
            count += char.isdigit()
            run_end = index + 1
        elif (
            char == " "
            and start is not None
            and index + 1 < len(line)
            and line[index + 1].isdigit()
        ):
            continue
        else:
            if start is not None and count >= MIN_PHONE_DIGITS:
                found.append((start, line[start:run_end]))
            start, count = None, 0
    return found
