"""What a reader sees of partnerships: the choice, What to do now, local information, the
/p/ addresses, and a page cache that never mixes partnerships."""

import re

import pytest

from partnerships.models import Contact
from procedures.models import ChapterVersion

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def loaded(two_partnerships):
    two_partnerships.load()
    return two_partnerships


def test_partnership_address_shows_its_numbers_and_local_information(client, loaded):
    response = client.get("/p/northmoor/chapters/online-safety/")
    assert response.status_code == 200
    html = response.content.decode()
    top = html[html.index("What to do now") : html.index("All contacts")]
    assert 'href="tel:999"' in top
    assert 'href="tel:01632960001"' in top and 'href="tel:01632960002"' in top
    assert "CEOP Safety Centre" in top  # the chapter's own route
    assert "Local information: Northmoor" in html
    assert "Northmoor hub" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "Eastbrook" not in main and "0113 496" not in main


def test_local_information_sits_at_the_end_of_its_section(client, loaded):
    html = client.get("/p/northmoor/chapters/online-safety/").content.decode()
    assert (
        html.index('id="reporting-routes"')
        < html.index("Northmoor hub")
        < html.index('id="grooming"')
    )
    east = client.get("/p/eastbrook/chapters/online-safety/").content.decode()
    assert east.index('id="grooming"') < east.index("Eastbrook resilience service")


def test_no_partnership_chosen_says_local_information_exists_and_offers_the_choice(client, loaded):
    response = client.get("/chapters/online-safety/")
    page = text_of(response)
    assert "This chapter has local information from Eastbrook, Northmoor" in page
    assert "Choose your partnership" in page
    assert "Local information:" not in page
    assert 'name="partnership"' in response.content.decode()
    assert "Cookie" in response["Vary"]


def test_choosing_remembers_the_partnership_and_leads_to_its_address(client, loaded):
    response = client.get(
        "/choose/", {"partnership": "eastbrook", "next": "/p/northmoor/chapters/online-safety/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/p/eastbrook/chapters/online-safety/"
    assert client.cookies["partnership"].value == "eastbrook"
    remembered = client.get("/chapters/online-safety/")
    assert remembered.status_code == 302
    assert remembered["Location"] == "/p/eastbrook/chapters/online-safety/"
    assert "private" in remembered["Cache-Control"]
    cleared = client.get("/choose/", {"partnership": "", "next": "/chapters/online-safety/"})
    assert cleared["Location"] == "/chapters/online-safety/"
    assert client.get("/chapters/online-safety/").status_code == 200


def test_choosing_never_redirects_off_site(client, loaded):
    response = client.get("/choose/", {"partnership": "eastbrook", "next": "https://evil.example/"})
    assert response["Location"] == "/p/eastbrook/"


def test_links_on_a_partnership_page_stay_with_the_partnership(client, loaded):
    html = client.get("/p/northmoor/chapters/online-safety/").content.decode()
    assert 'href="/p/northmoor/amendments/"' in html
    # The printout check address names the local information and contacts versions too.
    assert "/p/northmoor/v/online-safety/1/?local=1&amp;contacts=1" in html
    # The print footer
    assert "With local information for Northmoor: local information version 1, " in html


def test_printout_check_names_the_partnership(client, loaded):
    response = client.get("/p/eastbrook/v/online-safety/1/")
    assert "Printed with local information for Eastbrook" in text_of(response)


def test_unknown_partnership_is_not_found_and_the_admin_is_not_served_under_one(client, loaded):
    assert client.get("/p/nowhere/chapters/online-safety/").status_code == 404
    assert client.get("/p/northmoor/admin/").status_code == 404


def test_contacts_page_lists_national_and_the_chosen_partnerships_contacts(client, loaded):
    page = text_of(client.get("/p/eastbrook/contacts/"))
    assert "Eastbrook Emergency Duty Team" in page and "0800 1111" in page
    assert "Northmoor Front Door" not in page
    assert "Childline" in text_of(client.get("/contacts/"))


def test_online_safety_names_its_national_routes_from_7_december_2026(client, sample_manual):
    """Version 4 (on the day version 3 takes effect) adds the routes: an amendment
    practitioners are told of, never a minor correction, with the routes in what changed."""

    v3, v4 = ChapterVersion.objects.filter(
        chapter__slug="online-safety", number__in=[3, 4]
    ).order_by("number")
    assert v4.source == v3.source and v4.change == "updated"
    what_changed = client.get("/chapters/online-safety/versions/3...4/").content.decode()
    assert "what changed is in the details above" in what_changed
    assert "What to do now" in what_changed and "CEOP Safety Centre" in what_changed
    assert v4.routes == ["ceop", "report-remove", "iwf", "childline", "report-harmful-content"]
    page = client.get("/chapters/online-safety/versions/4/").content.decode()
    start = page.index('id="what-to-do-now"')
    box = page[start : page.index("</section>", start)]
    names = [c.name for c in Contact.objects.filter(partnership=None, slug__in=v4.routes)]
    assert len(names) == 5
    for name in names:
        assert f"<strong>{name}:</strong>" in box
    earlier = client.get("/chapters/online-safety/versions/3/").content.decode()
    start = earlier.index('id="what-to-do-now"')
    assert names[0] not in earlier[start : earlier.index("</section>", start)]
