"""The A-Z glossary page, its links from every page, and marked first uses on chapter pages
(also under a partnership's address, on a past date, in the admin's preview of a draft)."""

import re

import pytest
from django.test import Client

from tests.publishing.conftest import draft_of, editor  # noqa: F401
from tests.publishing.test_page_cache import both_workers, shared_cache  # noqa: F401

from .conftest import CSE, LADO, write_glossary

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_glossary_page_lists_entries_a_to_z_with_letters_and_anchors(client, sample_manual):
    html = page(client, "/glossary/")
    assert '<h1 class="govuk-heading-xl">Glossary</h1>' in html
    # Letters with entries link to their heading; letters without are not links.
    assert 'href="#letter-c"' in html and 'id="letter-c"' in html
    assert 'href="#letter-x"' not in html and 'aria-hidden="true">X</span>' in html
    assert 'id="lado"' in html
    assert "<abbr>LADO</abbr> (local authority designated officer)</dt>" in html
    terms = re.findall(r'<dt class="[^"]*">(?:<abbr>)?([^<(]+)', html)
    assert terms == sorted(terms, key=str.casefold) and len(terms) >= 20
    # A later version shows what changed.
    assert "Version 2, effective 21 June 2024: Says when to tell the LADO" in html


def test_glossary_is_linked_from_the_header_footer_and_contents(client, sample_manual):
    contents = page(client, "/")
    assert contents.count('href="/glossary/"') == 3  # header, contents text, footer
    glossary = page(client, "/glossary/")
    assert 'href="/glossary/" aria-current="page"' in glossary


def test_glossary_under_a_partnership_keeps_its_address(client, sample_manual):
    html = page(client, "/p/northmoor/glossary/")
    assert 'href="/p/northmoor/glossary/"' in html and 'id="lado"' in html


def test_chapter_marks_the_first_use_of_each_term_only(client, sample_manual):
    html = page(client, "/chapters/allegations-against-staff-or-volunteers/")
    assert html.count('href="/glossary/#lado"') == 1
    assert (
        'Designated Officer (<a class="govuk-link" href="/glossary/#lado"><abbr>LADO</abbr></a>)'
        in html
    )
    assert "<h2" in html and "(LADO)" in html  # the heading keeps its plain text
    north = page(client, "/p/northmoor/chapters/allegations-against-staff-or-volunteers/")
    assert 'href="/p/northmoor/glossary/#lado"' in north


def test_a_past_date_uses_the_glossary_as_it_stood(client, sample_manual):
    html = page(client, "/glossary/")
    assert "Employers tell the LADO within one working day" in html
    # The term links the same way; the definition shown on the glossary page is today's.
    past = page(client, "/as-of/2023-07-01/chapters/allegations-against-staff-or-volunteers/")
    assert 'href="/glossary/#lado"' in past


def test_a_term_is_marked_only_from_its_entrys_effective_date(client, manual):
    manual.chapter("exploitation", "Tell the LADO.\n")
    write_glossary(manual.root, LADO.replace("2024-01-01", "2024-06-01"))
    manual.load()
    before = page(client, "/as-of/2024-03-01/chapters/exploitation/")
    after = page(client, "/as-of/2024-07-01/chapters/exploitation/")
    assert "/glossary/#lado" not in before and "/glossary/#lado" in after


def test_an_empty_glossary_says_so(client, manual):
    manual.chapter("exploitation", "Tell the LADO.\n")
    manual.load()
    assert "There are no glossary entries yet" in page(client, "/glossary/")


def test_the_admin_preview_of_a_draft_marks_terms_as_the_page_will(
    client,
    glossary_manual,
    editor,  # noqa: F811
    draft_of,  # noqa: F811
):
    glossary_manual.load()
    draft = draft_of("exploitation", by=editor, body="Ask the LADO first.\n")
    client.force_login(editor)
    preview = page(client, f"/admin/procedures/draft/{draft.pk}/preview/")
    assert (
        '<a class="govuk-link" href="/glossary/#lado"><abbr>LADO</abbr> '
        "(local authority designated officer)</a> first." in preview
    )


@pytest.mark.django_db(transaction=True)
def test_a_glossary_change_shows_on_cached_chapter_pages_at_once(
    shared_cache,  # noqa: F811
    glossary_manual,
):
    glossary_manual.load()
    path = "/chapters/exploitation/"
    assert all("(local authority designated officer)" in html for html in both_workers(path))
    assert all("(local authority designated officer)" in html for html in both_workers(path))
    second = LADO + (
        "      - version: 2\n"
        "        effective: 2024-02-01\n"
        '        summary: "Expansion capitalised as the statute writes it."\n'
        "        term: LADO\n"
        "        expansion: Local Authority Designated Officer\n"
        '        definition: "Manages allegations."\n'
    )
    from .conftest import COUNTY_LINES

    write_glossary(glossary_manual.root, second, CSE, COUNTY_LINES)
    glossary_manual.load()
    assert all("(Local Authority Designated Officer)" in html for html in both_workers(path))
    assert Client().get("/glossary/").content.decode().count("Manages allegations.") == 1
