"""One markdown file per chapter version: front matter, then the chapter text."""

import re

from procedures.content.errors import ContentError
from procedures.content.source_text import decode, key_line, split_front_matter
from procedures.records import FIELDS_BY_KEY, VersionRecord


def read_version_file(path, root, errors, *, max_bytes):
    shown = path.relative_to(root).as_posix()
    text = decode(path, shown, errors, max_bytes=max_bytes)
    if text is None:
        return None
    found = split_front_matter(text, shown, errors)
    if found is None:
        return None
    meta, front, lines, closing = found

    def line_of(key):
        front_line = key_line(front, str(key))
        return front_line + 1 if front_line else 1  # +1: the opening '---' is line 1

    body_lines = lines[closing + 1 :]
    body = "\n".join(body_lines).strip("\n") + "\n"
    leading_blank = len(body_lines) - len("\n".join(body_lines).lstrip("\n").split("\n"))
    record, problems = VersionRecord.from_front_matter(
        meta,
        body=body,
        path=shown,
        body_line=closing + 2 + leading_blank,
        field_lines={key: line_of(key) for key in meta},
    )
    for problem in problems:
        line = 1 if problem.code == "missing_field" else line_of(_key_of(problem.field))
        errors.append(ContentError(shown, line, str(problem), problem.code))
    if record is None:
        return None
    folder = path.parent.name if path.parent != root else ""
    if folder and path.parent.parent.name == "chapters" and folder != record.slug:
        errors.append(
            ContentError(
                shown,
                record.line_of("slug"),
                f"slug '{record.slug}' does not match the folder '{folder}': a chapter's files "
                "live in chapters/<slug>/, and a slug belongs to one chapter only",
                "slug_not_folder",
            )
        )
    if re.fullmatch(r"v\d+", path.stem) and int(path.stem[1:]) != record.number:
        errors.append(
            ContentError(
                shown,
                record.line_of("number"),
                f"the file is named {path.name} but says version {record.number}: "
                f"set 'version: {int(path.stem[1:])}' or rename the file",
                "file_name_not_version",
            )
        )
    return record


def _key_of(attr):
    return next((key for key, spec in FIELDS_BY_KEY.items() if spec.attr == attr), attr)
