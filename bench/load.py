"""Bounded load test on the loopback interface: readers, publishes, an abusive sign-up client
and the background worker, all at once, against a production-like portal.

    .venv/bin/python bench/load.py                   # 50 readers, 10 s baseline, 60 s loaded
    .venv/bin/python bench/load.py --readers 20 --seconds 20

What it starts (and stops): a throwaway PostgreSQL database bench_load_<pid> (on
DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432), Redis database 13 as the
cache (flushed before and after), gunicorn (DEBUG off, TRUSTED_PROXY_COUNT=1 so each client
can stand for its own address through X-Forwarded-For, as behind a load balancer) and one
`manage.py run_worker`, whose mail server takes BENCH_MAIL_DELAY seconds a message (messages
land in files that are counted at the end).

Phases: a baseline with readers only (--baseline seconds), then the loaded phase (--seconds):
the same readers, plus an amendment to one chapter published every --publish-every seconds
(through procedures.publishing.publish, as the admin does), one client signing up fresh
addresses as fast as it can over --abuser-connections connections, and a few legitimate
clients signing up once each.

Checks (exit status 1 if any fails): zero reader errors; every chapter page wholly one version
(its version line and its amended section agree); no page older than a publish that finished
before the request began; the abuser limited; every confirmed subscriber emailed each release
exactly once and every legitimate sign-up sent one confirmation, once the worker drains.
Reported: requests/s and p50/p95 latency in both phases, as a ratio to the baseline.
"""

import argparse
import datetime
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from email import message_from_string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
CHAPTER = "bullying"
VERSION_LINE = re.compile(r"Version (\d+), effective")
MARKER = re.compile(r"bench-marker-(\d+)")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline", type=float, default=10)
    parser.add_argument("--publish-every", type=float, default=8)
    parser.add_argument("--subscribers", type=int, default=40)
    parser.add_argument("--legitimate-signups", type=int, default=8)
    parser.add_argument("--abuser-connections", type=int, default=5)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    return parser.parse_args()


def environment(database_url, mail_dir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-load-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CACHE_URL": "redis://127.0.0.1:6379/13",
        "TRUSTED_PROXY_COUNT": "1",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "EMAIL_BACKEND": "bench.slow_mail.SlowFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "BENCH_MAIL_DELAY": os.environ.get("BENCH_MAIL_DELAY", "0.05"),
        "LOG_LEVEL": "WARNING",
        "JOBS_RETRY_SECONDS": "2",
    }


class Site:
    """A keep-alive HTTP client for one simulated client address."""

    def __init__(self, port, address):
        self.port, self.address = port, address
        self.connection = None
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"X-Forwarded-For": self.address, "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None  # a keep-alive connection the server closed: reopen
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, text

    def sign_up(self, email):
        status, page = self.request("GET", "/updates/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request(
            "POST", "/updates/", {"csrfmiddlewaretoken": token, "email": email}
        )
        return status


class Readers:
    def __init__(self, port, count, published):
        self.port, self.count, self.published = port, count, published
        self.latencies, self.errors, self.mixed, self.stale = [], [], [], []
        self.lock = threading.Lock()

    def run(self, seconds):
        self.latencies, stop_at = [], time.monotonic() + seconds
        threads = [
            threading.Thread(target=self._read, args=(n, stop_at)) for n in range(self.count)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return list(self.latencies)

    def _read(self, n, stop_at):
        site = Site(self.port, f"10.1.{n // 250}.{n % 250 + 1}")
        while time.monotonic() < stop_at:
            started = time.monotonic()
            newest_before = self.published[-1] if self.published else 1
            try:
                status, page = site.request("GET", f"/chapters/{CHAPTER}/")
            except Exception as error:  # noqa: BLE001 (every failure is a finding)
                with self.lock:
                    self.errors.append(repr(error))
                continue
            elapsed = time.monotonic() - started
            with self.lock:
                self.latencies.append(elapsed)
                if status != 200:
                    self.errors.append(f"status {status}")
                    continue
            shown = VERSION_LINE.search(page)
            markers = set(MARKER.findall(page))
            version = int(shown.group(1)) if shown else None
            expected = set() if version == 1 else {str(version)}
            with self.lock:
                if version is None or markers != expected:
                    self.mixed.append((version, sorted(markers)))
                elif version < newest_before:
                    self.stale.append((version, newest_before))


def publisher_loop(stop_at, every, published, failures):
    """Publish an amendment every `every` seconds: a draft by the editor, published by the
    publisher (four-eyes), as the admin does."""
    from django.contrib.auth.models import User
    from django.db import connection

    from procedures import selectors
    from procedures.drafts import approval_fingerprint
    from procedures.models import Chapter, Draft
    from procedures.publishing import publish

    editor, publisher = User.objects.get(username="editor"), User.objects.get(username="pub")
    chapter = Chapter.objects.get(slug=CHAPTER)
    original = selectors.latest_version(chapter).source
    while time.monotonic() + every < stop_at:
        time.sleep(every)
        latest = selectors.latest_version(chapter)
        n = latest.number + 1
        draft = Draft.objects.create(
            chapter=chapter,
            based_on=latest.number,
            chapter_number=latest.chapter_number,
            title=latest.title,
            part=latest.part,
            body=original.rstrip()
            + f"\n\n## Amendment note {{#amendment-note}}\n\nThis is bench-marker-{n}.\n",
            summary=f"Bench amendment {n}.",
            created_by=editor,
            review_date=selectors.today() + datetime.timedelta(days=365),
        )
        draft.related.set(latest.related.all())
        draft.authors.add(editor)
        try:
            approved = approval_fingerprint(draft=draft)  # the publisher's review
            publish(by=publisher, draft=draft, approved=approved)
            published.append(n)
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))
    connection.close()


