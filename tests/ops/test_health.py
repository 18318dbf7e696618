"""/healthz/ answers 503 naming what is down: the database, the cache or the worker."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from portal import jobs

pytestmark = pytest.mark.django_db


def test_healthy_when_database_cache_and_worker_answer(client, settings):
    settings.HEALTH_CHECK_WORKER = True
    jobs.beat()
    response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response["Cache-Control"]


def test_a_stale_or_missing_worker_heartbeat_is_named(client, settings):
    settings.HEALTH_CHECK_WORKER = True
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert "worker: no heartbeat" in response.content.decode()
    cache.set(jobs.HEARTBEAT_KEY, {"at": time.time() - 300, "host": "app1"}, timeout=None)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert "worker: last heartbeat 300 s ago" in response.content.decode()


def healthz_in_a_process(**environment):
    """GET /healthz/ in a fresh process whose database or cache is unreachable (a real
    connection refused, not a mock)."""
    code = (
        "from django.test import Client; r = Client().get('/healthz/'); "
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout


def test_database_down_is_named():
    out = healthz_in_a_process(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/portal", CACHE_URL="locmem://"
    )
    assert "503" in out and "database: not answering" in out


def test_cache_down_is_named():
    out = healthz_in_a_process(CACHE_URL="redis://127.0.0.1:1/0")
    assert "503" in out and "cache: not answering" in out
