"""Abuse limits (counted in the shared cache) and which proxy headers are believed."""

import re

import pytest
from django.test import Client, TestCase

from updates.models import Subscriber

pytestmark = pytest.mark.django_db


def sign_up(client, address, **headers):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/updates/", {"email": address}, **headers)


def test_one_client_cannot_flood_sign_ups(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-client": "10/3600"}
    flooder = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [sign_up(flooder, f"victim{n}@example.net").status_code for n in range(30)]
    assert statuses == [302] * 10 + [429] * 20
    assert Subscriber.objects.count() == 10  # no row (and no email) for the refused ones
    refused = sign_up(flooder, "one-more@example.net")
    page = refused.content.decode()
    assert "Too many requests" in page and re.search(r"Try again in \d+ minutes?\.", page)
    assert 0 < int(refused["Retry-After"]) <= 3600
    # Someone else is not affected.
    assert sign_up(Client(REMOTE_ADDR="203.0.113.9"), "me@example.org").status_code == 302


def test_one_address_cannot_be_signed_up_over_and_over_from_many_clients(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-email": "3/3600"}
    statuses = [
        sign_up(Client(REMOTE_ADDR=f"198.51.100.{n}"), "Victim@Example.net").status_code
        for n in range(1, 6)
    ]
    assert statuses == [302, 302, 302, 429, 429]


def test_searches_are_limited_per_client(settings, sample_manual):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search-client": "5/60"}
    reader = Client(REMOTE_ADDR="198.51.100.7")
    # Each a different question: the same one asked again is a page-cache hit, answered
    # before any work is done (and before the limit), so only new searches cost anything.
    questions = ["neglect", "county lines", "nudes", "grooming", "lado", "fgm", "prevent"]
    statuses = [reader.get("/search/", {"q": q}).status_code for q in questions]
    assert statuses == [200] * 5 + [429] * 2
    assert Client(REMOTE_ADDR="203.0.113.9").get("/search/", {"q": "x"}).status_code == 200
    assert reader.get("/").status_code == 200  # reading is never limited


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-client": "2/3600"}
    client = Client(REMOTE_ADDR="198.51.100.7")
    # Off by default: a client cannot dodge the limit by inventing X-Forwarded-For.
    statuses = [
        sign_up(client, f"v{n}@example.net", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    # Nor claim HTTPS with X-Forwarded-Proto.
    assert client.get("/healthz/", HTTP_X_FORWARDED_PROTO="https").wsgi_request.is_secure() is False


def test_with_one_trusted_proxy_its_forwarded_address_is_the_client(settings):
    from django.test import RequestFactory

    from portal.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    # The proxy appended 198.51.100.7; "6.6.6.6" came from the client and is ignored.
    assert client_ip(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"


def test_proxy_ssl_header_is_only_set_when_proxies_are_trusted():
    import subprocess
    import sys

    from django.conf import settings

    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    outputs = []
    for count in ["0", "1"]:
        env = {
            "PATH": "",
            "SECRET_KEY": "x" * 50,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "TRUSTED_PROXY_COUNT": count,
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        outputs.append(result.stdout.strip().splitlines()[-1])
    assert outputs == ["None", "('HTTP_X_FORWARDED_PROTO', 'https')"]
