"""A write that waited its whole turn for the database and still found it busy.

On SQLite (the embedded default) one process writes at a time; the others wait for the lock
up to the busy timeout (settings: SQLITE_BUSY_TIMEOUT). When something holds it longer (a
backup, a stuck process), the write fails with "database is locked". That is no bug of the
request: the person gets a page saying so, with what they typed kept in a form that sends it
again, instead of the server error page. The answer is 503 with Retry-After, and the session
is not saved on it (Django saves no session on a 5xx), so the page does not wait twice.
"""

import logging
import sys

from django.db import OperationalError
from django.shortcuts import render
from django.views.defaults import server_error

logger = logging.getLogger("portal.busy")

RETRY_AFTER_SECONDS = 30
# Posted fields never written back into the page: the token is made afresh, the password is
# never echoed.
NOT_KEPT = {"csrfmiddlewaretoken", "password", "otp_token"}


def is_database_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "database table is locked"), after the timeout."""
    return isinstance(error, OperationalError) and "is locked" in str(error).lower()


def kept_fields(request):
    """What the person posted, in order, as (name, value, long): long values are shown in a
    text box for copying as well as sent again."""
    if request.method != "POST":
        return []
    try:
        posted = request.POST
    except Exception:  # an unreadable body: nothing to keep
        return []
    return [
        (name, value, "\n" in value or len(value) > 80)
        for name, values in posted.lists()
        if name not in NOT_KEPT
        for value in values
    ]


def busy_page(request):
    fields = kept_fields(request)
    context = {
        "fields": fields,
        "long_fields": [(name, value) for name, value, long in fields if long],
        "base_template": "base.html",
    }
    if request.path.startswith("/admin/"):
        from django.contrib import admin

        context.update(
            admin.site.each_context(request),
            base_template="admin/base_site.html",
            in_admin=True,
            title="The portal is busy: nothing was saved yet",
        )
    response = render(request, "busy.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error_or_busy(request, *args, **kwargs):
    """handler500: the busy page for a database that stayed locked, else the error page."""
    error = sys.exc_info()[1]
    if is_database_busy(error):
        logger.warning("event=database_busy method=%s path=%s", request.method, request.path)
        try:
            return busy_page(request)
        except Exception:  # rendering needs the database too (sessions, user): plain page
            logger.exception("event=busy_page_failed")
    return server_error(request, *args, **kwargs)
