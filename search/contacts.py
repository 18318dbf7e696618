"""Search over the chosen partnership's local information and contacts and the national
contacts, beside the manual's own search (search.engine).

These are a few dozen short texts per partnership, so they are matched here, in Python, with
the query the engine parsed (its words and synonyms), rather than indexed: a reader only ever
sees their own partnership's rows and the national ones, never another partnership's.
"""

from dataclasses import dataclass

from partnerships import selectors
from partnerships.models import Contact, LocalInformation
from partnerships.vocabulary import kinds_named
from procedures import selectors as manual
from procedures.text import light_stem, words


@dataclass(frozen=True)
class LocalHit:
    local: LocalInformation
    chapter_number: str
    chapter_title: str


@dataclass(frozen=True)
class LocalResults:
    contacts: tuple[Contact, ...] = ()
    local: tuple[LocalHit, ...] = ()
    # With no partnership chosen: every partnership's contacts of the kinds the query
    # names ("EDT", "front door", "LADO"), and which partnerships to choose from.
    elsewhere: tuple[Contact, ...] = ()

    def __bool__(self):
        return bool(self.contacts or self.local or self.elsewhere)

    @property
    def count(self):
        return len(self.contacts) + len(self.local) + len(self.elsewhere)

    @property
    def choices(self):
        """The partnerships whose contacts are in `elsewhere`, each once, in order."""
        return list(
            {contact.partnership_id: contact.partnership for contact in self.elsewhere}.values()
        )


def search_partnership(query, *, partnership, day):
    # The words practitioners use for a kind of contact (vocabulary.KIND_WORDS) find it
    # even when no contact's own text has them: "EDT" is the Emergency Duty Team.
    kinds = [kind for kind in KIND_ORDER if kind in kinds_named(query.text)]
    if not query.searchable and not kinds:
        return LocalResults()
    contacts = [
        contact
        for contact in selectors.in_force(national=True)
        if query.searchable and _matches(query, _contact_text(contact))
    ]
    local = []
    if partnership is None:
        return LocalResults(
            contacts=tuple(contacts),
            elsewhere=tuple(selectors.each_partnerships_contacts(kinds, on=day)),
        )
    own = selectors.contacts(partnership, on=day)
    named = sorted(
        (contact for contact in own if contact.kind in kinds),
        key=lambda c: (kinds.index(c.kind), c.order),
    )
    contacts = (
        named
        + [
            contact
            for contact in own
            if contact not in named and query.searchable and _matches(query, _contact_text(contact))
        ]
        + contacts
    )
    if query.searchable:
        for item in selectors.current_local_information(partnership, on=day):
            if _matches(query, item.text):
                current = manual.current_version(item.chapter, on=day)
                if current is not None:
                    local.append(LocalHit(item, current.chapter_number, current.title))
    return LocalResults(contacts=tuple(contacts), local=tuple(local))


# The order a search lists the kinds of contact it names: the urgent ones first.
KIND_ORDER = [kind for kind, _label in Contact.Kind.choices if kind not in ("national-helpline",)]


def _contact_text(contact):
    return " ".join(
        [contact.name, contact.get_kind_display(), contact.notes, contact.hours, contact.slug]
    )


def _stems(text):
    return {light_stem(word) for word in words(text)}


def _phrase_in(phrase_words, stems):
    for word in phrase_words:
        stem = light_stem(word)
        if stem in stems:
            continue
        if len(stem) >= 4 and any(candidate.startswith(stem) for candidate in stems):
            continue
        return False
    return True


def _matches(query, text):
    stems = _stems(text)
    for phrase in query.exclusions:
        if _phrase_in(phrase.words, stems):
            return False
    return all(
        any(_phrase_in(alternative.words, stems) for alternative in concept.alternatives)
        for concept in query.concepts
    )
