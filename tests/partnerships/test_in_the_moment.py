"""Issue 20, in the moment of need: the local numbers one tap from every page, the contents
page of a partnership starting with them, and What to do now that is each chapter's own."""

import re

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/chapters/online-safety/",
    "/amendments/",
    "/glossary/",
    "/search/?q=lado",
    "/contacts/",
]


def header_and_footer(html):
    header = html[html.index("<header") : html.index("</header>")]
    footer = html[html.index("<footer") : html.index("</footer>")]
    return header, footer


def contacts_links(part):
    return re.findall(r'<a [^>]*href="([^"]*contacts/)"[^>]*>\s*(?:<strong[^>]*>)?Contacts', part)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_contacts_link_in_header_and_footer(client, sample_manual, path):
    header, footer = header_and_footer(client.get(path).content.decode())
    assert contacts_links(header) == ["/contacts/"]
    assert contacts_links(footer) == ["/contacts/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_under_a_partnership_the_contacts_link_leads_to_its_contacts(client, sample_manual, path):
    response = client.get("/p/northmoor" + path)
    assert response.status_code == 200
    header, footer = header_and_footer(response.content.decode())
    assert contacts_links(header) == ["/p/northmoor/contacts/"]
    assert contacts_links(footer) == ["/p/northmoor/contacts/"]


def test_a_partnerships_contents_page_starts_with_its_numbers_and_999(client, sample_manual):
    html = client.get("/p/northmoor/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    numbers = main[main.index("<h1") : main.index('id="part-1"')]
    tels = re.findall(r'href="tel:([^"]+)"', numbers)
    # 999, the front door, out of hours and the LADO, before the introduction and the parts.
    assert tels == ["999", "01632960001", "01632960002", "01632960004"]
    assert numbers.index("tel:999") < numbers.index("The procedures that practitioners")
    assert "Northmoor Emergency Duty Team" in numbers and "Northmoor LADO" in numbers


def test_contents_with_no_partnership_keeps_999_and_shows_no_local_number(client, sample_manual):
    main = client.get("/").content.decode()
    assert "contact the police on 999" in main
    assert "tel:01632" not in main
