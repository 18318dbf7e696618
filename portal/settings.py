"""Settings come from the environment (12-factor); the defaults suit a developer's laptop.

DATABASE_URL  default: SQLite in var/ (zero set-up); production and the tests use PostgreSQL.
SECRET_KEY    required unless DEBUG is on.
DEBUG         "1"/"true" turns it on; off by default.
ALLOWED_HOSTS comma-separated; defaults to loopback names when DEBUG is on.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=1 for development)."
        )
    SECRET_KEY = "development-only-key-never-used-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "markdownx",
    "procedures",
    "search",
    "partnerships",
    "feedback",
    "pdfs",
    "glossary",
    "updates",
    "links",
    # The top floor: the chapter page, the search page, loading and export of the whole tree.
    "manual",
    # Operations (background jobs, staff sign-in): see the block "Operations" below.
    "portal",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # A page-cache hit is answered here, with the headers the stack below gave the page.
    "procedures.early_hits.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.BadQueryStringMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    # /p/<partnership>/... serves every public page for a partnership (see its module).
    "partnerships.choosing.PartnershipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffSessionMiddleware",
    "portal.middleware.ClientLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, building the (constant) policy once: see portal/csp.py.
    "portal.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.choosing.partnership_context",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DEFAULT_SQLITE_URL = "sqlite:///" + str(BASE_DIR / "var" / "portal.sqlite3")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # SQLite as a real deployment (gunicorn's workers and the background worker on one file):
    # - WAL lets every reader run beside the one writer;
    # - IMMEDIATE makes each transaction take the write lock when it begins, so a second
    #   writer waits for it (up to `timeout` seconds). Under the default (DEFERRED) a
    #   transaction that read first could not upgrade to writing and failed at once with
    #   "database is locked", whatever the timeout;
    # - synchronous=NORMAL is safe with WAL (a power cut loses at most the last commits,
    #   never the database) and spares a disk flush per commit.
    # A save that still waits longer than the timeout gets a friendly page (portal/busy.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )


def cache_from_url(url):
    """CACHE_URL: redis://host:port/db (production: shared by every app server), db://table
    (the embedded default: shared through the database by every process), locmem:// (one
    process only) or dummy://."""
    scheme, _, rest = url.partition("://")
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "portal.redis_cache.PortalRedisCache", "LOCATION": url}
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest or "portal_cache",
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL {url!r}: use redis://, db://, locmem:// or dummy://")


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or "db://portal_cache")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The manual this portal serves; `load_content` reads it by default.
CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))
# The largest chapter version (its file, or a draft's text) in bytes: larger texts are refused
# before they are read or rendered, so one file cannot slow every page and search.
MAX_VERSION_BYTES = int(os.environ.get("MAX_VERSION_BYTES", str(1024 * 1024)))
PORTAL_NAME = "Safeguarding Children Procedures"
# Four-eyes: a publisher may not publish a draft they wrote or edited, unless this is on
# (for a one-person team). Off by default.
ALLOW_SELF_PUBLISH = env_flag("ALLOW_SELF_PUBLISH")

# Admin preview must equal the public page, and markdownx's own renderer does not sanitise.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "procedures.admin.preview.render_preview"
MARKDOWNX_MEDIA_PATH = "markdownx/"  # uploads are not mounted; kept explicit for clarity

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder it writes
# each email to (a trial without a mail server).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(BASE_DIR / "var" / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "procedures@example.org")
# Absolute links in emails (and anything else sent outside a request) start with this.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Content Security Policy: no inline script at all (not even with a nonce, which would make
# every page differ per request and so uncacheable), nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Hardening that `manage.py check --deploy` expects; HTTPS is terminated in front of the app.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
# SECURE_PROXY_SSL_HEADER is set below (Operations) only when TRUSTED_PROXY_COUNT > 0.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Log lines carry key=value pairs (event=signed_in user=... client=...) after a fixed prefix,
# so a log collector can parse them without a JSON library.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "keyvalue": {
            "format": "at=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "keyvalue"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes writes its own lines for each failed sign-in; portal/audit.py writes one.
    "loggers": {"axes": {"level": "ERROR"}},
}

# ---------------------------------------------------------------------------------------------
# Operations: background jobs, proxies, abuse limits, staff sign-in, health.
# (Kept in one block, apart from the page-cache/CSP settings above.)
# ---------------------------------------------------------------------------------------------

# Background jobs (django-tasks, database backend): emails are sent by `manage.py run_worker`,
# never inside a request. JOBS_* govern retries: JOBS_RETRY_SECONDS doubles after each failure.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "8"))
JOBS_RETRY_SECONDS = float(os.environ.get("JOBS_RETRY_SECONDS", "30"))
WORKER_HEARTBEAT_SECONDS = 10
WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("WORKER_HEARTBEAT_MAX_AGE", "60"))
# A mail server that hangs must not hold a worker for ever (Django's default is no timeout).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# A worker's claim on an email delivery holds this long unless renewed (it renews it every
# third of this while it works): a worker that dies has its deliveries taken over this soon.
UPDATES_LEASE_SECONDS = float(os.environ.get("UPDATES_LEASE_SECONDS", "30"))

