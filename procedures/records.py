"""One record of a chapter version's data, with every conversion it goes through.

A version reaches the database from a content file (the loader) or from an admin draft
(publishing), and leaves it again as a content file (export), as one side of a diff, or for
comparison with a file. Each of those is a conversion here, driven by one table of fields
(`FIELDS`), so a new field is added in this module and the model (plus its migration).
"""

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from procedures.diffing import Side, diff_chapter
from procedures.problems import Problem
from procedures.rendering import Rendered, source_hash
from procedures.source_checks import CONTROL

NEW, UPDATED, MINOR, WITHDRAWN = "new", "updated", "minor", "withdrawn"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Front matter values that fit the database's columns: longer text or larger numbers are
# problems in the file, never an error from the database halfway through a load.
MAX_TEXT = {"chapter": 20, "slug": 120, "title": 300, "replaced_by": 120, "release": 200}
MAX_NUMBER = 2**31


@dataclass(frozen=True)
class Field:
    """A front-matter field of a content file and the record attribute it fills."""

    key: str  # as written in the file
    attr: str  # VersionRecord attribute
    kind: str  # text, int, date, bool, slugs
    what: str  # what to write, for messages
    required: bool = False
    always_written: bool = False  # exported even when empty or false


FIELDS = (
    Field("chapter", "chapter_number", "text", 'the chapter number in quotes, e.g. chapter: "2.5"',
          required=True, always_written=True),
    Field("slug", "slug", "text",
          "the chapter's address: lowercase words joined by hyphens, e.g. online-safety",
          required=True, always_written=True),
    Field("title", "title", "text", "the chapter title", required=True, always_written=True),
    Field("part", "part", "int", "the number of a part listed in manual.yaml, e.g. part: 2",
          required=True, always_written=True),
    Field("version", "number", "int", "the version number: 1 for the first, then 2, 3, ...",
          required=True, always_written=True),
    Field("effective", "effective_date", "date",
          "the date this version takes effect, as YYYY-MM-DD", required=True, always_written=True),
    Field("summary", "summary", "text", "what changed in this version, in plain words",
          required=True, always_written=True),
    Field("related", "related", "slugs",
          "a list of related chapter slugs, e.g. related: [bullying, referrals]",
          always_written=True),
    Field("review", "review_date", "date", "the next review date, as YYYY-MM-DD"),
    Field("sample", "is_sample", "bool",
          "true for sample content written for demonstration, else false", always_written=True),
    Field("minor", "minor", "bool",
          "true for a minor correction (typo, link) that practitioners need not re-read"),
    Field("withdrawn", "withdrawn", "bool", "true when this version withdraws the chapter"),
    Field("withdrawn_reason", "withdrawn_reason", "text", "why the chapter was withdrawn"),
    Field("replaced_by", "replaced_by", "text", "the slug of the chapter to read instead"),
    Field("release", "release", "text",
          "the name of the release (from manual.yaml) this version belongs to"),
    Field("routes", "routes", "slugs",
          "a list of national contacts (slugs from national-contacts.yaml) for 'What to do "
          "now', e.g. routes: [ceop, report-remove]"),
)  # fmt: skip
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

# Draft model field -> record attribute, where the names differ (the admin form shows a
# record's problems next to these fields).
DRAFT_FIELD_OF = {"withdrawn": "withdraw", "number": "based_on"}


