"""Read content/glossary.yaml into TermRecords (format in content/README.md, "Glossary").

Pure like the chapter reader: a file in, records out, every problem with its file, line and
fix added to `errors`, so the loader stops before storing anything.
"""

import re

import yaml

from procedures.content.errors import ContentError
from procedures.content.source_text import decode, load_yaml, yaml_line, yaml_problem
from procedures.cross_links import SLUG
from procedures.rendering import render_markdown
from procedures.text import phrase_key, words
from procedures.versioning import rules
from procedures.versioning.fields import as_date

from .records import ENTRY_FIELDS, VERSION_FIELDS, TermRecord, TermVersion
from .vocabulary import FILE, search_words

MAX_TERM = 80
MAX_EXPANSION = 200
# A term is written as practitioners see it: letters, digits, spaces and a little punctuation.
TERM = re.compile(r"^[\w][\w .'’/-]*$")


def read_glossary(root, *, chapters, errors, max_bytes):
    """The entries of `root`/glossary.yaml, or None when there is no such file (the stored
    glossary is then left alone). `chapters` are the slugs definitions may link to."""
    path = root / FILE
    if not path.is_file():
        return None
    text = decode(path, FILE, errors, max_bytes=max_bytes)
    if text is None:
        return ()
    try:
        data = load_yaml(text) or {}
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        errors.append(
            ContentError(
                FILE, yaml_line(error), f"not valid YAML: {yaml_problem(error)}", "bad_yaml"
            )
        )
        return ()
    entries = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(entries, list) or set(data) - {"terms"}:
        errors.append(
            ContentError(
                FILE,
                1,
                "should hold one list, 'terms:', of entries; see 'Glossary' in README.md",
                "bad_glossary",
            )
        )
        return ()
    nodes = _value_node(node, "terms").value
    records = []
    for entry, entry_node in zip(entries, nodes, strict=True):
        record = _read_entry(entry, entry_node, set(chapters), errors)
        if record is not None:
            records.append(record)
    _check_unique(records, errors)
    _check_search_words(records, root, errors)
    return tuple(records)


def _fail(errors, line, message, code):
    errors.append(ContentError(FILE, line, message, code))


def _read_entry(entry, node, chapters, errors):
    line = node.start_mark.line + 1
    if not isinstance(entry, dict):
        _fail(errors, line, "each entry needs 'slug' and 'versions'", "bad_entry")
        return None
    lines = _key_lines(node)
    unknown = sorted(str(key) for key in entry if key not in ENTRY_FIELDS)
    for key in unknown:
        _fail(
            errors,
            lines.get(key, line),
            f"unknown field '{key}' in an entry; an entry has 'slug' and 'versions', and the "
            "words go in each version",
            "unknown_field",
        )
    slug = entry.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        _fail(
            errors,
            lines.get("slug", line),
            "each entry needs a 'slug': lowercase words joined by hyphens, e.g. 'lado'",
            "bad_slug",
        )
        return None
    versions = entry.get("versions")
    if not isinstance(versions, list) or not versions:
        _fail(
            errors,
            lines.get("versions", line),
            f"'{slug}' needs 'versions:', a list with version 1 first",
            "no_versions",
        )
        return None
    version_nodes = _value_node(node, "versions").value
    read = [
        _read_version(raw, version_node, slug, chapters, errors)
        for raw, version_node in zip(versions, version_nodes, strict=True)
    ]
    _check_numbers(slug, versions, version_nodes, errors)
    _check_dates(slug, [version for version in read if version is not None], errors)
    if unknown or any(version is None for version in read):
        return None
    return TermRecord(slug=slug, versions=tuple(read), line=line)


def _read_version(raw, node, slug, chapters, errors):
    line = node.start_mark.line + 1
    if not isinstance(raw, dict):
        _fail(errors, line, f"each version of '{slug}' should be 'field: value' lines", "bad_entry")
        return None
    lines = _key_lines(node)
    before = len(errors)

    def fail(key, message, code):
        _fail(errors, lines.get(key, line), message, code)

    for key in sorted(str(k) for k in raw if k not in VERSION_FIELDS):
        fail(
            key,
            f"unknown field '{key}'; a version has: {', '.join(VERSION_FIELDS)}",
            "unknown_field",
        )
    number = raw.get("version")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        fail("version", "'version' should be 1, 2, 3 ...", "not_a_number")
    try:
        effective = as_date(raw.get("effective"))
    except ValueError:
        effective = None
        fail("effective", "'effective' should be a real date written YYYY-MM-DD", "bad_date")
    summary = _text(raw.get("summary"))
    if not summary:
        fail(
            "summary",
            "'summary' is missing: say in plain words what this version changed (for version "
            "1, 'First published.')",
            "no_summary",
        )
    withdrawn = raw.get("withdrawn", False)
    if not isinstance(withdrawn, bool):
        fail("withdrawn", "'withdrawn' should be true or false", "not_a_flag")
    term = _text(raw.get("term"))
    if not term or len(term) > MAX_TERM or not TERM.match(term):
        fail(
            "term",
            f"'term' should be the word or abbreviation as the manual writes it (at most "
            f"{MAX_TERM} characters of letters, digits, spaces, hyphens and apostrophes)",
            "bad_term",
        )
    expansion = _text(raw.get("expansion"))
    if len(expansion) > MAX_EXPANSION or "\n" in expansion:
        fail(
            "expansion",
            f"'expansion' should be one line of at most {MAX_EXPANSION} characters",
            "bad_expansion",
        )
    synonyms = raw.get("synonyms") or []
    if not isinstance(synonyms, list) or not all(
        isinstance(s, str) and s.strip() for s in synonyms
    ):
        fail("synonyms", "'synonyms' should be a list of words or phrases: [a, b]", "bad_synonyms")
        synonyms = []
    definition = _text(raw.get("definition"))
    html = text = ""
    if not definition and withdrawn is not True:
        fail("definition", "'definition' is missing: say what the term means", "no_definition")
    elif definition:
        html, text = _render(definition, lines.get("definition", line), slug, chapters, errors)
    if len(errors) > before:
        return None
    return TermVersion(
        number=number,
        effective_date=effective,
        summary=summary,
        term=term,
        expansion=expansion,
        definition=definition,
        synonyms=tuple(s.strip() for s in synonyms),
        withdrawn=withdrawn,
        html=html,
        text=text,
        line=line,
    )


