"""Plain records of partnership content, as the reader makes them and the loader stores them."""

import datetime
from dataclasses import dataclass, field

from procedures.export import quote
from procedures.rendering import Rendered, source_hash

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
LOCAL_FIELDS = ("version", "effective", "summary", "section")


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
    path: str = ""
    body_line: int = 1
    field_lines: dict = field(default_factory=dict, compare=False, repr=False)
    rendered: Rendered | None = field(default=None, compare=False, repr=False)

    def line_of(self, key):
        return self.field_lines.get(key, 1)


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
