"""Phone numbers in the text: a number shown and the `tel:` link behind it must agree.

A practitioner reads the number and taps the link; if an editor changes one and not the
other, the tap dials a number nobody checked. Linear in the text: each line is scanned once
with `str.find`, no pattern that can backtrack.
"""

from procedures.problems import Problem

MIN_DIGITS = 3  # "999", "101": fewer digits in a link's text is words ("call us")


def digits(text: str) -> str:
    """The number a phone would dial: digits only, +44 written as the leading 0."""
    kept = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if kept.startswith("+44"):
        kept = "0" + kept[3:]
    return kept.replace("+", "")


def tel_links(line: str):
    """(shown text, dialled address) of each `[text](tel:...)` link in a line of markdown."""
    start = 0
    while (found := line.find("](tel:", start)) != -1:
        # A link's text starts after the previous link: looking further back read the line
        # again for every link (the square of its length).
        opening = line.rfind("[", start, found)
        closing = line.find(")", found)
        if closing == -1:
            return  # no link after this one can close either
        if opening != -1:
            yield line[opening + 1 : found], line[found + 6 : closing]
        start = found + 6


def phone_link_problems(lines) -> list[Problem]:
    """`lines` are (line number, text) of the markdown outside code blocks."""
    problems = []
    for number, line in lines:
        for shown, dialled in tel_links(line):
            seen = digits(shown)
            if len(seen) >= MIN_DIGITS and seen != digits(dialled):
                problems.append(
                    Problem(
                        "phone_link_mismatch",
                        f"the text shows {shown.strip()} but its link dials {dialled.strip()}",
                        "make the number shown and its tel: link the same",
                        "body",
                        number,
                    )
                )
    return problems
