"""The portal served as `scripts/serve` serves it (gunicorn with two workers and the background
worker, on one SQLite file), for tests and benchmarks that need several real processes.

`ServedPortal` starts `scripts/serve --no-setup` in its own process group on a throwaway SQLite
database, or, for an older checkout whose script cannot be told where to serve, the same
commands that script runs. `Staff` is one person's browser without the browser: a cookie jar,
the CSRF token, and forms read from the page.
"""

import collections
import datetime
import html.parser
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "a-long-test-password"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedPortal:
    """Serve `checkout` on a fresh SQLite file in `workdir`; `extra_env` adds settings."""

    def __init__(self, workdir, *, checkout=ROOT, extra_env=None, via_script=True):
        self.workdir = Path(workdir)
        self.checkout = Path(checkout)
        self.port = free_port()
        self.database = self.workdir / "portal.sqlite3"
        self.log = self.workdir / "serve.log"
        self.via_script = via_script
        self.python = str(self.checkout / ".venv" / "bin" / "python")
        self.env = {
            name: value
            for name, value in os.environ.items()
            if name not in {"DEBUG", "STATICFILES_BACKEND", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            DATABASE_URL=f"sqlite:///{self.database}",
            CACHE_URL="db://portal_cache",
            PORT=str(self.port),
            SECRET_KEY="served-portal-test-key-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            PORTAL_BASE_URL=f"http://127.0.0.1:{self.port}",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.workdir / "mail"),
            LOG_LEVEL="WARNING",
            **(extra_env or {}),
        )
        self.processes = []

    # --- starting and stopping ------------------------------------------------------------

    def __enter__(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "mail").mkdir(exist_ok=True)
        log = self.log.open("ab")
        if self.via_script:
            self._start(["scripts/serve", "--no-setup"], log)
        else:
            self._serve_like_the_script(log)
        try:
            self._wait_until_serving()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self, command, log):
        process = subprocess.Popen(
            command,
            cwd=self.checkout,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def _serve_like_the_script(self, log):
        """What `scripts/serve` runs, for a checkout whose script takes no port."""
        for command in (
            ["migrate", "--no-input", "-v", "0"],
            ["createcachetable"],
            ["load_content"],
            ["collectstatic", "--no-input", "-v", "0", "-i", "scss"],
        ):
            self.manage(*command)
        self._start([self.python, "manage.py", "run_worker", "--no-reload"], log)
        gunicorn = str(self.checkout / ".venv" / "bin" / "gunicorn")
        self._start(
            [gunicorn, "portal.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
            + ["--access-logfile", "-"],
            log,
        )

    def _wait_until_serving(self, seconds=300):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"the portal stopped while starting:\n{self.log_text()}")
            try:
                urllib.request.urlopen(self.url("/healthz/"), timeout=2).read()
                return
            except urllib.error.HTTPError:
                return  # answering (the worker's first heartbeat may not be in yet)
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the portal did not start within {seconds} s:\n{self.log_text()}")

    def __exit__(self, *exc):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    # --- looking at it ------------------------------------------------------------------------

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def manage(self, *args, input_text=None):
        result = subprocess.run(
            [self.python, "manage.py", *args],
            cwd=self.checkout,
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def shell(self, code):
        return self.manage("shell", "-c", code)

    def worker_pids(self):
        """The process ids of the background workers this portal runs (its own processes
        only: those in the process groups it started)."""
        groups = {process.pid for process in self.processes}
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                pid = int(entry.name)
                if os.getpgid(pid) not in groups:
                    continue
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except (OSError, ProcessLookupError):
                continue
            if b"run_worker" in command and b"manage.py" in b" ".join(command):
                found.append(pid)
        return sorted(found)

    def add_staff(self, names, group="Publisher"):
        """Staff accounts with PASSWORD and the backup code '<name>-backup-code' (twenty
        uses), in `group`."""
        self.shell(
            "from django.contrib.auth.models import Group, User\n"
            "from django_otp.plugins.otp_static.models import StaticDevice\n"
            f"for name in {list(names)!r}:\n"
            f"    user = User.objects.create_user(name, name + '@example.org', {PASSWORD!r},"
            " is_staff=True)\n"
            f"    user.groups.add(Group.objects.get(name={group!r}))\n"
            "    device = StaticDevice.objects.create(user=user, name='Backup codes')\n"
            "    for _ in range(20):\n"
            "        device.token_set.create(token=name + '-backup-code')\n"
        )

    def chapters_in_force(self, count):
        """(id, slug) of chapters whose newest version is already in force, so an amendment
        taking effect today can follow it."""
        out = self.shell(
            "from django.utils import timezone\n"
            "from procedures.models import ChapterVersion\n"
            "newest = ChapterVersion.objects.newest().filter(\n"
            "    effective_date__lte=timezone.localdate()).order_by('number_key')\n"
            "for version in newest:\n"
            "    print(version.chapter_id, version.chapter.slug)\n"
        )
        rows = re.findall(r"^(\d+) (\S+)$", out, re.M)
        return [(int(pk), slug) for pk, slug in rows[:count]]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status, body, location=""):
        self.status, self.body, self.location = status, body, location

    def __repr__(self):
        return f"<Response {self.status} {self.location}>"


class Staff:
    """One signed-in person, without a browser. Every response's status is kept in
    `statuses`, so a run can count the 5xx answers."""

    def __init__(self, portal, username):
        self.portal, self.username = portal, username
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )
        self.statuses = []

    def request(self, path, data=None, *, timeout=120):
        body = None
        if data is not None:
            pairs = list(data.items()) if isinstance(data, dict) else list(data)
            pairs.append(("csrfmiddlewaretoken", self.csrf_token()))
            body = urllib.parse.urlencode(pairs, doseq=True).encode()
        request = urllib.request.Request(self.portal.url(path), data=body)
        if data is not None:
            request.add_header("Referer", self.portal.url(path))
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                response = Response(answer.status, answer.read().decode())
        except urllib.error.HTTPError as error:
            response = Response(
                error.code, error.read().decode(errors="replace"), error.headers.get("Location")
            )
        except OSError as error:  # no answer at all (connection reset, timed out): status 0
            response = Response(0, f"{type(error).__name__}: {error}")
        self.statuses.append(response.status)
        return response

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)

    def csrf_token(self):
        for cookie in self.cookies:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def sign_in(self):
        self.get("/admin/login/")
        answer = self.post(
            "/admin/login/?next=/admin/",
            {
                "username": self.username,
                "password": PASSWORD,
                "otp_token": f"{self.username}-backup-code",
                "next": "/admin/",
            },
        )
        assert answer.status == 302, f"{self.username} could not sign in: {answer.status}"
        return self


