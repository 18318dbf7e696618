import textwrap

import pytest
from django.contrib.auth.models import Group, User

from partnerships.models import Partnership, PartnershipEditor


def write_partnership(root, slug, name, *, front_door, out_of_hours, extra=""):
    folder = root / "partnerships" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "partnership.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: "{name}"
            area: "{name} area"
            contacts:
              - kind: front-door
                name: "{name} Front Door"
                phone: "{front_door}"
              - kind: out-of-hours
                name: "{name} Emergency Duty Team"
                phone: "{out_of_hours}"
            """
        )
        + extra,
        encoding="utf-8",
    )
    return folder / "partnership.yaml"


def write_local(root, partnership, chapter, body, *, version=1, section="", effective="2024-01-01"):
    path = root / "partnerships" / partnership / "local" / chapter / f"v{version}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    section_line = f"section: {section}\n" if section else ""
    path.write_text(
        f'---\nversion: {version}\neffective: {effective}\nsummary: "Local text."\n'
        f"{section_line}---\n\n{body}\n",
        encoding="utf-8",
    )
    return path


def write_national(root):
    (root / "national-contacts.yaml").write_text(
        textwrap.dedent(
            """\
            contacts:
              - slug: ceop
                kind: national-helpline
                name: "CEOP Safety Centre"
                web: "https://www.ceop.police.uk/Safety-Centre/"
              - slug: childline
                kind: national-helpline
                name: "Childline"
                phone: "0800 1111"
            """
        ),
        encoding="utf-8",
    )


@pytest.fixture
def two_partnerships(manual):
    """A manual with an Online safety chapter naming CEOP, and two partnerships with local
    information in it."""
    manual.chapter(
        "online-safety",
        "## Reporting routes {#reporting-routes}\n\nReport it.\n\n"
        "## Grooming {#grooming}\n\nText.\n",
        number="2.5",
        extra="routes: [ceop]\n",
    )
    write_national(manual.root)
    write_partnership(
        manual.root,
        "northmoor",
        "Northmoor",
        front_door="01632 960001",
        out_of_hours="01632 960002",
    )
    write_partnership(
        manual.root,
        "eastbrook",
        "Eastbrook",
        front_door="0113 496 0001",
        out_of_hours="0113 496 0002",
    )
    write_local(
        manual.root,
        "northmoor",
        "online-safety",
        "Northmoor hub: call 01632 960999.",
        section="reporting-routes",
    )
    write_local(manual.root, "eastbrook", "online-safety", "Eastbrook resilience service.")
    return manual


def person(name, group, *partnerships):
    user = User.objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    for slug in partnerships:
        PartnershipEditor.objects.create(user=user, partnership=Partnership.objects.get(slug=slug))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def loaded(two_partnerships):
    two_partnerships.load()
    return two_partnerships


@pytest.fixture
def people(loaded):
    return {
        "nora": person("nora", "Partnership editor", "northmoor"),
        "nick": person("nick", "Partnership publisher", "northmoor"),
        "ed": person("ed", "Partnership editor", "eastbrook"),
        "eve": person("eve", "Partnership publisher", "eastbrook"),
    }


@pytest.fixture
def publisher(loaded):
    return person("pat", "Publisher")


@pytest.fixture
def other_publisher(loaded):
    return person("quinn", "Publisher")