@dataclass(frozen=True)
class VersionRecord:
    slug: str
    number: int
    chapter_number: str
    title: str
    part: int
    effective_date: datetime.date
    summary: str
    body: str
    related: tuple[str, ...] = ()
    review_date: datetime.date | None = None
    is_sample: bool = False
    minor: bool = False
    withdrawn: bool = False
    withdrawn_reason: str = ""
    replaced_by: str = ""
    release: str = ""
    routes: tuple[str, ...] = ()
    # Where it came from, for messages: the file and the lines of its fields and its body.
    path: str = ""
    body_line: int = 1
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    rendered: Rendered | None = field(default=None, compare=False, repr=False)

    @property
    def change(self):
        if self.withdrawn:
            return WITHDRAWN
        if self.number == 1:
            return NEW
        return MINOR if self.minor else UPDATED

    def line_of(self, attr):
        """The file line of a field (by record attribute), 1 when unknown."""
        if attr == "body":
            return self.body_line
        key = next((f.key for f in FIELDS if f.attr == attr), attr)
        return self.field_lines.get(key, 1)

    def front_matter_values(self):
        """Field key -> value as the hash and the content files hold it."""
        values = {}
        for spec in FIELDS:
            value = getattr(self, spec.attr)
            if spec.kind == "date":
                value = value.isoformat() if value else None
            elif spec.kind == "slugs":
                value = list(value)
            values[spec.key] = value
        return values

    @cached_property
    def source_hash(self):
        """Identity of the version's text and metadata, independent of file formatting."""
        values = self.front_matter_values()
        metadata = {
            "chapter": values["chapter"],
            "slug": values["slug"],
            "title": values["title"],
            "part": values["part"],
            "version": values["version"],
            "effective": values["effective"],
            "summary": values["summary"],
            "change": self.change,
            "related": values["related"],
            "review": values["review"],
            "sample": values["sample"],
            "withdrawn_reason": values["withdrawn_reason"],
            "replaced_by": values["replaced_by"],
        }
        if values["routes"]:  # only when set, so versions stored before keep their hashes
            metadata["routes"] = values["routes"]
        return source_hash(json.dumps(metadata, sort_keys=True) + "\n" + self.body)

    # --- conversions out ----------------------------------------------------------------------

    def stored_fields(self) -> dict:
        """The ChapterVersion columns this record fills (relations are resolved by the caller:
        chapter, part, related, replaced_by, release)."""
        return {
            "number": self.number,
            "change": self.change,
            "chapter_number": self.chapter_number,
            "title": self.title,
            "effective_date": self.effective_date,
            "summary": self.summary,
            "review_date": self.review_date,
            "is_sample": self.is_sample,
            "withdrawn_reason": self.withdrawn_reason,
            "source": self.body,
            "source_hash": self.source_hash,
            "source_file": self.path,
            "routes": list(self.routes),
        }

    def front_matter(self, *, quote, slug) -> list[str]:
        """The content file's front matter lines (export), given how to write a YAML string
        and a slug."""
        lines = []
        for spec, value in zip(FIELDS, self.front_matter_values().values(), strict=True):
            if not value and not spec.always_written:
                continue
            if spec.kind == "bool":
                text = "true" if value else "false"
            elif spec.kind == "slugs":
                text = f"[{', '.join(map(slug, value))}]"
            elif spec.kind in ("int", "date"):
                text = str(value)
            elif spec.key in ("slug", "replaced_by"):
                text = slug(value)
            else:
                text = quote(value)
            lines.append(f"{spec.key}: {text}")
        return lines

    def side(self, *, label: str, html: str, part_title: str = "") -> Side:
        """This record as one side of a diff."""
        return Side(
            label=label,
            chapter_number=self.chapter_number,
            title=self.title,
            part=f"{self.part} {part_title}".strip(),
            effective_date=self.effective_date,
            html=html,
            review_date=self.review_date,
            related=tuple(sorted(self.related)),
            withdrawn=self.withdrawn,
            withdrawn_reason=self.withdrawn_reason,
            replaced_by=self.replaced_by,
            slug=self.slug,
        )

    # --- conversions in -----------------------------------------------------------------------

    @classmethod
    def from_version(cls, version) -> "VersionRecord":
        """A stored ChapterVersion (with its chapter, part, related, replaced_by, release)."""
        return cls(
            slug=version.chapter.slug,
            number=version.number,
            chapter_number=version.chapter_number,
            title=version.title,
            part=version.part.number,
            effective_date=version.effective_date,
            summary=version.summary,
            body=version.source,
            related=tuple(sorted(chapter.slug for chapter in version.related.all())),
            review_date=version.review_date,
            is_sample=version.is_sample,
            minor=version.change == MINOR,
            withdrawn=version.change == WITHDRAWN,
            withdrawn_reason=version.withdrawn_reason,
            replaced_by=version.replaced_by.slug if version.replaced_by_id else "",
            release=version.release.name if version.release_id else "",
            routes=tuple(version.routes or ()),
            path=version.source_file,
        )

    @classmethod
    def from_draft(cls, draft, *, previous, release, today, related=None) -> "VersionRecord":
        """What publishing `draft` would store after `previous` (the chapter's latest version,
        None for a new chapter). `related` overrides the draft's own (an unsaved form)."""
        if draft.minor and previous is not None:
            effective = previous.effective_date  # a correction keeps the date practitioners know
        else:
            effective = (
                draft.effective_date or (release.effective_date if release else None) or today
            )
        chapter = draft.chapter if draft.chapter_id else None
        if related is None:
            related = draft.related.all() if draft.pk else []
        return cls(
            slug=(draft.slug or "").strip() or (chapter.slug if chapter else ""),
            number=previous.number + 1 if previous else 1,
            chapter_number=draft.chapter_number.strip(),
            title=draft.title.strip(),
            part=draft.part.number if draft.part_id else 0,
            effective_date=effective,
            # Every version says something in the history, even a typo fix nobody described.
            summary=draft.summary.strip() or ("Minor correction." if draft.minor else ""),
            body="\n" if draft.withdraw else normalise_body(draft.body),
            related=tuple(sorted(c.slug for c in related if c.pk != draft.chapter_id)),
            review_date=draft.review_date,
            is_sample=previous.is_sample if previous else False,
            minor=draft.minor,
            withdrawn=draft.withdraw,
            withdrawn_reason=draft.withdrawn_reason.strip() if draft.withdraw else "",
            replaced_by=draft.replaced_by.slug if draft.withdraw and draft.replaced_by else "",
            release=release.name if release else "",
            # Not edited in the admin yet: a new version keeps the chapter's routes.
            routes=tuple(previous.routes or ()) if previous else (),
        )

    @classmethod
    def from_front_matter(cls, meta, *, body, path, body_line, field_lines):
        """A content file's parsed front matter. Returns (record or None, problems)."""
        problems = []

        def fail(key, code, message):
            problems.append(Problem(code, message, field=FIELDS_BY_KEY[key].attr))

        for key in meta:
            if key not in FIELDS_BY_KEY:
                problems.append(
                    Problem(
                        "unknown_field",
                        f"unknown field '{key}'",
                        f"the fields are: {', '.join(FIELDS_BY_KEY)}",
                        field=key,
                    )
                )
        values = {}
        for spec in FIELDS:
            raw = meta.get(spec.key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if spec.required:
                    fail(
                        spec.key,
                        "missing_field",
                        f"front matter is missing '{spec.key}': {spec.what}",
                    )
                continue
            if spec.kind == "text":
                text = str(raw).strip()
                if CONTROL.search(text):
                    fail(spec.key, "control_character", f"'{spec.key}' holds a control character")
                elif len(text) > MAX_TEXT.get(spec.key, len(text)):
                    most = MAX_TEXT[spec.key]
                    fail(spec.key, "too_long", f"'{spec.key}' is longer than {most} characters")
                else:
                    values[spec.attr] = text
            elif spec.kind == "int":
                if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw < MAX_NUMBER:
                    fail(spec.key, "not_a_number", f"'{spec.key}' should be {spec.what}")
                else:
                    values[spec.attr] = raw
            elif spec.kind == "date":
                try:
                    values[spec.attr] = as_date(raw)
                except (TypeError, ValueError, OverflowError):
                    shown = str(raw)[:40]
                    fail(spec.key, "not_a_date", f"'{shown}' is not a date; {spec.what}")
            elif spec.kind == "bool":
                if not isinstance(raw, bool):
                    fail(spec.key, "not_true_or_false", f"'{spec.key}' should be true or false")
                else:
                    values[spec.attr] = raw
            elif spec.kind == "slugs":
                if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                    fail(spec.key, "not_a_list", spec.what)
                else:
                    values[spec.attr] = tuple(raw)
        if problems:
            return None, problems
        return cls(**values, body=body, path=path, body_line=body_line, field_lines=field_lines), []


def as_date(value) -> datetime.date:
    """A date, or its YYYY-MM-DD text. Raises ValueError for anything else, including a day
    that does not exist (2025-02-30)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    return datetime.date.fromisoformat(text)


def normalise_body(body: str) -> str:
    """The body as the content files hold it, so an export reads back identically."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(lines).strip("\n") + "\n"


def side_of_version(version) -> Side:
    """A stored version as one side of a diff (reads its related chapters)."""
    return VersionRecord.from_version(version).side(
        label=f"Version {version.number}", html=version.html, part_title=version.part.title
    )


def diff_versions(old, new):
    """What changed from stored version `old` (None for a first version) to `new`."""
    return diff_chapter(side_of_version(old) if old else None, side_of_version(new))
