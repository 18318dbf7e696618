"""The field's vocabulary: words and abbreviations search treats as meaning the same thing.

The list is data, kept beside the manual in content/synonyms.txt (format in content/README.md):
one group per line, members separated by "=", for example

    cse = child sexual exploitation

A query containing any member also finds the others, both ways. The file is read when it
changes (its modification time is checked on each search), so editing it needs no restart.

Glossary entries are groups too: content/glossary.yaml, beside synonyms.txt, is the one list
of the terms it defines (glossary.vocabulary), and synonyms.txt keeps the rest.
"""

import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from glossary.vocabulary import glossary_path, search_groups
from procedures.text import phrase_key, words


@dataclass(frozen=True)
class SynonymProblem:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    problems: tuple[SynonymProblem, ...] = ()
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def longest(self) -> int:
        return max((len(key) for key in self._index), default=0)

    def group_of(self, phrase: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
        """The group a phrase (a tuple of folded words) belongs to, if any."""
        position = self._index.get(phrase_key(phrase))
        return None if position is None else self.groups[position]


def parse_synonyms(text: str, *, glossary: tuple[tuple[str, ...], ...] = ()) -> Synonyms:
    """The groups of a synonyms file's `text`, after the `glossary`'s groups. The loader
    reports the glossary's own problems, so its words already in a group are just left out."""
    groups, problems, index = [], [], {}
    for group in glossary:
        members = []
        for member in group:
            phrase = tuple(words(member))
            key = phrase_key(phrase)
            if phrase and key not in index and key not in {phrase_key(m) for m in members}:
                members.append(phrase)
        if len(members) > 1:
            for member in members:
                index[phrase_key(member)] = len(groups)
            groups.append(tuple(members))
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        members = []
        for part in line.split("="):
            phrase = tuple(words(part))
            if not phrase:
                problems.append(SynonymProblem(number, "an empty member: remove the extra '='"))
                continue
            key = phrase_key(phrase)
            if key in index or key in {phrase_key(m) for m in members}:
                problems.append(
                    SynonymProblem(
                        number,
                        f"'{' '.join(phrase)}' is already in another group (or is a glossary "
                        "entry's word); each word or phrase belongs to one group (merge the "
                        "lines, or add it to the entry's synonyms)",
                    )
                )
                continue
            members.append(phrase)
        if len(members) < 2:
            if members:
                problems.append(
                    SynonymProblem(number, "a group needs at least two members: 'a = b'")
                )
            continue
        for member in members:
            index[phrase_key(member)] = len(groups)
        groups.append(tuple(members))
    return Synonyms(groups=tuple(groups), problems=tuple(problems), _index=index)


def synonyms_path() -> Path:
    configured = getattr(settings, "SEARCH_SYNONYMS_FILE", None)
    return Path(configured) if configured else Path(settings.CONTENT_DIR) / "synonyms.txt"


_cache: dict = {}
_lock = threading.Lock()


def load_synonyms() -> Synonyms:
    """The current synonyms list and the glossary's groups; an unreadable or missing
    synonyms file means no synonyms."""
    path = synonyms_path()
    glossary = glossary_path(path.parent)
    try:
        stat = path.stat()
    except OSError:
        return Synonyms()
    stamp = (str(path), stat.st_mtime_ns, stat.st_size, _file_stamp(glossary))
    with _lock:
        if _cache.get("stamp") != stamp:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return Synonyms()
            groups = search_groups(_read(glossary))
            _cache.update(stamp=stamp, synonyms=parse_synonyms(text, glossary=groups))
        return _cache["synonyms"]


def _file_stamp(path):
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _read(path):
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
