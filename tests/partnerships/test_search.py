"""Search finds contacts and the chosen partnership's local information, never another
partnership's; a search that finds nothing still shows the emergency routes."""

import pytest

from .test_pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(two_partnerships):
    two_partnerships.load()
    return two_partnerships


def test_a_contact_can_be_a_result(client, loaded):
    page = text_of(client.get("/search/", {"q": "childline"}))
    assert "Contacts" in page and "0800 1111" in page


def test_out_of_hours_finds_the_chosen_partnerships_emergency_duty_team(client, loaded):
    page = text_of(client.get("/p/northmoor/search/", {"q": "out of hours"}))
    assert "Northmoor Emergency Duty Team" in page
    assert "Eastbrook Emergency Duty Team" not in page
    # With none chosen, each partnership's, named as its, and the choice (issue 20).
    nobody = text_of(client.get("/search/", {"q": "emergency duty team"}))
    assert "Eastbrook: Eastbrook Emergency Duty Team" in nobody
    assert "Northmoor: Northmoor Emergency Duty Team" in nobody
    assert "Choose your partnership to see only its numbers" in nobody


def test_local_information_is_found_for_its_own_partnership_only(client, loaded):
    north = client.get("/p/northmoor/search/", {"q": "hub"}).content.decode()
    assert "Northmoor hub" in north
    assert 'href="/p/northmoor/chapters/online-safety/#local-information-northmoor"' in north
    east = text_of(client.get("/p/eastbrook/search/", {"q": "hub"}))
    assert "Northmoor hub" not in east
    assert "Eastbrook resilience" in text_of(
        client.get("/p/eastbrook/search/", {"q": "resilience"})
    )


def test_results_lead_to_pages_of_the_same_partnership(client, loaded):
    html = client.get("/p/eastbrook/search/", {"q": "grooming"}).content.decode()
    assert 'href="/p/eastbrook/chapters/online-safety/#grooming"' in html
    plain = client.get("/search/", {"q": "grooming"}).content.decode()
    assert 'href="/chapters/online-safety/#grooming"' in plain


def test_no_results_page_always_shows_the_emergency_routes(client, loaded):
    page = client.get("/p/eastbrook/search/", {"q": "zzyzx"}).content.decode()
    assert 'href="tel:999"' in page
    assert 'href="tel:01134960002"' in page  # Eastbrook's out-of-hours number
    assert 'href="tel:999"' in client.get("/search/", {"q": "zzyzx"}).content.decode()
    assert 'href="tel:999"' in client.get("/search/", {"q": ""}).content.decode()
