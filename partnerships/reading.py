"""Read partnership content: content/national-contacts.yaml and, per partnership,
content/partnerships/<slug>/partnership.yaml and local/<chapter>/v<N>.md.

Pure like the chapter reader: files in, records out, every problem with its file and line
added to `errors`. The format is documented in content/README.md.
"""

import dataclasses
import re

import yaml
from django.conf import settings

from procedures.content.errors import ContentError
from procedures.content.layout import inside
from procedures.content.source_text import (
    decode,
    key_line,
    load_yaml,
    read_front_matter_file,
    yaml_line,
    yaml_problem,
)
from procedures.versioning import rules
from procedures.versioning.fields import read_front_matter

from .records import (
    CONTACT_FIELDS,
    KINDS,
    LOCAL_FIELDS,
    ContactRecord,
    LocalRecord,
    PartnershipRecord,
)
from .rules import check_local

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NATIONAL_FILE = "national-contacts.yaml"
FOLDER = "partnerships"


def read_partnership_content(root, *, chapters, errors):
    """(partnerships, national contacts, local information) under `root`.

    `chapters` maps each chapter slug to the anchors of its latest version, so local
    information can only attach to a chapter, and a section, that exists."""
    national = _read_national(root, errors)
    partnerships, local = [], []
    for path, local_files in _layout(root, errors):
        record = _read_partnership(path, root, errors)
        if record is not None:
            partnerships.append(record)
            local.extend(
                _read_local(local_files, root, record.slug, chapters, errors, record.contacts)
            )
    return tuple(partnerships), tuple(national), tuple(local)


# --- layout ---------------------------------------------------------------------------------------
# Only what content/README.md documents is read: partnerships/<slug>/partnership.yaml and
# partnerships/<slug>/local/<chapter>/v<N>.md. Anything else is reported rather than skipped
# (or loaded), and nothing is read through a symbolic link, as for chapters.

VERSION_FILE = re.compile(r"^v[1-9][0-9]*\.md$")
IGNORED = {".gitkeep", ".gitignore"}


def _layout(root, errors):
    """Each partnership's folder with its local files ({chapter slug: [paths]})."""
    found = []
    folder = root / FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return found
    for path in _entries(folder):
        if not SLUG.match(path.name):
            _unexpected(path, root, errors, "a partnership's folder is named by its address")
        elif _is_real(path, root, errors, folder=True):
            local = {}
            for entry in _entries(path):
                if entry.name == "partnership.yaml":
                    _is_real(entry, root, errors, folder=False)
                elif entry.name == "local" and _is_real(entry, root, errors, folder=True):
                    local = _local_files(entry, root, errors)
                elif entry.name != "local":
                    _unexpected(
                        entry, root, errors, "a partnership holds partnership.yaml and local/"
                    )
            found.append((path, local))
    return found


def _local_files(folder, root, errors):
    files = {}
    for chapter in _entries(folder):
        if not SLUG.match(chapter.name):
            _unexpected(chapter, root, errors, "local information's folder is named by the chapter")
        elif _is_real(chapter, root, errors, folder=True):
            files[chapter.name] = []
            for path in _entries(chapter):
                if VERSION_FILE.match(path.name) and _is_real(path, root, errors, folder=False):
                    files[chapter.name].append(path)
                elif not VERSION_FILE.match(path.name):
                    _unexpected(path, root, errors, "versions are named v1.md, v2.md ...")
    return files


def _entries(folder):
    return sorted(entry for entry in folder.iterdir() if entry.name not in IGNORED)


def _is_real(path, root, errors, *, folder):
    """A real folder or file (not a symbolic link), else reported."""
    if path.is_symlink():
        outside = not inside(path, root)
        errors.append(
            ContentError(
                _shown(path, root),
                0,
                "a link to a file outside the content folder is not read; copy the file in instead"
                if outside
                else "a symbolic link is not read; use a real folder or file",
                "symlink_outside" if outside else "symlink",
            )
        )
        return False
    if path.is_dir() if folder else path.is_file():
        return True
    _unexpected(path, root, errors, "")
    return False


