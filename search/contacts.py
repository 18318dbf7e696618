"""Search over the chosen partnership's local information and contacts and the national
contacts, beside the manual's own search (search.engine).

These are a few dozen short texts per partnership, so they are matched here, in Python, with
the query the engine parsed (its words and synonyms), rather than indexed: a reader only ever
sees their own partnership's rows and the national ones, never another partnership's.
"""

from dataclasses import dataclass

from partnerships import selectors
from partnerships.models import Contact, LocalInformation
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

    def __bool__(self):
        return bool(self.contacts or self.local)


def search_partnership(query, *, partnership, day):
    if not query.searchable:
        return LocalResults()
    contacts = [
        contact
        for contact in selectors.in_force(national=True)
        if _matches(query, _contact_text(contact))
    ]
    local = []
    if partnership is not None:
        contacts = [
            contact
            for contact in selectors.contacts(partnership)
            if _matches(query, _contact_text(contact))
        ] + contacts
        for item in selectors.current_local_information(partnership, on=day):
            if _matches(query, item.text):
                current = manual.current_version(item.chapter, on=day)
                if current is not None:
                    local.append(LocalHit(item, current.chapter_number, current.title))
    return LocalResults(contacts=tuple(contacts), local=tuple(local))


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
