"""A local web server the link checker is pointed at (never the internet): a working page, a
404, a permanent and a temporary redirect, a page that never answers, a GOV.UK-style
withdrawn page, a server that refuses HEAD and one that fails once."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

WITHDRAWN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Old guidance - GOV.UK</title></head>
<body><main id="content">
<h1 class="gem-c-title__text govuk-heading-l">Old guidance</h1>
<section class="gem-c-notice govuk-!-margin-bottom-8" aria-label="Notice" lang="en" role="region">
<h2 class="gem-c-notice__title govuk-notification-banner__heading">This guidance was withdrawn
 on <time datetime="2016-07-12T09:47:15.000+01:00">12 July 2016</time></h2>
<div class="govuk-body"><p>It has been replaced by newer guidance.</p></div>
</section>
<p>The old text.</p></main></body></html>"""


class Site:
    def __init__(self):
        self.requests = []  # (method, path, user agent)
        self.release = threading.Event()  # lets /slow answer at last (at the end of a test)
        self.flaky_failures = 1
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):  # noqa: N802 (http.server's API)
                self._answer(with_body=False)

            def do_GET(self):  # noqa: N802
                self._answer(with_body=True)

            def _answer(self, with_body):
                site.requests.append((self.command, self.path, self.headers.get("User-Agent")))
                status, headers, body = site.route(self.command, self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def route(self, method, path):
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/working":
            return 200, html, b"<p>Working.</p>"
        if path == "/not-found":
            return 404, html, b"<p>Not here.</p>"
        if path == "/moved":
            return 301, {"Location": "/working"}, b""
        if path == "/temporary":
            return 302, {"Location": "/working"}, b""
        if path == "/slow":
            self.release.wait(30)  # holds the answer past the checker's timeout
            return 200, html, b"<p>Too late.</p>"
        if path == "/withdrawn":
            return 200, html, WITHDRAWN_PAGE.encode()
        if path == "/no-head":
            return (405, html, b"") if method == "HEAD" else (200, html, b"<p>Fine.</p>")
        if path == "/flaky":
            if self.flaky_failures:
                self.flaky_failures -= 1
                return 503, html, b"<p>Busy.</p>"
            return 200, html, b"<p>Back.</p>"
        return 404, html, b""

    def paths(self, method=None):
        return [path for m, path, _ in self.requests if method is None or m == method]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    running = Site()
    yield running
    running.close()


@pytest.fixture
def local_checks(settings, site):
    """The checker as production configures it, except that it may reach the local server,
    gives up quickly, and reads pages from 'localhost' as it reads GOV.UK's."""
    settings.LINKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.LINKS_TIMEOUT = 0.5
    settings.LINKS_RETRIES = 1
    settings.LINKS_RETRY_SECONDS = 0
    settings.LINKS_HOST_INTERVAL = 0
    settings.LINKS_READ_PAGES_ON = ["localhost"]
    return site