def abuser_loop(port, stop_at, counts, k):
    """One of the abuser's connections: all from one client address."""
    site = Site(port, "198.51.100.66")
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        try:
            counts[site.sign_up(f"victim{k}-{n}@example.net")] += 1
        except Exception as error:  # noqa: BLE001
            counts[repr(error)] += 1


def legitimate_signups(port, count, stop_at, counts):
    gap = max(0.1, (stop_at - time.monotonic()) / (count + 1))
    for n in range(count):
        time.sleep(gap)
        counts[Site(port, f"203.0.113.{n + 1}").sign_up(f"newreader{n}@example.org")] += 1


def summarise(latencies, seconds):
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "per_second": len(ordered) / seconds,
        "p50_ms": 1000 * statistics.median(ordered) if ordered else 0,
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0,
    }


def mail_received(mail_dir):
    """(recipient, subject) of every message the worker sent."""
    found = Counter()
    for path in Path(mail_dir).iterdir():
        # The file backend writes messages separated by a line of 79 dashes.
        for chunk in path.read_text().split("-" * 79):
            if "Subject:" not in chunk:
                continue
            message = message_from_string(chunk.strip())
            found[(message["To"], message["Subject"])] += 1
    return found


def main():
    args = arguments()
    if not args.port:
        with socket.socket() as probe:  # a port nobody is listening on
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    # Stopped from outside (Ctrl+C, `timeout`): still stop the servers and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    base = server_url.rsplit("/", 1)[0]
    name = f"bench_load_{os.getpid()}"
    mail_dir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    env = environment(f"{base}/{name}", mail_dir)
    os.environ.update({k: v for k, v in env.items() if k not in ("PATH",)})
    subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    subprocess.run(["redis-cli", "-n", "13", "FLUSHDB"], capture_output=True)
    processes = []
    try:
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "load_content", "-v", "0"], cwd=ROOT, env=env, check=True)
        import django

        django.setup()
        from django.contrib.auth.models import Group, User
        from django.utils import timezone

        from updates.models import Delivery, Subscriber

        for username, group in [("editor", "Editor"), ("pub", "Publisher")]:
            user = User.objects.create_user(username, password="bench-password-1", is_staff=True)
            user.groups.add(Group.objects.get(name=group))
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{n}@example.org",
                email_key=f"reader{n}@example.org",
                token=f"bench-token-{n}",
                confirmed_at=timezone.now(),
            )
            for n in range(args.subscribers)
        )
        processes.append(
            subprocess.Popen(
                [*manage, "run_worker", "--no-reload", "--interval", "0.2", "-v", "0"],
                cwd=ROOT,
                env=env,
            )
        )
        processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{args.port}",
                 "--workers", "4", "--log-level", "warning"],
                cwd=ROOT,
                env=env,
            )
        )  # fmt: skip
        wait_until_healthy(args.port)
        if any(process.poll() is not None for process in processes):
            raise SystemExit("gunicorn or the worker stopped at start (see above)")

        published = []
        readers = Readers(args.port, args.readers, published)
        baseline = summarise(readers.run(args.baseline), args.baseline)

        stop_at = time.monotonic() + args.seconds
        abuse, legitimate, publish_failures = Counter(), Counter(), []
        helpers = [
            threading.Thread(
                target=publisher_loop,
                args=(stop_at, args.publish_every, published, publish_failures),
            ),
            *[
                threading.Thread(target=abuser_loop, args=(args.port, stop_at, abuse, k))
                for k in range(args.abuser_connections)
            ],
            threading.Thread(
                target=legitimate_signups,
                args=(args.port, args.legitimate_signups, stop_at, legitimate),
            ),
        ]
        for helper in helpers:
            helper.start()
        loaded = summarise(readers.run(args.seconds), args.seconds)
        for helper in helpers:
            helper.join()

        drained_in = wait_for_worker(Delivery, len(published) * args.subscribers)
        time.sleep(2)  # the confirmation jobs queued last
        received = mail_received(mail_dir)
        report(args, baseline, loaded, readers, published, publish_failures, abuse,
               legitimate, received, drained_in)  # fmt: skip
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"])
        subprocess.run(["redis-cli", "-n", "13", "FLUSHDB"], capture_output=True)


