"""What the service worker is told to save, and how the worker and manifest are served."""

import pytest

from procedures.models import ChapterVersion
from tests.publishing.test_page_cache import shared_cache  # noqa: F401

pytestmark = pytest.mark.django_db


def test_saved_copy_lists_contents_current_chapters_contacts_glossary_and_static_files(
    client, sample_manual
):
    listed = client.get("/offline/copy.json").json()
    pages = [page["url"] for page in listed["pages"]]
    assert pages == ["/", "/contacts/", "/glossary/", "/offline/"]
    current = ChapterVersion.objects.current()
    assert {(c["slug"], c["version"]) for c in listed["chapters"]} == {
        (version.chapter.slug, version.number) for version in current
    }
    bullying = next(c for c in listed["chapters"] if c["slug"] == "bullying")
    assert bullying["url"] == "/chapters/bullying/"
    assert bullying["print"] == f"/chapters/bullying/versions/{bullying['version']}/print.css"
    assert "/static/js/offline.js" in listed["assets"]
    assert listed["partnership"] is None


def test_saved_copy_under_a_partnership_is_that_partnerships(client, sample_manual):
    listed = client.get("/p/northmoor/offline/copy.json").json()
    assert listed["partnership"]["slug"] == "northmoor"
    assert listed["base"] == "/p/northmoor/"
    assert "/p/northmoor/contacts/" in [page["url"] for page in listed["pages"]]
    assert all(c["url"].startswith("/p/northmoor/chapters/") for c in listed["chapters"])
    # Static files are the same for everyone, never under a partnership.
    assert all(asset.startswith("/static/") for asset in listed["assets"])


@pytest.mark.django_db(transaction=True)
def test_saved_copy_list_is_cheap_to_check_again(shared_cache, client, sample_manual):  # noqa: F811
    first = client.get("/offline/copy.json")
    again = client.get("/offline/copy.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_worker_is_served_from_the_root_for_the_whole_site(client, sample_manual):
    for address in ("/sw.js", "/p/northmoor/sw.js"):
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Cache-Control"] == "no-cache"
        assert response["Service-Worker-Allowed"] == "/"
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_manifest_makes_the_portal_installable(client, sample_manual):
    manifest = client.get("/p/northmoor/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["start_url"] == "/p/northmoor/"
    assert body["scope"] == "/"
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_manifest_and_the_offline_script(client, sample_manual):
    page = client.get("/p/northmoor/chapters/bullying/").content.decode()
    assert '<link rel="manifest" href="/p/northmoor/manifest.webmanifest">' in page
    assert 'data-worker="/p/northmoor/sw.js"' in page
