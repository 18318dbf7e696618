"""The words practitioners use for each kind of partnership contact.

"What to do now", search and the check that a number in local information matches the
partnership's contacts all read these, so "EDT", "out of hours" and "emergency duty team"
mean the same contact everywhere.
"""

KIND_WORDS = {
    "front-door": (
        "front door", "mash", "multi-agency safeguarding hub", "children's social care",
        "childrens social care", "referral", "social care",
    ),
    "out-of-hours": (
        "out of hours", "out-of-hours", "emergency duty team", "emergency duty service", "edt",
        "eds", "evenings", "weekends",
    ),
    "police-non-emergency": ("police non-emergency", "non-emergency police", "101"),
    "lado": ("lado", "designated officer", "allegations against staff"),
    "prevent": ("prevent", "channel", "radicalisation"),
    "safeguarding-lead": ("education safeguarding", "safeguarding lead", "schools safeguarding"),
    "business-unit": ("business unit", "partnership business"),
}  # fmt: skip


def kinds_named(text: str) -> set[str]:
    """The kinds of contact a piece of text names (whole words, any case)."""
    kept = "".join(ch if ch.isalnum() or ch in "'-" else " " for ch in text.casefold())
    folded = f" {' '.join(kept.split())} "
    return {kind for kind, words in KIND_WORDS.items() if any(f" {w} " in folded for w in words)}