def wait_until_healthy(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _ = Site(port, "127.0.0.1").request("GET", "/healthz/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the portal did not become healthy")


def wait_for_worker(Delivery, expected, timeout=120):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if Delivery.objects.filter(status="sent").count() >= expected:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def report(args, baseline, loaded, readers, published, publish_failures, abuse, legitimate,
           received, drained_in):  # fmt: skip
    from procedures.models import Release
    from updates.models import Subscriber

    releases = list(Release.objects.filter(published_at__isnull=False).order_by("pk"))
    release_subjects = {r.name for r in releases}
    confirmed = [s.email for s in Subscriber.objects.confirmed()]
    per_release = Counter()
    for (to, subject), times in received.items():
        if any(subject.startswith(name) for name in release_subjects):
            per_release[(to, subject)] = times
    expected_pairs = {
        (email, subject) for email in confirmed for subject in {s for (_, s) in per_release}
    }
    release_ok = (
        len({s for (_, s) in per_release}) == len(published)
        and set(per_release) == expected_pairs
        and set(per_release.values()) <= {1}
    )
    confirmations = Counter(
        to
        for (to, subject), times in received.items()
        for _ in range(times)
        if subject.startswith("Confirm your email")
    )
    legit_ok = all(
        confirmations[f"newreader{n}@example.org"] == 1 for n in range(args.legitimate_signups)
    ) and legitimate == Counter({302: args.legitimate_signups})
    abuser_accepted = abuse.get(302, 0)
    abuser_confirmations = sum(v for k, v in confirmations.items() if k.startswith("victim"))
    checks = {
        "zero reader errors": not readers.errors,
        "every page wholly one version": not readers.mixed,
        "no page older than a finished publish": not readers.stale,
        "abuser limited (<= 10 accepted)": abuser_accepted <= 10 and abuse.get(429, 0) > 0,
        "every confirmed subscriber emailed each release once": release_ok,
        "each legitimate sign-up: one confirmation": legit_ok,
        "publishes all succeeded": not publish_failures and len(published) > 0,
    }
    print(f"readers {args.readers}, baseline {args.baseline:.0f} s, loaded {args.seconds:.0f} s")
    for label, figures in [("baseline (readers only)", baseline), ("loaded", loaded)]:
        print(
            f"  {label:24} {figures['requests']:6d} requests  {figures['per_second']:7.1f}/s  "
            f"p50 {figures['p50_ms']:6.1f} ms  p95 {figures['p95_ms']:6.1f} ms"
        )
    print(
        f"  loaded/baseline: throughput {loaded['per_second'] / baseline['per_second']:.2f}, "
        f"p95 {loaded['p95_ms'] / baseline['p95_ms']:.2f}"
    )
    print(f"  reader errors {len(readers.errors)} {Counter(readers.errors).most_common(3)}")
    print(f"  mixed pages {len(readers.mixed)}, stale pages {len(readers.stale)}")
    print(f"  publishes {len(published)} (versions {published}), failures {publish_failures}")
    print(
        f"  abuser: {sum(abuse.values())} sign-ups tried, {abuser_accepted} accepted, "
        f"{abuse.get(429, 0)} refused (429), {abuser_confirmations} confirmation emails; "
        f"other outcomes {dict((k, v) for k, v in abuse.items() if k not in (302, 429))}"
    )
    print(
        f"  legitimate sign-ups {dict(legitimate)}, confirmations "
        f"{sum(confirmations[f'newreader{n}@example.org'] for n in range(args.legitimate_signups))}"
    )
    print(
        f"  release emails: {sum(per_release.values())} to {len(confirmed)} subscribers for "
        f"{len(published)} releases; most copies of one release to one address: "
        f"{max(per_release.values(), default=0)}; worker drained "
        f"{f'{drained_in:.1f} s' if drained_in is not None else 'NOT'} after the load ended"
    )
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {label}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
