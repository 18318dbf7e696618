"""The rules a chapter version must satisfy, whoever writes it.

`check_version` is asked by the content reader (files), the admin draft form and publishing,
so a rule is written, worded and tested once. It returns structured problems (see
`procedures.problems`); each caller says where they are (a file's line, a form field).
"""

import datetime
import re
from collections.abc import Container, Mapping

from procedures import routes
from procedures.cross_links import SLUG
from procedures.problems import Problem
from procedures.records import VersionRecord
from procedures.rendering import LinkTarget, Rendered, render_markdown
from procedures.versioning import rules
from procedures.versioning.rules import day

__all__ = ["check_version", "day"]

CHAPTER_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


def check_version(
    record: VersionRecord,
    *,
    rendered: Rendered | None = None,
    targets: Mapping[str, LinkTarget] | None = None,
    previous=None,
    parts: Container[int] | None = None,
    releases: Container[str] | None = None,
    slug_owner: str = "",
    is_latest: bool = True,
    today: datetime.date | None = None,
) -> tuple[Rendered, list[Problem]]:
    """Render `record`'s text (unless `rendered` is given) and list every problem with it.

    What is known about the rest of the manual is passed in, and only what is passed is
    checked: `targets` (chapters that cross-links, related chapters and replacements may name),
    `previous` (the chapter's latest version: its number and effective date), `parts` and
    `releases` (names that exist), `slug_owner` (the current slug of another chapter that owns
    the record's slug). `is_latest` is False for an older version in the files, which may link
    to a section removed since. `today` is given when the version is about to be published:
    its next review date may not have passed (history loaded from files keeps its dates).
    """
    if rendered is None:
        rendered = render_markdown(record.body, targets=targets, slug=record.slug)
    problems = [*_field_problems(record, targets, previous, parts, releases, slug_owner, today)]
    for problem in rendered.problems:
        if record.withdrawn and problem.code == "empty_body":
            continue  # a withdrawal has no text
        if not is_latest and problem.code == "unknown_section":
            continue  # history cannot change; its link still leads to the chapter
        problems.append(problem)
    return rendered, problems


def _field_problems(record, targets, previous, parts, releases, slug_owner, today=None):
    if not record.title.strip():
        yield Problem("empty_title", "the title is empty", "write the chapter title", "title")
    number = record.chapter_number
    if not CHAPTER_NUMBER.match(number):
        yield Problem(
            "chapter_number_format",
            f"chapter number '{number}' should look like 2.5",
            field="chapter_number",
        )
    elif number.split(".")[0] != str(record.part):
        yield Problem(
            "chapter_in_wrong_part",
            f"chapter {number} should be in part {number.split('.')[0]}, not part {record.part}",
            field="chapter_number",
        )
    if parts is not None and record.part not in parts:
        yield Problem(
            "unknown_part", f"part {record.part} is not listed in manual.yaml", field="part"
        )
    if not SLUG.match(record.slug):
        yield Problem(
            "slug_format",
            f"the web address (slug) '{record.slug}' should be lowercase words joined by "
            "hyphens, e.g. online-safety",
            field="slug",
        )
    elif slug_owner:
        yield Problem(
            "slug_taken",
            f"the web address '{record.slug}' is (or was) the address of the chapter now at "
            f"/chapters/{slug_owner}/",
            "addresses are never reused: choose another",
            "slug",
        )
    if record.number == 1 and record.minor:
        yield Problem(
            "minor_new_chapter", "a new chapter cannot be a minor correction", "", "minor"
        )
    if record.number == 1 and record.withdrawn:
        yield Problem("withdrawn_new_chapter", "a new chapter cannot be withdrawn", "", "withdrawn")
    if record.minor and record.withdrawn:
        yield Problem("minor_withdrawal", "a withdrawal cannot be a minor correction", "", "minor")
    yield from rules.missing_summary(record.summary, minor=record.minor)
    if record.withdrawn and not record.withdrawn_reason:
        yield Problem(
            "missing_withdrawal_reason",
            "a withdrawal needs a reason",
            "say why the chapter is withdrawn",
            "withdrawn_reason",
        )
    if record.replaced_by:
        if record.replaced_by == record.slug:
            yield Problem(
                "replaced_by_itself",
                "a withdrawn chapter cannot be replaced by itself",
                "choose another chapter",
                "replaced_by",
            )
        elif targets is not None and record.replaced_by not in targets:
            yield Problem(
                "unknown_replacement",
                f"replaced_by chapter '{record.replaced_by}' does not exist",
                "check the slug",
                "replaced_by",
            )
    if targets is not None:
        for slug in record.related:
            if slug not in targets and slug != record.slug:
                yield Problem(
                    "unknown_related",
                    f"related chapter '{slug}' does not exist",
                    "check the slug",
                    "related",
                )
    if releases is not None and record.release and record.release not in releases:
        yield Problem(
            "unknown_release",
            f"release '{record.release}' is not listed in manual.yaml",
            field="release",
        )
    if (problem := rules.follows(previous, record)) is not None:
        yield problem
    if previous is not None and record.minor:
        yield from rules.not_minor(
            routes.changes(getattr(previous, "routes", ()), record.routes), minor=True
        )
    if today is not None:
        # About to be published: its routes name contacts that exist now (the reader of a
        # content tree checks them against the tree's files), and it says when it will next
        # be reviewed (history loaded from files keeps its dates).
        for slug in routes.unknown(record.routes):
            yield Problem(
                "unknown_route",
                f"route '{slug}' is not a contact: name a national contact by its slug or a "
                "partnership's contact by its kind (front-door, out-of-hours, lado, prevent...)",
                field="routes",
            )
        yield from rules.review_date(
            record.review_date, record.no_review_reason, today=today, withdrawn=record.withdrawn
        )
