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
