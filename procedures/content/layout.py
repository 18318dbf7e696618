"""Which files of a content folder are read: only those content/README.md documents.

manual.yaml, synonyms.txt, README.md, national-contacts.yaml, chapters/<slug>/v<N>.md and the
partnerships/ folder (read, and its own layout checked, by partnerships.reading). Anything
else is reported
rather than skipped or loaded (a stray notes/x.md once became a chapter), and nothing is read
through a symbolic link that leads out of the folder.
"""

import re
from pathlib import Path

from procedures.content.errors import ContentError
from procedures.cross_links import SLUG

TOP_FILES = {"manual.yaml", "synonyms.txt", "README.md", "national-contacts.yaml"}
TOP_FILES.add("glossary.yaml")  # read by glossary.reading
# Read by partnerships.reading, which checks its own layout.
OTHER_FOLDERS = {"partnerships"}
VERSION_FILE = re.compile(r"^v[1-9][0-9]*\.md$")
# Version control's own files, when the content folder is a repository of its own.
IGNORED = {".git", ".gitignore", ".gitattributes", ".gitkeep"}


def chapter_files(root: Path, errors: list) -> list[Path]:
    """The chapter version files under `root`, in order; everything else is reported."""
    found = []
    for entry in _entries(root, root, errors):
        if entry.name == "chapters" and _is_folder(entry, root, errors):
            for folder in _entries(entry, root, errors):
                if not SLUG.match(folder.name):
                    _unexpected(folder, root, errors, "a chapter's folder is named by its slug")
                elif _is_folder(folder, root, errors):
                    for path in _entries(folder, root, errors):
                        if VERSION_FILE.match(path.name) and _is_file(path, root, errors):
                            found.append(path)
                        else:
                            _unexpected(path, root, errors, "versions are named v1.md, v2.md ...")
        elif entry.name in TOP_FILES:
            _is_file(entry, root, errors)
        elif entry.name in OTHER_FOLDERS:
            _is_folder(entry, root, errors)
        else:
            _unexpected(entry, root, errors, "")
    return sorted(found)


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every symbolic link followed, is within `root`."""
    return path.resolve().is_relative_to(root.resolve())


def _entries(folder, root, errors):
    return sorted(entry for entry in folder.iterdir() if entry.name not in IGNORED)


def _is_folder(path, root, errors):
    if path.is_symlink():
        if not inside(path, root):
            _refuse_link(path, root, errors)
        else:
            _unexpected(path, root, errors, "a link to a folder; use a real folder")
        return False
    if not path.is_dir():
        _unexpected(path, root, errors, "")
        return False
    return True


def _is_file(path, root, errors):
    if path.is_symlink() and not inside(path, root):
        _refuse_link(path, root, errors)
        return False
    if not path.is_file():  # a folder, a device, a named pipe
        _unexpected(path, root, errors, "")
        return False
    return True


def _refuse_link(path, root, errors):
    errors.append(
        ContentError(
            _shown(path, root),
            0,
            "a link to a file outside the content folder is not read; copy the file in instead",
            "symlink_outside",
        )
    )


def _unexpected(path, root, errors, hint):
    if path.is_symlink() and not inside(path, root):
        _refuse_link(path, root, errors)
        return
    what = "folder" if path.is_dir() and not path.is_symlink() else "file"
    errors.append(
        ContentError(
            _shown(path, root),
            0,
            f"this {what} is not part of the manual's layout"
            + (f" ({hint})" if hint else "")
            + ": the content folder holds manual.yaml, synonyms.txt, README.md and "
            "chapters/<slug>/v<N>.md only; move it elsewhere or rename it",
            f"unexpected_{what}",
        )
    )


def _shown(path, root):
    shown = path.relative_to(root).as_posix()
    return shown + "/" if path.is_dir() and not path.is_symlink() else shown
