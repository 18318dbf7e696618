"""/healthz/ for the load balancer and monitoring: 200 "ok" when the database, the cache and
a background worker (its heartbeat) all answer; otherwise 503 naming what is down."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from portal import jobs

logger = logging.getLogger("portal.health")


def problems() -> list[str]:
    found = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        found.append("database: not answering")
    try:
        cache.set("portal:health", 1, timeout=30)
        if cache.get("portal:health") != 1:
            raise RuntimeError("value not kept")
    except Exception:
        found.append("cache: not answering")
    if getattr(settings, "HEALTH_CHECK_WORKER", True) and "cache" not in " ".join(found):
        age = jobs.heartbeat_age()
        if age is None:
            found.append("worker: no heartbeat (is `manage.py run_worker` running?)")
        elif age > jobs.heartbeat_max_age():
            found.append(f"worker: last heartbeat {int(age)} s ago")
    return found


@never_cache
def healthz(request):
    found = problems()
    if found:
        logger.warning("event=unhealthy problems=%s", "; ".join(found).replace(" ", "_"))
        return HttpResponse(
            "down\n" + "\n".join(found) + "\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")
