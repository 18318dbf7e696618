"""The glossary as search vocabulary: each entry's term, expansion and synonyms are one
synonym group, so the words are kept once (in content/glossary.yaml) and serve both the
glossary and search. content/synonyms.txt keeps only groups that are not glossary terms.

Search reads the file directly (like synonyms.txt, when it changes), using the latest
version of each entry; the loader checks the same groups with file and line.
"""

from pathlib import Path

import yaml

FILE = "glossary.yaml"


def search_words(*, term, expansion="", synonyms=()):
    """An entry's synonym group, in order: the term, its expansion (unless listed among the
    synonyms, which then keep their written order) and its synonyms."""
    words = [term]
    if expansion and expansion.casefold() not in {s.casefold() for s in synonyms}:
        words.append(expansion)
    words.extend(synonyms)
    return tuple(words)


def search_groups(text: str) -> tuple[tuple[str, ...], ...]:
    """The synonym groups in a glossary file's text; a file that cannot be read yields none
    (the loader reports its problems)."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        return ()
    entries = data.get("terms") if isinstance(data, dict) else None
    groups = []
    for entry in entries if isinstance(entries, list) else ():
        versions = entry.get("versions") if isinstance(entry, dict) else None
        if not isinstance(versions, list) or not versions or not isinstance(versions[-1], dict):
            continue
        latest = versions[-1]
        term, expansion = latest.get("term"), latest.get("expansion") or ""
        synonyms = latest.get("synonyms") or []
        if latest.get("withdrawn") or not isinstance(term, str) or not isinstance(synonyms, list):
            continue
        group = search_words(
            term=term, expansion=str(expansion), synonyms=tuple(str(s) for s in synonyms)
        )
        if len(group) > 1:
            groups.append(group)
    return tuple(groups)


def glossary_path(folder: Path) -> Path:
    return Path(folder) / FILE
