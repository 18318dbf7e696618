"""Upgrading: everyone subscribed before there was a choice keeps getting every release."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("updates", "0002_delivery_claimed_at")]
AFTER = [("updates", "0004_existing_subscribers_follow_everything")]


@pytest.mark.django_db(transaction=True)
def test_existing_subscribers_keep_getting_everything_after_the_upgrade():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("updates", "Subscriber")
    for email, confirmed_at in [("reader@example.org", timezone.now()), ("new@example.org", None)]:
        old.objects.create(email=email, email_key=email, token=email, confirmed_at=confirmed_at)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("updates", "Subscriber")
    upgraded = {s.email: s for s in new.objects.all()}
    assert upgraded["reader@example.org"].whole_manual
    assert upgraded["new@example.org"].whole_manual  # still to confirm what they asked for
    assert not upgraded["reader@example.org"].parts.exists()
    assert new().whole_manual is False  # anyone signing up from now on chooses

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
