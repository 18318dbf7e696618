"""Every redirect to an address taken from the request stays on this site: the partnership
chooser (with a partnership and without), staff sign-in, and the sign-in a lapsed staff
session is sent to. Each is tried with the addresses an attacker would: `//host`, `/\\host`,
encoded slashes, schemes, userinfo, tabs and newlines, backslashes, and a /p/ prefix whose
removal would leave any of them."""

import urllib.parse

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.middleware import SEEN_AT
from tests.ops.test_staff import PASSWORD, code_from
from tests.partnerships.conftest import loaded, two_partnerships  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "/%2F/evil.example/",
    "/%2Fevil.example/",
    "%2F%2Fevil.example/",
    "/%5Cevil.example/",
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://evil.example/",
    "https:evil.example",
    "//testserver@evil.example/",
    "http://testserver@evil.example/",
    "https://testserver:443@evil.example/",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "/ /evil.example/",
    "\x00//evil.example/",
    "//evil.example\\@testserver/",
    "/p/northmoor//evil.example/",
    "/p/northmoor/\\evil.example/",
    "/p/northmoor/%2F/evil.example/",
    "/p/a//evil.example/",
    "/p/northmoor/\t/evil.example/",
    "/p/northmoor//\\evil.example/",
    "/p/northmoor/https://evil.example/",
]


def where_a_browser_goes(location: str, *, page="http://testserver/somewhere/") -> str:
    """The host a browser would go to for this Location, read as the WHATWG URL standard
    does: leading and trailing spaces and control characters dropped, tabs and newlines
    removed anywhere, backslashes taken for slashes in http(s) addresses."""
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\r\n")
    scheme = urllib.parse.urlsplit(cleaned).scheme.lower()
    if scheme in ("", "http", "https"):
        cleaned = cleaned.replace("\\", "/")
    absolute = urllib.parse.urljoin(page, cleaned)
    parts = urllib.parse.urlsplit(absolute)
    if parts.scheme not in ("http", "https"):
        return f"{parts.scheme}:"
    return parts.hostname or ""


def off_site(response) -> bool:
    if response.status_code == 400:  # refused outright (a NUL byte): no redirect at all
        return False
    assert response.status_code in (301, 302), response.status_code
    return where_a_browser_goes(response["Location"]) != "testserver"


def test_the_judge_of_off_site_addresses_is_not_fooled():
    assert where_a_browser_goes("/p/a/chapters/") == "testserver"
    assert where_a_browser_goes("//evil.example/") == "evil.example"
    assert where_a_browser_goes("/\\evil.example/") == "evil.example"
    assert where_a_browser_goes("/\t/evil.example/") == "evil.example"
    assert where_a_browser_goes("javascript:alert(1)") == "javascript:"


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("partnership", ["", "northmoor"])
def test_the_partnership_chooser_never_leaves_the_site(client, partnership):
    escaped = [
        target
        for target in HOSTILE
        if off_site(client.get("/choose/", {"partnership": partnership, "next": target}))
    ]
    assert escaped == []


@pytest.mark.usefixtures("loaded")
def test_the_partnership_chooser_still_goes_back_to_the_page(client):
    response = client.get("/choose/", {"partnership": "", "next": "/p/northmoor/contacts/"})
    assert response["Location"] == "/contacts/"
    response = client.get("/choose/", {"partnership": "northmoor", "next": "/contacts/?a=1"})
    assert response["Location"] == "/p/northmoor/contacts/?a=1"


@pytest.fixture
def staff(db):
    user = User.objects.create_superuser("pat", "pat@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


def test_staff_sign_in_never_leaves_the_site(staff):
    _, device = staff
    escaped = []
    for target in HOSTILE:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same code, again
        device.refresh_from_db()
        client = Client()
        response = client.post(
            "/admin/login/?" + urllib.parse.urlencode({"next": target}),
            {"username": "pat", "password": PASSWORD, "otp_token": code_from(device)},
        )
        assert response.status_code == 400 or "_auth_user_id" in client.session, target
        if off_site(response):
            escaped.append(target)
    assert escaped == []


def test_a_lapsed_staff_session_sends_to_sign_in_with_its_own_path_only(staff, settings):
    user, device = staff
    client = Client()
    client.post(
        "/admin/login/",
        {"username": "pat", "password": PASSWORD, "otp_token": code_from(device)},
    )
    session = client.session
    session[SEEN_AT] = 0  # idle for decades
    session.save()
    # A path whose decoded form carries its own "&next=".
    response = client.get("/admin/procedures/%26next=//evil.example/")
    assert response.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)
    assert query == {"next": ["/admin/procedures/&next=//evil.example/"]}
