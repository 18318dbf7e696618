"""Every external address the manual links to, and where: the text of chapter versions in
force or scheduled, partnerships' local information in force or scheduled, and contacts' web
addresses. Read from the stored HTML each time, so the places are never out of date."""

import html
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser

from django.db.models import Q

from partnerships.models import Contact, ContactsVersion, LocalInformation
from procedures import selectors
from procedures.models import ChapterVersion

CONTACTS = "Contacts"  # the heading for contacts that no chapter names


@dataclass(frozen=True)
class Place:
    """Where an address is linked from: `chapter` is the heading it is reported under."""

    chapter: str  # "2.5 Online safety: ..." or CONTACTS
    chapter_slug: str  # "" for CONTACTS
    where: str  # "chapter text, version 5", "local information: Northmoor", "contact: CEOP"
    text: str = ""  # the link's words


def external_links() -> dict[str, list[Place]]:
    """Address -> the places that link to it, in the manual's order."""
    found = defaultdict(list)
    today = selectors.today()
    versions = (
        ChapterVersion.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
        .select_related("chapter")
        .order_by("number_key", "number")
    )
    titles = {}
    for version in versions:
        label = f"{version.chapter_number} {version.title}"
        titles[version.chapter_id] = (label, version.chapter.slug)
        where = f"chapter text, version {version.number}"
        if version.effective_date > today:
            where += f" (takes effect {version.effective_date:%-d %B %Y})"
        for url, words in links_in(version.html):
            found[url].append(Place(label, version.chapter.slug, where, words))
    for local in _local_information_in_force_or_scheduled(today):
        label, slug = titles.get(local.chapter_id, (local.chapter.slug, local.chapter.slug))
        where = f"local information: {local.partnership.name}, version {local.number}"
        for url, words in links_in(local.html):
            found[url].append(Place(label, slug, where, words))
    routes = _chapters_naming_routes(versions, titles)
    shown = ContactsVersion.objects.in_force_or_scheduled(today)
    contacts = Contact.objects.filter(version__in=shown.values("pk")).exclude(web="")
    for contact in contacts.select_related("partnership"):
        owner = contact.partnership.name if contact.partnership else "national"
        where = f"contact: {contact.name} ({owner})"
        named_in = routes.get(contact.slug, []) if contact.partnership is None else []
        for label, slug in named_in or [(CONTACTS, "")]:
            found[contact.web].append(Place(label, slug, where, contact.name))
    return dict(found)


def links_in(fragment: str) -> list[tuple[str, str]]:
    """The external (http and https) links of stored HTML: (address, link words)."""
    reader = _Anchors()
    reader.feed(fragment)
    reader.close()
    return reader.found


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._href, self._words = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self._href = href if href.startswith(("http://", "https://")) else None
            self._words = []

    def handle_data(self, data):
        if self._href is not None:
            self._words.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            words = " ".join("".join(self._words).split())
            self.found.append((html.unescape(self._href), words))
            self._href = None


def _local_information_in_force_or_scheduled(today):
    """Per partnership and chapter: the version in force and any scheduled after it."""
    return (
        LocalInformation.objects.in_force_or_scheduled(today)
        .select_related("partnership", "chapter")
        .order_by("number")
    )


def _chapters_naming_routes(versions, titles):
    """National contact slug -> the chapters whose "What to do now" names it."""
    named = defaultdict(list)
    for version in versions:
        for slug in version.routes or []:
            place = titles[version.chapter_id]
            if place not in named[slug]:
                named[slug].append(place)
    return named
