"""Settings for email updates, read when used (so tests can override them), with defaults.

PORTAL_BASE_URL          absolute links in emails start with this (portal/settings.py).
UPDATES_CONFIRM_MAX_AGE  seconds a confirmation link works; default 3 days.
UPDATES_RESEND_MINUTES   the subscribe form emails one address at most once in this many
                         minutes, whatever the address's state; default 15.
UPDATES_BATCH_SIZE       release emails sent over one mail-server connection; default 100.
UPDATES_SENDING_TIMEOUT  seconds after which a delivery still "sending" counts as abandoned
                         (its sender died) and is tried again; default 600. Keep it well
                         above EMAIL_TIMEOUT.
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


def sending_timeout() -> int:
    return int(getattr(settings, "UPDATES_SENDING_TIMEOUT", 600))
