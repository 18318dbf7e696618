"""What changed between two revisions of a draft's text, line by line, word by word.

Pure. The chapter diff (procedures.diffing) compares rendered sections, for publishers; this
compares the markdown an editor types, with its line numbers, for the draft's history: lines
changed in place show their words added and removed (procedures.diffing.words_diff marks
them, never by colour alone), unchanged lines around a change are shown for context and
the rest skipped.
"""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from procedures.diffing import words_diff
from procedures.merging import lines_of

CONTEXT = 2


@dataclass(frozen=True)
class Row:
    old: int | None  # line number before (None: an added line)
    new: int | None  # line number after (None: a removed line)
    html: SafeString
    kind: str  # "same", "changed", "added", "removed"


def line_diff(before: str, after: str, *, context: int = CONTEXT) -> list[list[Row]]:
    """Hunks of rows: each a run of changes with `context` unchanged lines around it."""
    old, new = lines_of(before), lines_of(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        rows = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [
                    Row(i + 1, j + 1, mark_safe(escape(old[i])), "same")
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(paired):
                rows.append(
                    Row(i1 + k + 1, j1 + k + 1, words_diff(old[i1 + k], new[j1 + k]), "changed")
                )
            for i in range(i1 + paired, i2):
                rows.append(Row(i + 1, None, words_diff(old[i], ""), "removed"))
            for j in range(j1 + paired, j2):
                rows.append(Row(None, j + 1, words_diff("", new[j]), "added"))
        hunks.append(rows)
    return hunks