class FormReader(html.parser.HTMLParser):
    """The fields of one form on a page, as a browser would send them (checked boxes, chosen
    options, text areas)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(page, form_id):
    reader = FormReader(form_id)
    reader.feed(page)
    return reader.fields


def with_field(fields, name, value):
    return [(key, val) for key, val in fields if key != name] + [(name, value)]


def field_value(fields, name):
    return next((value for key, value in fields if key == name), None)


def draft_id(location):
    found = re.search(r"/draft/(\d+)/", location or "")
    return int(found.group(1)) if found else None


# --- the editing desk's writes -----------------------------------------------------------


def start_draft(staff, chapter_id, *, summary="Amended by the concurrency check."):
    """'Draft the next version' of a chapter, saved once; returns the draft's id (or None,
    with the answer, when it was refused)."""
    page = staff.get(f"/admin/procedures/draft/add/?chapter={chapter_id}")
    if page.status != 200:
        return None, page
    fields = with_field(form_fields(page.body, "draft_form"), "summary", summary)
    # Publishing refuses a version with no next review date (or a reason for none).
    next_review = datetime.date.today() + datetime.timedelta(days=365)
    fields = with_field(fields, "review_date", next_review.isoformat())
    answer = staff.post(
        f"/admin/procedures/draft/add/?chapter={chapter_id}", fields + [("_continue", "1")]
    )
    return draft_id(answer.location), answer


def save_draft(staff, pk, words):
    """Open the draft, add `words` at the end of its text, "Save and continue editing"."""
    page = staff.get(f"/admin/procedures/draft/{pk}/change/")
    if page.status != 200:
        return page
    fields = form_fields(page.body, "draft_form")
    body = field_value(fields, "body") or ""
    fields = with_field(fields, "body", body.rstrip("\n") + f"\n\n{words}\n")
    return staff.post(f"/admin/procedures/draft/{pk}/change/", fields + [("_continue", "1")])


APPROVED = re.compile(r'name="approved" value="([0-9a-f]+)"')


def publish_draft(staff, pk):
    """Publish from the review, as a publisher does; True when it was published."""
    review = staff.get(f"/admin/procedures/draft/{pk}/review/")
    approved = APPROVED.search(review.body) if review.status == 200 else None
    if approved is None:
        return False
    answer = staff.post(f"/admin/procedures/draft/{pk}/publish/", {"approved": approved[1]})
    return answer.status == 302 and answer.location.endswith("/change/")


def saves_and_publishes(portal, *, clients=3, saves=200, publish_every=20):
    """`clients` publishers, each amending a chapter of their own, make `saves` saves between
    them; every `publish_every`th save, the client that made it publishes the next client's
    draft (four-eyes: never their own), whose next save then starts a new draft. Returns
    the figures: every status answered, saves made, publishes, seconds."""
    names = [f"writer{number}" for number in range(clients)]
    portal.add_staff(names)
    chapters = portal.chapters_in_force(clients)
    lock = threading.Lock()
    state = {
        "saves": 0,
        "saved": 0,
        "published": 0,
        "refused_published": 0,
        "drafts": {},
        "errors": [],
    }
    people = [Staff(portal, name).sign_in() for name in names]
    timings = []

    def client(index):
        try:
            work(index)
        except Exception as error:  # reported, never a silent stop of one client
            state["errors"].append(f"client {index}: {type(error).__name__}: {error}")

    def work(index):
        staff, (chapter_id, _) = people[index], chapters[index]
        pk = None
        while True:
            for _ in range(20):  # a start refused (say, a 5xx) is tried again
                if pk is not None:
                    break
                pk, answer = start_draft(staff, chapter_id)
            if pk is None:
                raise RuntimeError(f"no draft could be started: {answer}")
            state["drafts"][index] = pk
            with lock:
                if state["saves"] >= saves:
                    return
                state["saves"] += 1
                number = state["saves"]
            started = time.monotonic()
            answer = save_draft(staff, pk, f"Save {number} by {staff.username}.")
            timings.append(time.monotonic() - started)
            if answer.status == 302:
                with lock:
                    state["saved"] += 1
            elif answer.status == 409:  # published meanwhile: the text is kept, start anew
                with lock:
                    state["refused_published"] += 1
                pk = None
            if number % publish_every == 0:
                # The other client keeps saving, so the draft may change between the review
                # and the publish (refused: "changed since review"); look again, as a
                # publisher would.
                for _ in range(5):
                    other = state["drafts"].get((index + 1) % clients)
                    if other and publish_draft(staff, other):
                        with lock:
                            state["published"] += 1
                        break

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = collections.Counter(status for person in people for status in person.statuses)
    timings.sort()
    return {
        "clients": clients,
        "saves": state["saves"],
        "saved": state["saved"],
        "refused_published_meanwhile": state["refused_published"],
        "published": state["published"],
        "statuses": dict(sorted(statuses.items())),
        "responses_5xx": sum(n for status, n in statuses.items() if status >= 500),
        "client_errors": state["errors"],
        "seconds": round(time.monotonic() - started, 1),
        "save_p50_seconds": round(timings[len(timings) // 2], 3) if timings else None,
        "save_p95_seconds": round(timings[int(len(timings) * 0.95)], 3) if timings else None,
    }
