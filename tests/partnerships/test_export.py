"""export_content writes partnerships, their contacts and local information (including what
was published in the admin) and the national contacts, so export -> load -> export is exact."""

import datetime
import filecmp

import pytest
from django.core.management import call_command

from partnerships import publishing as partnership_publishing
from partnerships import selectors
from partnerships.models import (
    ContactsVersion,
    LocalInformation,
    Partnership,
    PartnershipDraft,
)

from .conftest import person
from .test_editing import local_draft, publish


def files_of(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db(transaction=True)
def test_partnerships_export_and_load_back_exactly(two_partnerships, tmp_path, capsys):
    two_partnerships.load()
    nora = person("nora", "Partnership editor", "northmoor")
    nick = person("nick", "Partnership publisher", "northmoor")
    publish(nick, local_draft(nora, body='Northmoor hub: "call" 01632 960123.\n\n- one\n- two'))
    northmoor = Partnership.objects.get(slug="northmoor")
    old = ContactsVersion.objects.get(partnership=northmoor).contacts
    publish(
        nick,
        partnership_publishing.save_draft(
            by=nora,
            draft=PartnershipDraft(
                kind=PartnershipDraft.Kind.CONTACTS,
                partnership=northmoor,
                name="Northmoor Partnership",
                area="Northmoor",
                body=old + '- kind: lado\n  name: "LADO"\n  email: lado@example.org\n',
                summary="Adds the LADO.",
                review_date=datetime.date.today() + datetime.timedelta(days=365),
            ),
        ),
    )
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_content", str(first), verbosity=0)
    assert "partnerships/northmoor/local/online-safety/v2.md" in files_of(first)
    assert (
        'name: "Northmoor Partnership"'
        in (first / "partnerships/northmoor/partnership.yaml").read_text()
    )
    assert "childline" in (first / "national-contacts.yaml").read_text()

    capsys.readouterr()
    call_command("load_content", str(first))
    assert "Nothing to do" in capsys.readouterr().out
    assert ContactsVersion.objects.filter(partnership=northmoor).count() == 2

    call_command("flush", interactive=False, verbosity=0)
    call_command("load_content", str(first), verbosity=0)
    call_command("export_content", str(second), verbosity=0)
    assert files_of(first) == files_of(second)
    _, mismatch, errors = filecmp.cmpfiles(first, second, files_of(first), shallow=False)
    assert (mismatch, errors) == ([], [])
    assert selectors.in_force(Partnership.objects.get(slug="northmoor")).get(kind="lado").email == (
        "lado@example.org"
    )
    assert LocalInformation.objects.filter(partnership__slug="northmoor").count() == 2
