"""One markdown file per chapter version: front matter, then the chapter text."""

import re

from procedures.content.errors import ContentError
from procedures.content.source_text import read_front_matter_file
from procedures.records import FIELDS_BY_KEY, VersionRecord


def read_version_file(path, root, errors, *, max_bytes):
    file = read_front_matter_file(path, root, errors, max_bytes=max_bytes)
    if file is None:
        return None
    shown, line_of = file.shown, file.line_of
    record, problems = VersionRecord.from_front_matter(
        file.meta,
        body=file.body,
        path=shown,
        body_line=file.body_line,
        field_lines={key: line_of(key) for key in file.meta},
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
