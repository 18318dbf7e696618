"""Settings for email updates, read when used (so tests can override them), with defaults.

PORTAL_BASE_URL          absolute links in emails start with this (portal/settings.py).
UPDATES_CONFIRM_MAX_AGE  seconds a confirmation link works; default 3 days.
UPDATES_RESEND_MINUTES   the subscribe form emails one address at most once in this many
                         minutes, whatever the address's state; default 15.
UPDATES_BATCH_SIZE       release emails sent over one mail-server connection; default 100.
UPDATES_LEASE_SECONDS    how long a sender's claim on a delivery holds unless renewed; the
                         sender renews it every third of that while it works, so a delivery
                         whose sender died is taken over by another run within this many
                         seconds; default 30.
"""

from django.conf import settings


def base_url() -> str:
    return getattr(settings, "PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def confirm_max_age() -> int:
    return int(getattr(settings, "UPDATES_CONFIRM_MAX_AGE", 3 * 24 * 60 * 60))


def resend_minutes() -> int:
    return int(getattr(settings, "UPDATES_RESEND_MINUTES", 15))


def batch_size() -> int:
    return max(1, int(getattr(settings, "UPDATES_BATCH_SIZE", 100)))


def portal_name() -> str:
    return getattr(settings, "PORTAL_NAME", "Safeguarding Children Procedures")


def lease_seconds() -> float:
    return max(1.0, float(getattr(settings, "UPDATES_LEASE_SECONDS", 30)))
