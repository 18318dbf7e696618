"""Asking an external address whether it still works, politely and safely.

Polite: a User-Agent that names the portal, at most one request to a host every few seconds
(HostPacer), HEAD first and GET only when HEAD is refused (or when the page itself must be
read: GOV.UK says a page was withdrawn only in its text), a timeout on every step, and a
few retries for answers that may pass (no answer, 429, 5xx).

Safe: the checker follows addresses that anyone who can edit the manual wrote, so it never
connects to an address on a private, loopback or link-local network (a request forged to
reach the portal's own services). The check is made on the address actually connected to,
after the name is resolved, so a name that resolves differently a second time cannot slip
through. LINKS_ALLOW_PRIVATE_ADDRESSES turns this off for the tests' local server only.
"""

import html
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings

OK, MOVED, WITHDRAWN, BROKEN = "ok", "moved", "withdrawn", "broken"
PERMANENT = {301, 308}
WITHDRAWN_WORDS = "was withdrawn on"


class Refused(Exception):
    """The address is not one the checker will connect to."""


@dataclass(frozen=True)
class Answer:
    """What checking one address found."""

    status: str  # OK, MOVED, WITHDRAWN or BROKEN
    http_status: int | None = None
    problem: str = ""
    redirect_to: str = ""
    withdrawn_notice: str = ""


@dataclass(frozen=True)
class Politeness:
    user_agent: str
    timeout: float = 10.0
    retries: int = 2
    retry_seconds: float = 5.0
    host_interval: float = 2.0
    allow_private: bool = False
    # Hosts whose pages are read (GET) for a withdrawal notice: GOV.UK's.
    read_pages_on: frozenset = field(default_factory=lambda: frozenset({"www.gov.uk"}))
    max_redirects: int = 5
    max_body: int = 1_000_000

    @classmethod
    def from_settings(cls):
        return cls(
            user_agent=settings.LINKS_USER_AGENT,
            timeout=settings.LINKS_TIMEOUT,
            retries=settings.LINKS_RETRIES,
            retry_seconds=settings.LINKS_RETRY_SECONDS,
            host_interval=settings.LINKS_HOST_INTERVAL,
            allow_private=settings.LINKS_ALLOW_PRIVATE_ADDRESSES,
            read_pages_on=frozenset(settings.LINKS_READ_PAGES_ON),
        )


class HostPacer:
    """At most one request to a host every `interval` seconds."""

    def __init__(self, interval, *, clock=time.monotonic, sleep=time.sleep):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.last = {}

    def wait(self, host):
        if host in self.last:
            due = self.last[host] + self.interval
            now = self.clock()
            if now < due:
                self.sleep(due - now)
        self.last[host] = self.clock()


@dataclass(frozen=True)
class _Reply:
    status: int
    reason: str
    location: str
    content_type: str
    body: bytes


class _Transient(Exception):
    """An answer that may pass: worth asking again after a pause."""

    def __init__(self, problem, http_status=None):
        super().__init__(problem)
        self.problem, self.http_status = problem, http_status


