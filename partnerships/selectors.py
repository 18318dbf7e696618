"""The read side of partnerships: contacts and local information as they stand on a day
(the versions in force then, by the versioning kit's one rule)."""

from django.db.models import Q

from procedures import selectors as procedures_selectors
from procedures.models import valid_on

from .models import Contact, ContactsVersion, LocalInformation, Partnership

WHAT_TO_DO_NOW = (Contact.Kind.FRONT_DOOR, Contact.Kind.OUT_OF_HOURS)
KEY_NUMBERS = (*WHAT_TO_DO_NOW, Contact.Kind.LADO)


def _contacts_versions_on(on):
    """The contacts versions in force on the day. Before a partnership's first version (an
    as-of view of a day before contacts were first loaded) its first one stands: nothing
    earlier is on record."""
    return ContactsVersion.objects.filter(valid_on(on) | Q(number=1, effective_date__gt=on))


def in_force(partnership=None, *, on=None, national=False):
    """The contacts in force on the day: a partnership's, or (national) everyone's."""
    versions = _contacts_versions_on(on or procedures_selectors.today())
    versions = (
        versions.filter(partnership__isnull=True)
        if national
        else versions.filter(partnership=partnership)
    )
    return Contact.objects.filter(version__in=versions.values("pk"))


def newest_contacts(partnership=None):
    """The contacts of the newest version (scheduled or in force): what the next version
    starts from, and what export writes. None: the national contacts."""
    newest = ContactsVersion.objects.of(partnership=partnership).newest()
    return Contact.objects.filter(version__in=newest.values("pk"))


def national_contacts(on=None):
    return list(in_force(national=True, on=on))


def contacts(partnership, on=None):
    return list(in_force(partnership, on=on))


def contacts_version(partnership, *, on=None, national=False):
    """The version of a partnership's (or the national) contacts in force on the day."""
    versions = _contacts_versions_on(on or procedures_selectors.today())
    if national:
        return versions.filter(partnership__isnull=True).first()
    return versions.filter(partnership=partnership).first()


def urgent_contacts(partnership, on=None, *, kinds=WHAT_TO_DO_NOW):
    """The partnership's front door and out-of-hours contacts (or `kinds`), in that order."""
    if partnership is None:
        return []
    found = in_force(partnership, on=on).filter(kind__in=kinds)
    return sorted(found, key=lambda c: (kinds.index(c.kind), c.order))


def key_numbers(partnership, on=None):
    """What the contents page of a partnership starts with: its front door, out-of-hours
    and LADO numbers (the numbers a practitioner most often needs at once)."""
    return urgent_contacts(partnership, on, kinds=KEY_NUMBERS)


def routes(slugs, partnership=None, on=None):
    """The contacts a chapter's routes name: the partnership's own by kind (left out with
    no partnership chosen), then the national contacts by slug, each in the chapter's order."""
    slugs = list(slugs)
    national = {c.slug: c for c in in_force(national=True, on=on).filter(slug__in=slugs)}
    local = {}
    if partnership is not None:
        for contact in in_force(partnership, on=on).filter(kind__in=slugs).order_by("order"):
            local.setdefault(contact.kind, contact)
    return [local[s] for s in slugs if s in local] + [
        national[s] for s in slugs if s in national and s not in local
    ]


def local_routes_to_choose(slugs):
    """The kinds of partnership contact a chapter's routes name, as their labels: what a
    reader with no partnership chosen is asked to choose one for."""
    kinds = dict(Contact.Kind.choices)
    return [kinds[slug] for slug in slugs if slug in kinds and slug != "national-helpline"]


def each_partnerships_contacts(kinds, on=None):
    """Every partnership's contacts of these kinds in force on the day, partnership by
    partnership: what a search that names a kind of contact shows a reader who has chosen
    no partnership."""
    versions = _contacts_versions_on(on or procedures_selectors.today()).filter(
        partnership__isnull=False
    )
    found = Contact.objects.filter(version__in=versions.values("pk"), kind__in=kinds)
    order = list(kinds)
    return sorted(
        found.select_related("partnership"),
        key=lambda c: (c.partnership.name, order.index(c.kind), c.order),
    )


def route_choices():
    """What a chapter's routes may name, in What to do now's order: each partnership's own
    contacts by kind (local first), then the national contacts."""
    local = [
        (kind, f"{label} (each partnership's own)")
        for kind, label in Contact.Kind.choices
        if kind not in ("national-helpline", "business-unit")
    ]
    return local + [(c.slug, c.name) for c in in_force(national=True).order_by("order", "name")]


def route_names(slugs):
    """A name for each route slug, None for a slug that names no contact: a national
    contact's name, or a kind of partnership contact."""
    kinds = dict(Contact.Kind.choices)
    national = {c.slug: c.name for c in in_force(national=True).filter(slug__in=slugs)}
    return [national.get(slug) or kinds.get(slug) for slug in slugs]


def changes(partnership, *, on=None, recent=10):
    """The partnership's local information and contacts versions still to take effect
    (soonest first) and the latest ones in effect (newest first), for the amendments page."""
    on = on or procedures_selectors.today()
    local = LocalInformation.objects.filter(partnership=partnership).select_related("chapter")
    contacts = ContactsVersion.objects.filter(partnership=partnership)
    coming = sorted(
        [*local.scheduled(after=on), *contacts.scheduled(after=on)],
        key=lambda v: (v.effective_date, v.number),
    )
    done = sorted(
        [
            *local.in_effect_by(on).order_by("-effective_date", "-number")[:recent],
            *contacts.in_effect_by(on).order_by("-effective_date", "-number")[:recent],
        ],
        key=lambda v: (v.effective_date, v.published_at),
        reverse=True,
    )[:recent]
    return {"coming": coming, "recent": done}


def local_information(partnership, chapter, *, on=None):
    """The partnership's local information in the chapter on a day, or None."""
    if partnership is None or chapter.pk is None:
        return None
    on = on or procedures_selectors.today()
    return (
        LocalInformation.objects.valid_on(on)
        .filter(partnership=partnership, chapter=chapter)
        .first()
    )


def partnerships_with_local_information(chapter, *, on=None):
    """Partnerships that have local information in the chapter (for readers who chose none)."""
    if chapter.pk is None:
        return []
    on = on or procedures_selectors.today()
    with_local = LocalInformation.objects.valid_on(on).filter(chapter=chapter)
    return list(Partnership.objects.filter(pk__in=with_local.values("partnership_id")))


def current_local_information(partnership, *, on=None):
    """The partnership's current local information in every chapter."""
    on = on or procedures_selectors.today()
    return list(
        LocalInformation.objects.valid_on(on)
        .filter(partnership=partnership)
        .select_related("chapter")
        .order_by("chapter_id")
    )
