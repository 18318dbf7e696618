"""Which address a request came from, trusting only as many proxies as TRUSTED_PROXY_COUNT.

Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
with N trusted proxies the client is the N-th address from the right; anything further left
was written by the client and proves nothing. With 0 (the default) only REMOTE_ADDR counts.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, or None if the request does not say (a test's fake request)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote  # not through all our proxies: take the nearest sender
    return forwarded[-count]