def _unexpected(path, root, errors, hint):
    if path.is_symlink():
        _is_real(path, root, errors, folder=False)
        return
    what = "folder" if path.is_dir() else "file"
    errors.append(
        ContentError(
            _shown(path, root),
            0,
            f"this {what} is not part of a partnership's layout"
            + (f" ({hint})" if hint else "")
            + ": partnerships/<slug>/ holds partnership.yaml and local/<chapter>/v<N>.md only; "
            "move it elsewhere or rename it",
            f"unexpected_{what}",
        )
    )


def _shown(path, root):
    shown = path.relative_to(root).as_posix()
    return shown + "/" if path.is_dir() and not path.is_symlink() else shown


# --- contacts ---------------------------------------------------------------------------------


def _load_yaml(path, shown, errors):
    text = decode(path, shown, errors, max_bytes=settings.MAX_VERSION_BYTES)
    if text is None:
        return None, ""
    try:
        return load_yaml(text) or {}, text
    except yaml.YAMLError as error:
        errors.append(
            ContentError(
                shown, yaml_line(error), f"not valid YAML: {yaml_problem(error)}", "bad_yaml"
            )
        )
        return None, text


def _read_national(root, errors):
    path = root / NATIONAL_FILE
    if not path.is_file():
        return []
    data, text = _load_yaml(path, NATIONAL_FILE, errors)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("contacts"), list):
        errors.append(
            ContentError(NATIONAL_FILE, 1, "should hold 'contacts:', a list", "no_contacts")
        )
        return []
    return _read_contacts(data["contacts"], NATIONAL_FILE, text, errors, national=True)


