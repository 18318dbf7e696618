"""What a partnership's printout or PDF of a chapter showed, and whether it still stands.

A chapter printed under /p/<partnership>/ shows three versioned things: the chapter text, the
partnership's local information in that chapter and its contacts (What to do now, the local
box's numbers). Its check address names all three, `/p/<slug>/v/<chapter>/<n>/?local=<n>
&contacts=<n>` (`local=0`: the chapter had none), so the check page can say of each whether it
is still the one in force, and if not what changed since, in plain words.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse, set_script_prefix

from procedures.models import today

from . import selectors
from .models import Contact, ContactsVersion, LocalInformation

# The contact fields a practitioner acts on: a change to any of them is reported.
CONTACT_FACTS = (("phone", "number"), ("name", "name"), ("hours", "hours"), ("email", "email"))


@contextlib.contextmanager
def under(partnership):
    """While inside, reverse() gives the partnership's /p/<slug>/ addresses (as a page served
    under that prefix does), so a PDF built by the worker prints the same addresses."""
    previous = get_script_prefix()
    mine = f"p/{partnership.slug}/" if partnership is not None else ""
    if not mine or previous.endswith("/" + mine):
        yield
        return
    set_script_prefix(previous + mine)
    try:
        yield
    finally:
        set_script_prefix(previous)


@dataclass
class Shown:
    """The versions a partnership's printout of a chapter shows on a day."""

    partnership: object
    local: LocalInformation | None
    contacts: ContactsVersion | None

    @property
    def local_number(self) -> int:
        return self.local.number if self.local else 0

    @property
    def contacts_number(self) -> int:
        return self.contacts.number if self.contacts else 0

    def footer(self) -> str:
        """The words every printed page carries, e.g. 'With local information for Northmoor
        ...: local information version 1, contacts version 2'."""
        local = (
            f"local information version {self.local_number}"
            if self.local
            else "no local information in this chapter"
        )
        contacts = f", contacts version {self.contacts_number}" if self.contacts else ""
        return f"With local information for {self.partnership.name}: {local}{contacts}"


def shown(partnership, chapter, *, on=None) -> Shown | None:
    if partnership is None:
        return None
    on = on or today()
    return Shown(
        partnership=partnership,
        local=selectors.local_information(partnership, chapter, on=on),
        contacts=selectors.contacts_version(partnership, on=on),
    )


def check_path(version, partnership, *, on=None, facts: Shown | None = None) -> str:
    """The check address a printout of `version` carries (without the host): under the
    partnership's /p/ with the local information and contacts versions it showed (`facts`,
    or those in force on the day)."""
    if partnership is None:
        return version.get_check_url()
    facts = facts or shown(partnership, version.chapter, on=on)
    with under(partnership):
        path = version.get_check_url()
    query = urlencode({"local": facts.local_number, "contacts": facts.contacts_number})
    return f"{path}?{query}"


# --- the check page ---------------------------------------------------------------------------


@dataclass
class Check:
    """One thing the printout showed: is it still the one in force, and if not what changed."""

    what: str  # "Local information" / "Contacts"
    printed: str  # "version 1" / "none"
    changed: bool = False
    unknown: bool = False
    since: datetime.date | None = None
    lines: list[str] = field(default_factory=list)
    coming: list[str] = field(default_factory=list)
    link: str = ""
    link_text: str = ""


def printed_number(raw) -> int | None:
    """A version number from the check address: None when absent or not a small number."""
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 6:
        return None
    return int(raw)


def checks(partnership, chapter, *, local, contacts, on=None) -> list[Check]:
    """For a printout under /p/<partnership>/: whether its local information and contacts
    (the version numbers its check address names) are still those in force."""
    on = on or today()
    return [
        _local_check(partnership, chapter, printed_number(local), on),
        _contacts_check(partnership, printed_number(contacts), on),
    ]


def _local_check(partnership, chapter, number, on):
    versions = LocalInformation.objects.filter(partnership=partnership, chapter=chapter)
    now = versions.valid_on(on).first()
    with under(partnership):
        link = reverse("partnerships:local_history", kwargs={"slug": chapter.slug})
    check = Check(
        what=f"Local information for {partnership.name}",
        printed=f"version {number}" if number else "none",
        link=link if versions.exists() else "",
        link_text="Read every version of this local information",
    )
    check.coming = [
        f"Local information version {v.number} takes effect on {_day(v.effective_date)}: "
        f"{v.summary}"
        for v in versions.scheduled(after=on).order_by("effective_date", "number")
    ]
    if number is None:
        check.unknown = True
        return check
    now_number = now.number if now else 0
    if now_number == number:
        return check
    check.changed = True
    if now is None:
        check.lines = ["This chapter has no local information now."]
        return check
    since = (
        versions.in_effect_by(on)
        .filter(number__gt=number)
        .exclude(number__gt=now_number)
        .order_by("number")
    )
    check.since = now.effective_date
    check.lines = [
        f"Version {v.number}, effective {_day(v.effective_date)}: {v.summary}" for v in since
    ] or [f"Version {now.number}, effective {_day(now.effective_date)}: {now.summary}"]
    return check


def _contacts_check(partnership, number, on):
    versions = ContactsVersion.objects.of(partnership=partnership)
    now = selectors.contacts_version(partnership, on=on)
    with under(partnership):
        link = reverse("partnerships:contacts")
    check = Check(
        what=f"Contacts for {partnership.name}",
        printed=f"version {number}" if number else "none",
        link=link,
        link_text="See the contacts as they stand today",
    )
    check.coming = [
        f"Contacts version {v.number} takes effect on {_day(v.effective_date)}: {v.summary}"
        for v in versions.scheduled(after=on).order_by("effective_date", "number")
    ]
    if number is None:
        check.unknown = True
        return check
    if now is None or now.number == number:
        return check
    printed = versions.filter(number=number).first()
    check.changed = True
    check.since = now.effective_date
    before = list(Contact.objects.filter(version=printed)) if printed else []
    after = list(Contact.objects.filter(version=now))
    check.lines = contact_changes(before, after) or [
        f"Version {now.number}, effective {_day(now.effective_date)}: {now.summary}"
    ]
    return check


def contact_changes(before, after) -> list[str]:
    """'Northmoor Children's Front Door (MASH): number now 01632 960099 (was 01632 960001)',
    one line a contact that changed, was added or was removed."""
    old = {c.slug: c for c in before}
    new = {c.slug: c for c in after}
    lines = []
    for slug, contact in new.items():
        was = old.get(slug)
        if was is None:
            lines.append(f"New: {_described(contact)}")
            continue
        for attribute, label in CONTACT_FACTS:
            then, now = getattr(was, attribute), getattr(contact, attribute)
            if then != now:
                lines.append(f"{was.name}: {label} now {now or '(none)'} (was {then or '(none)'})")
    for slug, contact in old.items():
        if slug not in new:
            lines.append(f"No longer listed: {_described(contact)}")
    return lines


def _described(contact):
    return f"{contact.name}, {contact.phone}" if contact.phone else contact.name


def _day(value):
    return f"{value.day} {value:%B %Y}"
