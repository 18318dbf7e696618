"""What a chapter's routes (whom to call, where to report) are called.

A route names a contact, which the core does not know: the partnerships app installs how to
name them when it starts (`partnerships.apps`), so "what changed" and the version rules say
"adds CEOP Safety Centre" rather than a slug. Until then a route is shown by its slug.
"""

_namer = None
_choices = None


def install(namer, choices=None):
    """`namer(slugs)` returns a name for each route slug, in order (None for a slug that
    names no contact); `choices()` the routes a chapter may name, as (slug, name) in the
    order What to do now lists them."""
    global _namer, _choices
    _namer, _choices = namer, choices


def choices() -> list[tuple[str, str]]:
    return list(_choices()) if _choices is not None else []


def _named(slugs):
    slugs = list(slugs)
    if _namer is None or not slugs:
        return [(slug, slug) for slug in slugs]
    return list(zip(slugs, _namer(slugs), strict=True))


def names(slugs) -> list[str]:
    return [name or slug for slug, name in _named(slugs)]


def unknown(slugs) -> list[str]:
    """The slugs that name no contact (none, until partnerships says what they are)."""
    return [slug for slug, name in _named(slugs) if name is None]


def changes(before, after) -> list[str]:
    """A change of routes in words: "adds CEOP Safety Centre to What to do now"..."""
    before, after = list(before or ()), list(after or ())
    added = [slug for slug in after if slug not in before]
    removed = [slug for slug in before if slug not in after]
    words = []
    if added:
        words.append(f"adds {', '.join(names(added))} to What to do now")
    if removed:
        words.append(f"takes {', '.join(names(removed))} out of What to do now")
    if not words and before != after:
        words.append("reorders What to do now")
    return words
