"""Settings for a real worker process started by a test: the test's own database, and email
written to files the test can read."""

import os

from portal.test_settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["WORKER_DATABASE_NAME"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WORKER_MAIL_DIR"]
if os.environ.get("WORKER_MAIL_DELAY"):
    EMAIL_BACKEND = "tests.ops.slow_mail.SlowFileBackend"
