"""Settings for the test suite: production settings with test defaults for the environment.

The suite runs on PostgreSQL unless DATABASE_URL says otherwise (scripts/test also runs it
on SQLite). Static files are served unhashed because the tests do not run collectstatic.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from portal.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files straight from static/ (no collectstatic in tests, incl. live_server).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test run gets its own PostgreSQL test database, so runs from several checkouts (or a
# developer's run beside CI's) on one server never drop each other's database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_portal_{os.getpid()}"}  # noqa: F405

# No worker runs beside the tests (tests run jobs with tests.conftest.run_jobs, or start a
# real worker): /healthz/ leaves the worker out unless a test turns this on.
HEALTH_CHECK_WORKER = False
# Nor are PDFs rebuilt after each change, which would queue a job beside every publish the
# other tests count; the PDF tests (tests/pdfs) turn it on.
PDFS_REBUILD_AFTER_CHANGES = False
# Nor are links checked each week: no test reaches the internet. The link checker's tests
# (tests/links) use a local server, which LINKS_ALLOW_PRIVATE_ADDRESSES lets them reach.
LINKS_CHECK_WEEKLY = False
