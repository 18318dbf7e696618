"""Glossary entries for the search page: an entry is a result when the query names it (its
term, its expansion or one of its synonyms), so "what is cse" or "county lines" shows what
the words mean above the sections that use them. Matched here, in Python, over the few dozen
entries in effect, with the words the engine parsed (search.query)."""

from glossary.selectors import glossary_on
from glossary.vocabulary import search_words
from procedures.text import phrase_key, words


def search_glossary(query, *, day):
    """The entries in effect on `day` that `query` names, A to Z."""
    if not query.searchable:
        return []
    named = {phrase_key(alt.words) for concept in query.concepts for alt in concept.alternatives}
    excluded = {phrase_key(phrase.words) for phrase in query.exclusions}
    typed = tuple(phrase_key(tuple(query.words())))
    found = []
    for entry in glossary_on(day):
        keys = {
            phrase_key(tuple(words(member)))
            for member in search_words(
                term=entry.term, expansion=entry.expansion, synonyms=tuple(entry.synonyms)
            )
        }
        keys.discard(())
        if keys & excluded:
            continue
        if keys & named or any(_within(key, typed) for key in keys):
            found.append(entry)
    return found


def _within(key, typed):
    """Whether the words of `key` were typed side by side ("significant harm")."""
    size = len(key)
    return size > 1 and any(typed[i : i + size] == key for i in range(len(typed) - size + 1))
