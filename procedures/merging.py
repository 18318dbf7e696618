"""Two people changed one draft: combine their changes, and name where they clash.

A three-way merge against the revision both started from (the base): a field or a run of
lines changed by one side only takes that side's change; changed by both, the same way, it
is taken once; changed by both in different ways it is a `Clash`, which the editor settles
by choosing their lines, theirs, or both. Pure: values in, a `Merge` out.
"""

import difflib
from dataclasses import dataclass, field

MINE, THEIRS, BOTH = "mine", "theirs", "both"


@dataclass(frozen=True)
class Clash:
    """A run of lines (or one field) that both sides changed differently."""

    key: str  # "body-3" or the field's name: the form field the choice is posted in
    base: tuple[str, ...]
    mine: tuple[str, ...]
    theirs: tuple[str, ...]
    start_line: int  # where the run starts in the merged text (1-based; bodies only)

    def resolved(self, choice):
        if choice == THEIRS:
            return list(self.theirs)
        if choice == BOTH:
            return list(self.theirs) + list(self.mine)
        return list(self.mine)


@dataclass
class BodyMerge:
    """The text as runs: ("same", lines) taken as they are, or a Clash to settle."""

    runs: list = field(default_factory=list)

    @property
    def clashes(self):
        return [run for run in self.runs if isinstance(run, Clash)]

    def text(self, choices=None):
        choices = choices or {}
        lines = []
        for run in self.runs:
            if isinstance(run, Clash):
                lines += run.resolved(choices.get(run.key, MINE))
            else:
                lines += run
        return "\n".join(lines)


def merge_lines(base: str, mine: str, theirs: str) -> BodyMerge:
    """Three-way merge of two texts by lines."""
    base_lines, my_lines, their_lines = (lines_of(text) for text in (base, mine, theirs))
    kept_mine = _unchanged(base_lines, my_lines)
    kept_theirs = _unchanged(base_lines, their_lines)
    # Lines of the base that both kept are the fixed points; between two of them, each side
    # replaced the same stretch of the base with something of its own.
    anchors = [i for i in range(len(base_lines)) if i in kept_mine and i in kept_theirs]
    merge, clash_count = BodyMerge(), 0
    b = m = t = 0
    line = 1
    for anchor in [*anchors, len(base_lines)]:
        m_end = kept_mine[anchor] if anchor < len(base_lines) else len(my_lines)
        t_end = kept_theirs[anchor] if anchor < len(base_lines) else len(their_lines)
        old, mine_run, theirs_run = base_lines[b:anchor], my_lines[m:m_end], their_lines[t:t_end]
        if mine_run == theirs_run or theirs_run == old:
            taken = mine_run
        elif mine_run == old:
            taken = theirs_run
        else:
            clash_count += 1
            clash = Clash(
                f"body-{clash_count}", tuple(old), tuple(mine_run), tuple(theirs_run), line
            )
            merge.runs.append(clash)
            line += len(mine_run)
            taken = None
        if taken:
            _add_same(merge, taken)
            line += len(taken)
        if anchor < len(base_lines):
            _add_same(merge, [base_lines[anchor]])
            line += 1
        b, m, t = anchor + 1, m_end + 1, t_end + 1
    return merge


def merge3(base: str, mine: str, theirs: str) -> str | None:
    """The merged text when the two sides never change the same lines in different ways,
    else None (a person settles it). Carrying a scheduled version forward onto an urgent
    correction asks this (procedures.versioning.carrying)."""
    merge = merge_lines(base, mine, theirs)
    if merge.clashes:
        return None
    text = merge.text()
    return text + "\n" if text and any(t.endswith("\n") for t in (mine, theirs)) else text


def lines_of(text: str) -> list[str]:
    """A text's lines, whatever its line ends and however many blank lines end it (a form
    strips them, a file keeps one)."""
    return text.replace("\r\n", "\n").rstrip("\n").split("\n")


def _unchanged(old, new):
    """Which lines of `old` survive unchanged in `new`: {index in old: index in new}."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    kept = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            kept[block.a + offset] = block.b + offset
    return kept


def _add_same(merge, lines):
    if merge.runs and not isinstance(merge.runs[-1], Clash):
        merge.runs[-1] = merge.runs[-1] + list(lines)
    else:
        merge.runs.append(list(lines))


@dataclass
class Merge:
    """Every field merged: `values` holds what is settled, `clashes` what is not (the body's
    runs are in `body`)."""

    values: dict
    body: BodyMerge
    clashes: list  # Clash per field changed differently by both (its lines: one value)

    @property
    def settled(self):
        return not self.clashes and not self.body.clashes

    def result(self, choices=None) -> dict:
        """The merged values, each clash settled by `choices` ({key: MINE|THEIRS|BOTH},
        mine where none was made)."""
        choices = choices or {}
        values = dict(self.values)
        values["body"] = self.body.text(choices)
        for clash in self.clashes:
            chosen = choices.get(clash.key, MINE)
            values[clash.key] = (clash.theirs if chosen == THEIRS else clash.mine)[0]
        return values


def merge_values(base: dict, mine: dict, theirs: dict) -> Merge:
    """Merge two sides' field values against the base they both started from (a missing
    base: every difference is a clash)."""
    values, clashes = {}, []
    for name in mine.keys() | theirs.keys():
        if name == "body":
            continue
        old, my, their = base.get(name), mine.get(name), theirs.get(name)
        if my == their or their == old:
            values[name] = my
        elif my == old:
            values[name] = their
        else:
            clashes.append(Clash(name, (old,), (my,), (their,), 0))
    body = merge_lines(base.get("body", "") or "", mine.get("body", ""), theirs.get("body", ""))
    return Merge(values=values, body=body, clashes=sorted(clashes, key=lambda c: c.key))
