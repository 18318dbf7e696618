"""A backup restores: pg_dump into an empty database, then export_content writes the same
files as from the original (scripts/check-restore, the operators' own check)."""

import os
import subprocess

import pytest
from django.conf import settings
from django.db import connection

from tests.publishing.helpers import publish

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_a_dump_restored_into_an_empty_database_exports_identical_files(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of(
        "online-safety",
        by=editor,
        replace={"Live streaming carries grooming risks.": "Live streaming can expose children."},
    )
    publish(by=publisher, draft=draft)  # something published in the admin, not only loaded
    params = connection.settings_dict
    url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
    }
    result = subprocess.run(
        ["bash", "scripts/check-restore"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore check: identical" in result.stdout
