"""One record of a chapter version's data, with every conversion it goes through.

A version reaches the database from a content file (the loader) or from an admin draft
(publishing), and leaves it again as a content file (export), as one side of a diff, or for
comparison with a file. Each of those is a conversion here, driven by one table of fields
(`FIELDS`, read and written by the versioning kit's `fields`), so a new field is a row in the
table, a column in the model and its migration. A field marked `stored` is a column of the
same name on ChapterVersion (and on Draft, where the admin edits it).
"""

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from procedures import routes
from procedures.diffing import Side, diff_chapter
from procedures.rendering import Rendered, source_hash
from procedures.versioning import fields as table
from procedures.versioning.fields import as_date  # noqa: F401 (the readers' date rule)
from procedures.versioning.models import Change

NEW, UPDATED, MINOR, WITHDRAWN = Change.NEW, Change.UPDATED, Change.MINOR, Change.WITHDRAWN


@dataclass(frozen=True)
class Field(table.Field):
    # A column of the same name on ChapterVersion (and on Draft where the admin edits it);
    # the other fields are relations or derived (`change`), converted by hand below.
    stored: bool = True


FIELDS = (
    Field("chapter", "chapter_number", "text", 'the chapter number in quotes, e.g. chapter: "2.5"',
          required=True, always_written=True, max_length=20, hashed="always",
          label="Chapter number"),
    Field("slug", "slug", "text",
          "the chapter's address: lowercase words joined by hyphens, e.g. online-safety",
          required=True, always_written=True, max_length=120, hashed="always", stored=False,
          label="Web address"),
    Field("title", "title", "text", "the chapter title", required=True, always_written=True,
          max_length=300, hashed="always", label="Title"),
    Field("part", "part", "int", "the number of a part listed in manual.yaml, e.g. part: 2",
          required=True, always_written=True, hashed="always", stored=False),
    Field("version", "number", "int", "the version number: 1 for the first, then 2, 3, ...",
          required=True, always_written=True, hashed="always"),
    Field("effective", "effective_date", "date",
          "the date this version takes effect, as YYYY-MM-DD", required=True, always_written=True,
          hashed="always", label="Effective date"),
    Field("summary", "summary", "text", "what changed in this version, in plain words",
          required=True, always_written=True, hashed="always"),
    Field("related", "related", "slugs",
          "a list of related chapter slugs, e.g. related: [bullying, referrals]",
          always_written=True, hashed="always", stored=False),
    Field("review", "review_date", "date", "the next review date, as YYYY-MM-DD",
          hashed="always", label="Next review"),
    Field("no_review", "no_review_reason", "text",
          "why this version has no review date, in plain words", label="Why no review date"),
    Field("sample", "is_sample", "bool",
          "true for sample content written for demonstration, else false", always_written=True,
          hashed="always"),
    Field("minor", "minor", "bool",
          "true for a minor correction (typo, link) that practitioners need not re-read",
          hashed="never", stored=False),
    Field("withdrawn", "withdrawn", "bool", "true when this version withdraws the chapter",
          hashed="never", stored=False),
    Field("withdrawn_reason", "withdrawn_reason", "text", "why the chapter was withdrawn",
          hashed="always", label="Reason for withdrawal"),
    Field("replaced_by", "replaced_by", "text", "the slug of the chapter to read instead",
          max_length=120, hashed="always", stored=False),
    Field("release", "release", "text",
          "the name of the release (from manual.yaml) this version belongs to",
          max_length=200, hashed="never", stored=False),
    Field("routes", "routes", "slugs",
          "whom to call and where to report, in order, for 'What to do now': national contacts "
          "by their slug (from national-contacts.yaml) and a partnership's by kind, e.g. "
          "routes: [lado, ceop, report-remove]"),
)  # fmt: skip
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
STORED = tuple(spec for spec in FIELDS if spec.stored)

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
    no_review_reason: str = ""

    def __post_init__(self):
        # Lists (from a JSON column or a draft) are held as tuples, so records compare and hash.
        for name in ("routes", "related"):
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))

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
        return table.file_values(self, FIELDS)

    @cached_property
    def source_hash(self):
        """Identity of the version's text and metadata, independent of file formatting."""
        metadata = {**table.hashed_values(self, FIELDS), "change": self.change}
        return source_hash(json.dumps(metadata, sort_keys=True) + "\n" + self.body)

    # --- conversions out ----------------------------------------------------------------------

    def stored_fields(self) -> dict:
        """The ChapterVersion columns this record fills (relations are resolved by the caller:
        chapter, part, related, replaced_by, release)."""
        values = {spec.attr: getattr(self, spec.attr) for spec in STORED}
        values["routes"] = list(self.routes)
        return {
            **values,
            "change": self.change,
            "source": self.body,
            "source_hash": self.source_hash,
            "source_file": self.path,
        }

    def front_matter(self, *, quote, slug) -> list[str]:
        """The content file's front matter lines (export), given how to write a YAML string
        and a slug."""
        return table.write_front_matter(
            self, FIELDS, quote=quote, slug=slug, slug_keys=("slug", "replaced_by")
        )

    def side(self, *, label: str, html: str, part_title: str = "") -> Side:
        """This record as one side of a diff: its text, and every labelled field as a detail
        ("what changed" compares them by label)."""
        details = {spec.label: _shown(getattr(self, spec.attr)) for spec in FIELDS if spec.label}
        details["What to do now"] = ", ".join(routes.names(self.routes)) or "none"
        details["Related chapters"] = ", ".join(sorted(self.related)) or "none"
        details["Status"] = "withdrawn" if self.withdrawn else "in use"
        details["Read instead"] = self.replaced_by or "none"
        details["Part"] = f"{self.part} {part_title}".strip()
        return Side(
            label=label,
            chapter_number=self.chapter_number,
            title=self.title,
            part=details["Part"],
            effective_date=self.effective_date,
            html=html,
            review_date=self.review_date,
            related=tuple(sorted(self.related)),
            withdrawn=self.withdrawn,
            withdrawn_reason=self.withdrawn_reason,
            replaced_by=self.replaced_by,
            slug=self.slug,
            routes=tuple(self.routes),
            details=tuple(details.items()),
        )

    # --- conversions in -----------------------------------------------------------------------

    @classmethod
    def from_version(cls, version) -> "VersionRecord":
        """A stored ChapterVersion (with its chapter, part, related, replaced_by, release)."""
        return cls(
            **{spec.attr: getattr(version, spec.attr) for spec in STORED},
            slug=version.chapter.slug,
            part=version.part.number,
            body=version.source,
            related=tuple(sorted(chapter.slug for chapter in version.related.all())),
            minor=version.change == MINOR,
            withdrawn=version.change == WITHDRAWN,
            replaced_by=version.replaced_by.slug if version.replaced_by_id else "",
            release=version.release.name if version.release_id else "",
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
            # Fields that need no more than the draft's own value (a field added to the table
            # and to both models comes through here with nothing else to write).
            **{
                spec.attr: _plain(getattr(draft, spec.attr))
                for spec in STORED
                if spec.attr not in FROM_DRAFT_BY_HAND and hasattr(draft, spec.attr)
            },
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
            is_sample=previous.is_sample if previous else False,
            minor=draft.minor,
            withdrawn=draft.withdraw,
            withdrawn_reason=draft.withdrawn_reason.strip() if draft.withdraw else "",
            replaced_by=draft.replaced_by.slug if draft.withdraw and draft.replaced_by else "",
            release=release.name if release else "",
            routes=tuple(route.strip() for route in (draft.routes or ()) if route.strip()),
        )

    @classmethod
    def from_front_matter(cls, meta, *, body, path, body_line, field_lines):
        """A content file's parsed front matter. Returns (record or None, problems)."""
        values, problems = table.read_front_matter(meta, FIELDS)
        if problems:
            return None, problems
        return cls(**values, body=body, path=path, body_line=body_line, field_lines=field_lines), []


# Record attributes a draft gives in its own way (a minor correction keeps the date, a
# withdrawal has no text...): from_draft converts them by hand.
FROM_DRAFT_BY_HAND = {
    "number", "chapter_number", "title", "effective_date", "summary", "is_sample",
    "withdrawn_reason", "routes",
}  # fmt: skip


def _plain(value):
    """A draft's value as a record holds it: text stripped, lists as tuples."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return tuple(value)
    return value


def _shown(value) -> str:
    """A field's value as "what changed" shows it."""
    if value in (None, "", [], ()):
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


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
