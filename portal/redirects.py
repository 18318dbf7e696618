"""Where a `next` parameter may send a reader: only to a path on this site.

Every view that redirects to an address taken from the request asks `on_site` about the
address it is about to answer with (the final one, after any prefix was added or taken off),
not only about what came in: `/p/a//evil.example/` is harmless until `/p/a` is taken off it.
"""

from django.utils.http import url_has_allowed_host_and_scheme


def on_site(url: str, *, request, default: str = "/") -> str:
    """`url` if it is a path on this site, else `default`. A path must start with one "/"
    (not "//" or "/\\", which browsers read as another host) and pass Django's check for the
    request's own host, which also refuses schemes, userinfo, control characters and the
    tabs and newlines browsers drop."""
    if (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not any(character in url for character in "\t\r\n\\")
    ):
        return url
    return default
