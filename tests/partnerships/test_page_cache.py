"""The page cache keeps each partnership's pages apart, and new local information or contacts
show at once (the tests commit for real, as tests/publishing/test_page_cache.py explains)."""

import pytest
from django.test import Client

from tests.publishing.test_page_cache import both_workers, shared_cache  # noqa: F401

from .conftest import write_local

pytestmark = pytest.mark.django_db(transaction=True)


def test_page_cache_never_mixes_partnerships(shared_cache, two_partnerships):  # noqa: F811
    two_partnerships.load()
    client = Client()
    for round_ in ("rendered", "cached"):
        north = client.get("/p/northmoor/chapters/online-safety/")
        east = client.get("/p/eastbrook/chapters/online-safety/")
        none = client.get("/chapters/online-safety/")
        assert "Northmoor hub" in north.content.decode(), round_
        assert "Eastbrook resilience" not in north.content.decode(), round_
        assert "Eastbrook resilience" in east.content.decode(), round_
        assert "Northmoor hub" not in east.content.decode(), round_
        assert "Local information:" not in none.content.decode(), round_
    assert north["ETag"] != east["ETag"] != none["ETag"]
    assert ".northmoor." in north["ETag"] and ".eastbrook." in east["ETag"]


def test_new_local_information_shows_at_once(shared_cache, two_partnerships):  # noqa: F811
    two_partnerships.load()
    page = "/p/northmoor/chapters/online-safety/"
    assert all("Northmoor hub" in html for html in both_workers(page))
    write_local(
        two_partnerships.root,
        "northmoor",
        "online-safety",
        "The new Northmoor service.",
        version=2,
        effective="2024-02-01",
    )
    two_partnerships.load()
    assert all("The new Northmoor service." in html for html in both_workers(page))