# Proxies: how many reverse proxies (load balancer, TLS terminator) stand in front of the app.
# 0 (the default): headers such as X-Forwarded-For and X-Forwarded-Proto are ignored, since
# any client could send them; the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Abuse limits, counted in the default cache (shared by every app server): "count/seconds".
RATE_LIMITS = {
    "signup-client": os.environ.get("RATE_LIMIT_SIGNUPS_PER_CLIENT", "10/3600"),
    "signup-email": os.environ.get("RATE_LIMIT_SIGNUPS_PER_EMAIL", "3/3600"),
    "search-client": os.environ.get("RATE_LIMIT_SEARCHES_PER_CLIENT", "120/60"),
    "feedback-client": os.environ.get("RATE_LIMIT_FEEDBACK_PER_CLIENT", "5/3600"),
}

# Problem reports go to the chosen partnership's business unit; this address gets them when
# no partnership was chosen or it has no business unit email.
FEEDBACK_REGIONAL_EMAIL = os.environ.get("FEEDBACK_REGIONAL_EMAIL", DEFAULT_FROM_EMAIL)
# Who answers about accessibility (the statement at /accessibility/ gives it).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", FEEDBACK_REGIONAL_EMAIL)
# Chapter reads are counted in each worker's memory and added to the database this often
# (seconds; 0: only at exit), or sooner once this many are waiting. See feedback/reading_figures.py.
READING_FIGURES_FLUSH_SECONDS = float(os.environ.get("READING_FIGURES_FLUSH_SECONDS", "60"))
READING_FIGURES_FLUSH_HITS = int(os.environ.get("READING_FIGURES_FLUSH_HITS", "1000"))

# The database and local-memory caches cull a third of their entries once they hold
# MAX_ENTRIES (300 by default); a flood of sign-ups for fresh addresses would cull the
# flooder's own count. Redis (production) has no such limit.
if CACHES["default"]["BACKEND"].endswith(("DatabaseCache", "LocMemCache")):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 200_000)

# Staff sign-in: failed sign-ins are logged and locked out (django-axes); a second factor
# (django-otp: TOTP or a backup code) is required for the admin unless DEBUG is on.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
# Locked per account (slows guessing from many addresses) and per address (one client
# trying many accounts); a successful sign-in does not clear the count early.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_VERBOSE = False  # our own key=value lines (portal/audit.py) say it once
OTP_REQUIRED = env_flag("OTP_REQUIRED", not DEBUG)
# A wrong code counts towards the lockout above (portal/staff.py); the devices are not
# throttled on their own, or a guesser's wrong codes would make the real user's code wait.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = PORTAL_NAME
# Staff sessions: 30 minutes idle, 10 hours in all (portal.middleware.StaffSessionMiddleware).
STAFF_SESSION_IDLE_SECONDS = 30 * 60
STAFF_SESSION_MAX_SECONDS = 10 * 60 * 60
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Health (/healthz/): also require a recent worker heartbeat (off for a set-up with no worker).
HEALTH_CHECK_WORKER = env_flag("HEALTH_CHECK_WORKER", True)

# The link checker (links/): every external link of the manual is checked each week by the
# worker (or `manage.py check_links`), politely: a User-Agent naming the portal, at most one
# request to a host every LINKS_HOST_INTERVAL seconds, a timeout, retries for answers that may
# pass. It never connects to private or local networks; LINKS_ALLOW_PRIVATE_ADDRESSES exists
# only for the tests' local server. GOV.UK pages are read for a withdrawal notice.
LINKS_USER_AGENT = os.environ.get(
    "LINKS_USER_AGENT", f"{PORTAL_NAME} link checker (+{PORTAL_BASE_URL}/)"
)
LINKS_TIMEOUT = float(os.environ.get("LINKS_TIMEOUT", "10"))
LINKS_RETRIES = int(os.environ.get("LINKS_RETRIES", "2"))
LINKS_RETRY_SECONDS = float(os.environ.get("LINKS_RETRY_SECONDS", "5"))
LINKS_HOST_INTERVAL = float(os.environ.get("LINKS_HOST_INTERVAL", "2"))
LINKS_ALLOW_PRIVATE_ADDRESSES = False
LINKS_READ_PAGES_ON = ["www.gov.uk"]
LINKS_CHECK_WEEKLY = env_flag("LINKS_CHECK_WEEKLY", True)

# PDFs of the manual (pdfs/): after any change to the manual the worker builds the
# whole manual and each current chapter again. Off only where no worker runs (the test suite
# turns it on in the tests about PDFs).
PDFS_REBUILD_AFTER_CHANGES = env_flag("PDFS_REBUILD_AFTER_CHANGES", True)
# A PDF build is bounded: typeset in a child process stopped after this many seconds (0: in
# the worker itself, unbounded), and never begun for a document of more HTML than this. A
# build stopped or refused leaves the last good PDF served with a notice and tells the
# managers (pdfs/failures.py).
PDFS_BUILD_TIMEOUT = float(os.environ.get("PDFS_BUILD_TIMEOUT", "180"))
PDFS_MAX_HTML_BYTES = int(os.environ.get("PDFS_MAX_HTML_BYTES", "3000000"))