def _render(definition, line, slug, chapters, errors):
    """The definition through the one renderer; its problems, and links to chapters that do
    not exist, are the file's problems. A block scalar's text starts on the next line."""
    rendered = render_markdown(definition, targets=None, slug="", first_line=line + 1)
    for problem in rendered.problems:
        _fail(errors, problem.line or line, f"definition of '{slug}': {problem}", problem.code)
    for link in rendered.links:
        if link.slug not in chapters:
            _fail(
                errors,
                link.line or line,
                f"definition of '{slug}' links to unknown chapter '{link.slug}'; check the slug",
                "unknown_chapter",
            )
    if "<h" in rendered.html:
        _fail(
            errors,
            line,
            f"definition of '{slug}': headings are not used in a definition",
            "heading",
        )
    return rendered.html, rendered.text


def _check_numbers(slug, versions, nodes, errors):
    """Versions are listed 1, 2, 3 ... in order (the kit's numbering rule)."""
    for index, (raw, node) in enumerate(zip(versions, nodes, strict=True), start=1):
        number = raw.get("version") if isinstance(raw, dict) else None
        if isinstance(number, int) and not isinstance(number, bool) and number != index:
            problem = rules.numbering(list(range(1, index)) + [number], what=f"'{slug}'")
            _fail(errors, node.start_mark.line + 1, str(problem), problem.code)


def _check_dates(slug, versions, errors):
    for later, problem in rules.dates_in_order(versions):
        _fail(errors, later.line, f"'{slug}': {problem}", problem.code)


def _check_unique(records, errors):
    slugs, terms = {}, {}
    for record in records:
        if record.slug in slugs:
            _fail(
                errors,
                record.line,
                f"two entries are called '{record.slug}' (the other on line {slugs[record.slug]}); "
                "give each its own slug",
                "duplicate_slug",
            )
        slugs.setdefault(record.slug, record.line)
        latest = record.latest
        if latest.withdrawn:
            continue
        key = latest.term.casefold()
        if key in terms:
            _fail(
                errors,
                latest.line,
                f"'{latest.term}' is defined twice (the other on line {terms[key]}); "
                "keep one entry",
                "duplicate_term",
            )
        terms.setdefault(key, latest.line)


def _check_search_words(records, root, errors):
    """A word or phrase belongs to one search group: across entries, and between the glossary
    and synonyms.txt (which then keeps only groups that are not glossary terms)."""
    owners = {}
    for record in records:
        latest = record.latest
        if latest.withdrawn:
            continue
        for member in search_words(
            term=latest.term, expansion=latest.expansion, synonyms=latest.synonyms
        ):
            key = phrase_key(tuple(words(member)))
            if not key:
                continue
            if key in owners and owners[key] != record.slug:
                _fail(
                    errors,
                    latest.line,
                    f"'{member}' is also a search word of '{owners[key]}'; a word or phrase "
                    "belongs to one entry: remove it from one of them",
                    "shared_search_word",
                )
            owners.setdefault(key, record.slug)
    path = root / "synonyms.txt"
    if not path.is_file():
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0]
        members = [m.strip() for m in line.split("=")] if "=" in line else []
        repeated = [m for m in members if phrase_key(tuple(words(m))) in owners]
        if repeated:
            entries = sorted({owners[phrase_key(tuple(words(m)))] for m in repeated})
            errors.append(
                ContentError(
                    "synonyms.txt",
                    number,
                    f"{', '.join(repr(m) for m in repeated)} already belong to the glossary "
                    f"(entry {', '.join(repr(e) for e in entries)} in glossary.yaml); keep the "
                    "words in one list: add this group's other words to the entry's 'synonyms' "
                    "and delete this line",
                    "synonym_in_glossary",
                )
            )


def _key_lines(node):
    return {key.value: key.start_mark.line + 1 for key, _ in getattr(node, "value", ())}


def _value_node(node, key):
    for key_node, value_node in node.value:
        if key_node.value == key:
            return value_node
    raise KeyError(key)


def _text(value):
    if value is None:
        return ""
    return str(value).strip()
