"""What a reader typed, understood: words, "exact phrases" and -exclusions, with synonyms.

Pure Python, no database. Backends never see the raw text: they get folded words made only of
letters and digits, and quote or bind every one of them, so no character a reader types can
mean anything to PostgreSQL's tsquery syntax, to FTS5's MATCH syntax or to SQL.

- Plain words must all appear in a section (each may be matched by its synonyms); very common
  words ("the", "of") are left out, as PostgreSQL's English configuration would.
- "Quoted words" must appear together in that order, exactly (no synonyms).
- -word or -"some words" leaves out sections containing them.
"""

import re
from dataclasses import dataclass, field

from procedures.text import clean, phrase_key, words
from search.stopwords import STOP_WORDS
from search.synonyms import Synonyms, load_synonyms

MAX_LENGTH = 200  # characters searched; a longer query is shortened and the reader told
MAX_CONCEPTS = 10  # words or phrases searched for; more adds cost, not precision

EMPTY = "empty"
ONLY_COMMON_WORDS = "only-common-words"
ONLY_EXCLUSIONS = "only-exclusions"

TOKEN = re.compile(r'(?P<minus>-*)"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+)')
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"'})
MINUS = str.maketrans({"−": "-", "–": "-"})  # minus sign and en dash typed before a word


@dataclass(frozen=True)
class Phrase:
    """Words to find side by side, in order; or, when not `adjacent`, anywhere in a section
    (the reader typed them as separate words and we recognised them as a synonym)."""

    words: tuple[str, ...]
    adjacent: bool = True

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Concept:
    """One thing the reader asked for, with the equivalent ways of saying it (typed first)."""

    alternatives: tuple[Phrase, ...]
    exact: bool = False

    @property
    def typed(self) -> Phrase:
        return self.alternatives[0]

    @property
    def synonyms(self) -> tuple[Phrase, ...]:
        return self.alternatives[1:]


@dataclass(frozen=True)
class Query:
    text: str  # as cleaned and shortened: what the search box shows
    concepts: tuple[Concept, ...] = ()
    exclusions: tuple[Phrase, ...] = ()
    together: Phrase | None = None  # the plain words as typed, to reward them side by side
    ignored: tuple[str, ...] = field(default=())  # common words left out
    shortened: bool = False
    problem: str | None = None

    @property
    def searchable(self) -> bool:
        return bool(self.concepts) and self.problem is None

    def words(self) -> list[str]:
        """Every word the reader asked for (not synonyms), in order, once."""
        seen = []
        for concept in self.concepts:
            for word in concept.typed.words:
                if word not in seen:
                    seen.append(word)
        return seen


@dataclass
class _Word:
    text: str
    token: int


def parse_query(raw: str | None, synonyms: Synonyms | None = None) -> Query:
    synonyms = synonyms if synonyms is not None else load_synonyms()
    text = " ".join(clean(raw or "").translate(QUOTES).split())
    shortened = False
    if len(text) > MAX_LENGTH:
        cut = text[:MAX_LENGTH]
        space = cut.rfind(" ")
        text = (cut[:space] if space > MAX_LENGTH // 2 else cut).strip()
        shortened = True
    scan = text
    if scan.count('"') % 2:  # an unbalanced quote is ignored rather than guessed at
        last = scan.rindex('"')
        scan = scan[:last] + " " + scan[last + 1 :]

    concepts, exclusions, ignored, plain = [], [], [], []
    pending: list[_Word] = []  # plain words waiting for synonym detection

    def flush():
        concepts.extend(_plain_concepts(pending, synonyms, ignored))
        pending.clear()

    for number, match in enumerate(TOKEN.finditer(scan)):
        if match.group("quoted") is not None:
            found = words(match.group("quoted"))
            phrase = _trim(found, ignored)
            if not phrase:
                continue
            flush()
            if match.group("minus"):
                exclusions.append(Phrase(phrase))
            else:
                concepts.append(Concept((Phrase(phrase),), exact=True))
            continue
        bare = match.group("bare").translate(MINUS)
        found = words(bare)
        if not found:
            continue
        if bare.startswith("-"):
            phrase = _trim(found, ignored)
            if phrase:
                exclusions.append(Phrase(phrase))
            continue
        pending.extend(_Word(word, number) for word in found)
        plain.extend(found)
    flush()

    concepts = _unique(concepts)
    if len(concepts) > MAX_CONCEPTS:
        concepts, shortened = concepts[:MAX_CONCEPTS], True
    exclusions = list(dict.fromkeys(exclusions))
    together = _trim(plain, [])
    problem = None
    if not concepts:
        problem = ONLY_EXCLUSIONS if exclusions else ONLY_COMMON_WORDS if ignored else EMPTY
    meaningful = [word for word in together if word not in STOP_WORDS]
    return Query(
        text=text,
        concepts=tuple(concepts),
        exclusions=tuple(exclusions),
        together=Phrase(together) if len(meaningful) >= 2 else None,
        ignored=tuple(dict.fromkeys(ignored)),
        shortened=shortened,
        problem=problem,
    )


def _trim(found, ignored):
    """Words without common words at either end (inside a phrase they keep word order)."""
    start, end = 0, len(found)
    while start < end and found[start] in STOP_WORDS:
        ignored.append(found[start])
        start += 1
    while end > start and found[end - 1] in STOP_WORDS:
        ignored.append(found[end - 1])
        end -= 1
    return tuple(found[start:end])


def _plain_concepts(pending, synonyms, ignored):
    """Plain words to concepts: the longest synonym-list phrases first, then the rest.

    Words typed joined ("e-safety", "child-on-child") stay together as one phrase.
    """
    concepts: list[Concept] = []
    run: list[_Word] = []

    def end_run():
        phrase = _trim([word.text for word in run], ignored)
        if phrase:
            concepts.append(Concept((Phrase(phrase),)))
        run.clear()

    position = 0
    while position < len(pending):
        found = _synonym_at(pending, position, synonyms)
        if found:
            end_run()
            span, group = found
            others = [member for member in group if phrase_key(member) != phrase_key(span)]
            tokens = {word.token for word in pending[position : position + len(span)]}
            typed = Phrase(span, adjacent=len(tokens) == 1)
            concepts.append(Concept((typed, *(Phrase(m) for m in _shortest(others, span)))))
            position += len(span)
            continue
        if run and run[-1].token != pending[position].token:
            end_run()
        run.append(pending[position])
        position += 1
    end_run()
    return concepts


def _shortest(members, typed):
    """Members without those containing another or the typed words ("child criminal
    exploitation" goes when "criminal exploitation" is there: it finds nothing more, and
    costs a search)."""
    keys = [phrase_key(member) for member in members]
    everything = [*keys, phrase_key(typed)]

    def contains(longer, shorter):
        return len(shorter) < len(longer) and any(
            longer[i : i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1)
        )

    return [
        member
        for member, key in zip(members, keys, strict=True)
        if not any(contains(key, other) for other in everything)
    ]


def _synonym_at(pending, position, synonyms):
    for length in range(min(synonyms.longest, len(pending) - position), 0, -1):
        span = tuple(word.text for word in pending[position : position + length])
        if length == 1 and span[0] in STOP_WORDS:
            continue
        group = synonyms.group_of(span)
        if group is not None:
            return span, group
    return None


def _unique(concepts):
    seen, unique = set(), []
    for concept in concepts:
        key = (concept.exact, concept.alternatives)
        if key not in seen:
            seen.add(key)
            unique.append(concept)
    return unique