class Fetcher:
    def __init__(self, politeness: Politeness, *, pacer=None, sleep=time.sleep):
        self.politeness = politeness
        self.pacer = pacer or HostPacer(politeness.host_interval)
        self.sleep = sleep

    def check(self, url: str) -> Answer:
        attempts = self.politeness.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._follow(url)
            except Refused as refused:
                return Answer(BROKEN, problem=f"not checked: {refused}")
            except _Transient as transient:
                if attempt == attempts:
                    return Answer(
                        BROKEN, http_status=transient.http_status, problem=transient.problem
                    )
                self.sleep(self.politeness.retry_seconds * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(self, url):
        current, moved = url, False
        for _hop in range(self.politeness.max_redirects + 1):
            reply = self._ask(current)
            if 300 <= reply.status < 400 and reply.location:
                moved = moved or reply.status in PERMANENT
                current = urljoin(current, reply.location)
                continue
            if reply.status == 429 or reply.status >= 500:
                raise _Transient(_words(reply), reply.status)
            if reply.status >= 400:
                problem = _words(reply)
                if current != url:
                    problem += f" (after a redirect to {current})"
                return Answer(BROKEN, http_status=reply.status, problem=problem)
            notice = _withdrawal_notice(reply)
            if notice:
                return Answer(
                    WITHDRAWN,
                    http_status=reply.status,
                    withdrawn_notice=notice,
                    redirect_to=current if current != url else "",
                )
            if moved:
                return Answer(MOVED, http_status=reply.status, redirect_to=current)
            # A temporary redirect (302, 303, 307) keeps the address: it still works.
            return Answer(OK, http_status=reply.status)
        return Answer(
            BROKEN, problem=f"more than {self.politeness.max_redirects} redirects (a loop?)"
        )

    def _ask(self, url):
        """HEAD, or GET where the page must be read; GET again when HEAD is refused."""
        host = (urlsplit(url).hostname or "").lower()
        if host in self.politeness.read_pages_on:
            return self._request("GET", url)
        reply = self._request("HEAD", url)
        if reply.status >= 400:
            return self._request("GET", url)  # many servers refuse HEAD (405, 403, 501 ...)
        return reply

    def _request(self, method, url):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused("only http and https addresses are checked")
        host = parts.hostname
        timeout = self.politeness.timeout
        try:
            port = parts.port
        except ValueError:
            raise Refused("the address has an invalid port") from None
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        connection._create_connection = self._connect  # every connection passes the guard
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.pacer.wait(host)
        try:
            connection.request(
                method,
                path,
                headers={
                    "User-Agent": self.politeness.user_agent,
                    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                    "Accept-Language": "en-GB,en;q=0.8",
                },
            )
            response = connection.getresponse()
            content_type = response.getheader("Content-Type", "") or ""
            body = b""
            if method == "GET" and host in self.politeness.read_pages_on and _is_html(content_type):
                body = response.read(self.politeness.max_body)
            return _Reply(
                status=response.status,
                reason=response.reason or "",
                location=response.getheader("Location", "") or "",
                content_type=content_type,
                body=body,
            )
        except Refused:
            raise
        except TimeoutError:
            raise _Transient(f"no answer within {timeout:g} seconds") from None
        except ssl.SSLError as error:
            raise _Transient(f"the secure connection failed ({error.reason or error})") from None
        except socket.gaierror:
            raise _Transient(f"the host name {host} was not found") from None
        except (OSError, http.client.HTTPException) as error:
            raise _Transient(f"the connection failed ({type(error).__name__})") from None
        finally:
            connection.close()

    def _connect(self, address, timeout=None, source_address=None):
        """socket.create_connection, refusing private networks (see the module's note)."""
        host, port = address
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        if not self.politeness.allow_private:
            for *_, sockaddr in found:
                if not _is_public(sockaddr[0]):
                    raise Refused(f"{host} is on a private or local network")
        error = OSError(f"no address for {host}")
        for family, kind, proto, _name, sockaddr in found:
            sock = socket.socket(family, kind, proto)
            sock.settimeout(timeout)
            try:
                sock.connect(sockaddr)
            except OSError as failed:
                sock.close()
                error = failed
                continue
            if not self.politeness.allow_private and not _is_public(sock.getpeername()[0]):
                sock.close()
                raise Refused(f"{host} is on a private or local network")
            return sock
        raise error


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _is_html(content_type):
    return content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")


def _words(reply):
    return f"{reply.status} {reply.reason}".strip()


def _withdrawal_notice(reply):
    """GOV.UK's notice on a withdrawn page, in its words ("This guidance was withdrawn on
    12 July 2016"), or "". GOV.UK writes it as the title of its notice component:
    `This <kind> was withdrawn on <time datetime="...">12 July 2016</time>`."""
    if not reply.body:
        return ""
    text = reply.body.decode(_charset(reply.content_type), errors="replace")
    text = " ".join(text.split())  # the words may be split over lines
    at = text.find(WITHDRAWN_WORDS)
    if at == -1:
        return ""
    start = text.rfind("This ", max(0, at - 80), at)
    if start == -1:
        return ""
    end = text.find("</time>", at, at + 400)
    end = end + len("</time>") if end != -1 else text.find("<", at + len(WITHDRAWN_WORDS) + 1)
    if end == -1:
        end = at + len(WITHDRAWN_WORDS)
    words = html.unescape(nh3.clean(text[start:end], tags=set()))
    return " ".join(words.split())[:300]


def _charset(content_type):
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            try:
                "".encode(value.strip('"'))
                return value.strip('"')
            except LookupError:
                return "utf-8"
    return "utf-8"
