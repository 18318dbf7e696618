"""The read side of partnerships: contacts, and local information as it stands on a day."""

from procedures import selectors as procedures_selectors

from .models import Contact, LocalInformation, Partnership

WHAT_TO_DO_NOW = (Contact.Kind.FRONT_DOOR, Contact.Kind.OUT_OF_HOURS)


def national_contacts():
    return list(Contact.objects.filter(partnership=None))


def contacts(partnership):
    return list(Contact.objects.filter(partnership=partnership))


def urgent_contacts(partnership):
    """The partnership's front door and out-of-hours contacts, in that order."""
    if partnership is None:
        return []
    found = Contact.objects.filter(partnership=partnership, kind__in=WHAT_TO_DO_NOW)
    return sorted(found, key=lambda c: (WHAT_TO_DO_NOW.index(c.kind), c.order))


def routes(slugs):
    """National contacts named by a chapter, in the chapter's order."""
    by_slug = {c.slug: c for c in Contact.objects.filter(partnership=None, slug__in=slugs)}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def local_information(partnership, chapter, *, on=None):
    """The partnership's local information in the chapter on a day: the latest version whose
    effective date has come, or None."""
    if partnership is None or chapter.pk is None:
        return None
    on = on or procedures_selectors.today()
    return (
        LocalInformation.objects.filter(
            partnership=partnership, chapter=chapter, effective_date__lte=on
        )
        .order_by("-number")
        .first()
    )


def partnerships_with_local_information(chapter, *, on=None):
    """Partnerships that have local information in the chapter (for readers who chose none)."""
    if chapter.pk is None:
        return []
    on = on or procedures_selectors.today()
    return list(
        Partnership.objects.filter(
            local_information__chapter=chapter, local_information__effective_date__lte=on
        ).distinct()
    )


def current_local_information(partnership, *, on=None):
    """The partnership's current local information in every chapter."""
    on = on or procedures_selectors.today()
    latest = {}
    for item in (
        LocalInformation.objects.filter(partnership=partnership, effective_date__lte=on)
        .select_related("chapter")
        .order_by("chapter_id", "number")
    ):
        latest[item.chapter_id] = item
    return list(latest.values())