def _read_partnership(path, root, errors):
    shown = (path / "partnership.yaml").relative_to(root).as_posix()
    if not (path / "partnership.yaml").is_file():
        errors.append(
            ContentError(
                shown,
                0,
                f"the partnership folder '{path.name}' has no partnership.yaml",
                "no_partnership_file",
            )
        )
        return None
    data, text = _load_yaml(path / "partnership.yaml", shown, errors)
    if data is None:
        return None
    if not isinstance(data, dict):
        errors.append(ContentError(shown, 1, "should be 'field: value' lines", "bad_yaml"))
        return None
    problems = len(errors)
    if not SLUG.match(path.name):
        errors.append(
            ContentError(
                shown,
                1,
                f"the folder name '{path.name}' is the partnership's address: lowercase words "
                "joined by hyphens",
                "bad_slug",
            )
        )
    for key in data:
        if key not in ("name", "area", "contacts"):
            errors.append(
                ContentError(
                    shown,
                    key_line(text, str(key)) or 1,
                    f"unknown field '{key}'; the fields are: name, area, contacts",
                    "unknown_field",
                )
            )
    for key in ("name", "area"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            errors.append(
                ContentError(
                    shown,
                    key_line(text, key) or 1,
                    f"'{key}' is missing: the partnership's {key}",
                    "missing_field",
                )
            )
    raw_contacts = data.get("contacts", [])
    if not isinstance(raw_contacts, list):
        errors.append(
            ContentError(
                shown, key_line(text, "contacts") or 1, "'contacts' should be a list", "not_a_list"
            )
        )
        raw_contacts = []
    contacts = _read_contacts(raw_contacts, shown, text, errors, national=False)
    if len(errors) > problems:
        return None
    return PartnershipRecord(
        slug=path.name,
        name=data["name"].strip(),
        area=data["area"].strip(),
        contacts=tuple(contacts),
        path=shown,
    )


def _entry_lines(text):
    """The line of each '- ' list entry under 'contacts:', in order."""
    return [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if re.match(r"^\s*-\s", line)
    ]


def _read_contacts(raw, shown, text, errors, *, national):
    lines = _entry_lines(text)
    contacts, seen = [], {}
    for index, entry in enumerate(raw):
        line = lines[index] if index < len(lines) else 1
        if not isinstance(entry, dict):
            errors.append(
                ContentError(
                    shown, line, "each contact should be 'field: value' lines", "bad_contact"
                )
            )
            continue
        bad = False

        def fail(message, code, line=line):
            nonlocal bad
            bad = True
            errors.append(ContentError(shown, line, message, code))

        for key in entry:
            if key not in CONTACT_FIELDS:
                fail(
                    f"unknown contact field '{key}'; the fields are: {', '.join(CONTACT_FIELDS)}",
                    "unknown_field",
                )
        values = {
            key: str(entry[key]).strip() for key in CONTACT_FIELDS if entry.get(key) is not None
        }
        kind = values.get("kind", "")
        if kind not in KINDS:
            fail(f"contact kind '{kind}' is not one of: {', '.join(KINDS)}", "bad_contact_kind")
        if not values.get("name"):
            fail("a contact needs a 'name'", "missing_field")
        slug = values.get("slug") or ("" if national else kind)
        if national and not slug:
            fail("a national contact needs a 'slug': chapters name it in 'routes'", "missing_field")
        elif slug and not SLUG.match(slug):
            fail(f"slug '{slug}' should be lowercase words joined by hyphens", "bad_slug")
        elif slug in seen:
            fail(
                f"two contacts are called '{slug}' (the other on line {seen[slug]}); give each "
                "its own 'slug'",
                "duplicate_contact",
            )
        if not any(values.get(key) for key in ("phone", "email", "web")):
            fail(
                f"contact '{values.get('name', slug)}' needs a phone, an email or a web address",
                "no_way_to_contact",
            )
        if values.get("phone") and not re.fullmatch(r"[0-9 +]{3,20}", values["phone"]):
            fail(
                f"phone '{values['phone']}' should be digits and spaces, e.g. 01632 960000",
                "bad_phone",
            )
        if values.get("web") and not values["web"].startswith("https://"):
            fail(f"web address '{values['web']}' should start with https://", "bad_web_address")
        if values.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
            fail(f"'{values['email']}' is not an email address", "bad_email")
        if bad:
            continue
        seen[slug] = line
        values.update(slug=slug, kind=kind)
        contacts.append(ContactRecord(**values, order=index))
    return contacts


# --- local information ------------------------------------------------------------------------


def _read_local(local_files, root, partnership, chapters, errors, contacts=()):
    records = []
    for chapter, files in local_files.items():
        versions = []
        for file in files:
            record = _read_local_file(file, root, partnership, chapter, chapters, errors, contacts)
            if record is not None:
                versions.append(record)
        records.extend(_check_local_versions(versions, errors))
    return records


def _read_local_file(path, root, partnership, chapter, chapters, errors, contacts=()):
    file = read_front_matter_file(path, root, errors, max_bytes=settings.MAX_VERSION_BYTES)
    if file is None:
        return None
    shown, line_of = file.shown, file.line_of
    keys = {spec.attr: spec.key for spec in LOCAL_FIELDS}
    values, problems = read_front_matter(file.meta, LOCAL_FIELDS)
    for problem in problems:
        line = 1 if problem.code == "missing_field" else line_of(keys.get(problem.field, ""))
        errors.append(ContentError(shown, line, str(problem), problem.code))
    if problems:
        return None
    if re.fullmatch(r"v\d+", path.stem) and int(path.stem[1:]) != values["number"]:
        errors.append(
            ContentError(
                shown,
                line_of("version"),
                f"the file is named {path.name} but says version {values['number']}",
                "file_name_not_version",
            )
        )
        return None
    body_line = file.body_line
    record = LocalRecord(
        partnership=partnership,
        chapter=chapter,
        body=file.body,
        path=shown,
        body_line=body_line,
        field_lines={key: line_of(key) for key in keys.values()},
        **values,
    )
    rendered, found_problems = check_local(
        record, anchors=chapters.get(chapter), contacts=contacts, first_line=body_line
    )
    before = len(errors)
    for problem in found_problems:
        key = keys.get(problem.field, problem.field)
        line = problem.line or (1 if key == "chapter" else record.line_of(key))
        words = f"{problem.message}; {problem.fix}" if problem.fix else problem.message
        errors.append(ContentError(shown, line, words, problem.code))
    if len(errors) > before:
        return None
    return dataclasses.replace(record, rendered=rendered)


def _check_local_versions(versions, errors):
    versions.sort(key=lambda v: v.number)
    gap = rules.numbering([v.number for v in versions], what="this local information")
    if gap is not None:
        last = versions[-1]
        errors.append(ContentError(last.path, last.line_of("version"), str(gap), gap.code))
        return []
    for after, problem in rules.dates_in_order(versions):
        errors.append(
            ContentError(after.path, after.line_of("effective"), str(problem), problem.code)
        )
    return versions
