"""Carrying a scheduled version forward onto an urgent correction: a three-way merge of lines.

`base` is the text both started from (the version in force), `ours` the correction, `theirs`
the scheduled version. Where they changed different lines, both changes are kept; where they
changed the same lines differently, there is no merge and a person decides (the scheduled
version is sent back for review). Linear in the texts apart from difflib's matching.
"""

import difflib


def merge3(base: str, ours: str, theirs: str) -> str | None:
    """The merged text, or None when the two sides changed the same lines differently."""
    base_lines = base.splitlines(keepends=True)
    our_lines = ours.splitlines(keepends=True)
    their_lines = theirs.splitlines(keepends=True)
    ours_changes = _changes(base_lines, our_lines)
    theirs_changes = _changes(base_lines, their_lines)
    merged, position = [], 0
    changes = sorted(
        [(start, end, lines, "ours") for start, end, lines in ours_changes]
        + [(start, end, lines, "theirs") for start, end, lines in theirs_changes],
        key=lambda change: (change[0], change[1]),
    )
    index = 0
    while index < len(changes):
        start, end, lines, side = changes[index]
        # Changes that touch or overlap the same base lines form one region.
        region_end, region = end, [changes[index]]
        while index + 1 < len(changes) and _touches(changes[index + 1], region_end, start):
            index += 1
            region.append(changes[index])
            region_end = max(region_end, changes[index][1])
        sides = {change[3] for change in region}
        if len(sides) == 2:
            ours_text = _apply(base_lines, start, region_end, [c for c in region if c[3] == "ours"])
            theirs_text = _apply(
                base_lines, start, region_end, [c for c in region if c[3] == "theirs"]
            )
            if ours_text != theirs_text:
                return None
            replacement = ours_text
        else:
            replacement = _apply(base_lines, start, region_end, region)
        merged.extend(base_lines[position:start])
        merged.extend(replacement)
        position = region_end
        index += 1
    merged.extend(base_lines[position:])
    return "".join(merged)


def _changes(base, other):
    """(start, end, replacement lines) of each change from `base` to `other`."""
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [
        (i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _touches(change, region_end, region_start):
    start, end = change[0], change[1]
    # An insertion at the edge of a region counts as touching it: the order of the lines
    # would otherwise be a guess.
    return start < region_end or start == region_end or (start == end == region_start)


def _apply(base, start, end, changes):
    """Base lines start..end with `changes` (all from one side) applied."""
    out, position = [], start
    for change_start, change_end, lines, _side in sorted(changes, key=lambda c: (c[0], c[1])):
        out.extend(base[position:change_start])
        out.extend(lines)
        position = change_end
    out.extend(base[position:end])
    return out
