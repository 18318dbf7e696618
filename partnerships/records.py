"""Plain records of partnership content, as the reader makes them and the loader stores them."""

import datetime
from dataclasses import dataclass, field

from procedures.export import quote
from procedures.rendering import Rendered, source_hash
from procedures.versioning.fields import Field

KINDS = (
    "front-door",
    "out-of-hours",
    "police-non-emergency",
    "lado",
    "prevent",
    "safeguarding-lead",
    "business-unit",
    "national-helpline",
)
CONTACT_FIELDS = ("slug", "kind", "name", "phone", "hours", "email", "web", "notes")
# A local information file's front matter (local/<chapter>/v<N>.md), read and written by the
# versioning kit's one reader; every field is a LocalInformation column of the same name.
LOCAL_FIELDS = (
    Field("version", "number", "int", "the version number: 1 for the first, then 2, 3, ...",
          required=True, always_written=True),
    Field("effective", "effective_date", "date",
          "the date this version takes effect, as YYYY-MM-DD", required=True, always_written=True,
          label="Effective date"),
    Field("summary", "summary", "text", "what changed in this version, in plain words",
          required=True, always_written=True),
    Field("section", "section", "text",
          "the anchor of the chapter's section it follows (e.g. reporting-routes); leave it out "
          "for the end of the chapter", max_length=120, label="Shown after section"),
    Field("review", "review_date", "date", "the next review date, as YYYY-MM-DD",
          label="Next review"),
    Field("no_review", "no_review_reason", "text",
          "why this version has no review date, in plain words", label="Why no review date"),
)  # fmt: skip


@dataclass(frozen=True)
class ContactRecord:
    slug: str
    kind: str
    name: str
    phone: str = ""
    hours: str = ""
    email: str = ""
    web: str = ""
    notes: str = ""
    order: int = 0

    def stored_fields(self):
        return {
            "kind": self.kind,
            "name": self.name,
            "phone": self.phone,
            "hours": self.hours,
            "email": self.email,
            "web": self.web,
            "notes": self.notes,
            "order": self.order,
        }


@dataclass(frozen=True)
class PartnershipRecord:
    slug: str
    name: str
    area: str
    contacts: tuple[ContactRecord, ...]
    path: str = ""


@dataclass(frozen=True)
class LocalRecord:
    partnership: str
    chapter: str
    number: int
    effective_date: datetime.date
    summary: str
    body: str
    section: str = ""
    review_date: datetime.date | None = None
    no_review_reason: str = ""
    path: str = ""
    body_line: int = 1
    field_lines: dict = field(default_factory=dict, compare=False, repr=False)
    rendered: Rendered | None = field(default=None, compare=False, repr=False)

    def line_of(self, key):
        return self.field_lines.get(key, 1)

    @classmethod
    def from_version(cls, version) -> "LocalRecord":
        """A stored LocalInformation (with its partnership and chapter)."""
        return cls(
            **{spec.attr: getattr(version, spec.attr) for spec in LOCAL_FIELDS},
            partnership=version.partnership.slug,
            chapter=version.chapter.slug,
            body=version.source,
            path=version.source_file,
        )

    def stored_fields(self) -> dict:
        """The LocalInformation columns this record fills (partnership and chapter are the
        caller's), rendered by `rendered`."""
        return {
            **{spec.attr: getattr(self, spec.attr) for spec in LOCAL_FIELDS},
            "source": self.body,
            "source_hash": local_hash(self),
            "source_file": self.path,
            "html": self.rendered.html,
            "text": self.rendered.text,
        }


def local_hash(record) -> str:
    """The identity of a version of local information: its fields and its text. Fields added
    after the first versions were stored count only when set, so those keep their hashes."""
    extra = "".join(
        f"{spec.key}={getattr(record, spec.attr)}\n"
        for spec in LOCAL_FIELDS[4:]
        if getattr(record, spec.attr)
    )
    return source_hash(
        f"{record.number}\n{record.effective_date}\n{record.summary}\n{record.section}\n"
        + extra
        + record.body
    )


def contacts_text(contacts, *, national=False) -> str:
    """Contacts (records or Contact rows) as the YAML list partnership.yaml and
    national-contacts.yaml hold under 'contacts:': what an editor edits in the admin, what a
    contacts version keeps and what export writes. A partnership's contact named after its
    kind needs no slug."""
    lines = []
    for contact in contacts:
        first = True
        for key in ("slug", "kind", "name", "phone", "hours", "email", "web", "notes"):
            value = getattr(contact, key)
            if not value or (key == "slug" and not national and value == contact.kind):
                continue
            text = value if key in ("slug", "kind") else quote(value)
            lines.append(f"{'- ' if first else '  '}{key}: {text}")
            first = False
    return "\n".join(lines) + ("\n" if lines else "")


def details_hash(name, area, contacts) -> str:
    return source_hash(f"{name}\n{area}\n{contacts}")
