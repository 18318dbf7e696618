"""Stale reads: readers hammer a chapter page while it is published again and again; a reader
whose request began after a publish had returned must never get the version before it.

    .venv/bin/python bench/stale.py                      # both backends, 15 publishes
    .venv/bin/python bench/stale.py --backends sqlite --publishes 5

For each backend the portal is served as bench/serve.py serves it (gunicorn, 2 sync workers,
production settings, the sample manual; SQLite with the database cache, PostgreSQL with
Redis). Reader threads ask for the chapter over and over (each worker keeps its copy of the
page cache's stamp and answers hits early, procedures/early_hits.py); another process
publishes an amendment through procedures.publishing.publish (as the admin does) every
--every seconds and notes when each publish returned. Both use the machine's monotonic clock.
A response is stale when its request began after a publish returned and it shows an older
version than that publish's. Exit status 1 if any response is stale or fails.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from serve import Server, prepare  # noqa: E402

CHAPTER = "bullying"
VERSION_LINE = re.compile(rb"Version (\d+), effective")


def publisher(publishes, every):
    """Runs in a child process whose environment names the served database."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User

    from procedures import selectors
    from procedures.drafts import approval_fingerprint
    from procedures.models import Chapter, Draft
    from procedures.publishing import PublishingError, publish

    editor = User.objects.create_user("stale-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    by = User.objects.create_user("stale-publisher", is_staff=True)
    by.groups.add(Group.objects.get(name="Publisher"))
    chapter = Chapter.objects.get(slug=CHAPTER)
    original = selectors.latest_version(chapter).source
    print("ready", flush=True)
    for n in range(publishes):
        time.sleep(every)
        latest = selectors.latest_version(chapter)
        draft = Draft.objects.create(
            chapter=chapter,
            based_on=latest.number,
            chapter_number=latest.chapter_number,
            title=latest.title,
            part=latest.part,
            body=original.rstrip() + f"\n\nStale-read benchmark amendment {n}.\n",
            summary=f"Benchmark amendment {n}.",
            created_by=editor,
            effective_date=max(selectors.today(), latest.effective_date),
            review_date=selectors.today() + datetime.timedelta(days=365),
        )
        draft.related.set(latest.related.all())
        draft.authors.add(editor)
        began = time.monotonic()
        try:
            (version,) = publish(by=by, draft=draft, approved=approval_fingerprint(draft=draft))
        except PublishingError as error:
            sys.exit(f"{error}: {error.problems}")
        returned = time.monotonic()  # the publish's response would be sent now
        print(json.dumps([version.number, began, returned]), flush=True)


class Readers:
    def __init__(self, port, count):
        self.port, self.count = port, count
        self.responses, self.errors = [], []
        self.stop = threading.Event()

    def read(self):
        mine = []
        while not self.stop.is_set():
            began = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", f"/chapters/{CHAPTER}/")
                answer = connection.getresponse()
                body = answer.read()
                connection.close()
            except OSError as error:
                self.errors.append(repr(error))
                continue
            found = VERSION_LINE.search(body)
            if answer.status != 200 or found is None:
                self.errors.append(f"{answer.status} without a version line")
                continue
            mine.append((began, int(found[1])))
        self.responses.extend(mine)

    def __enter__(self):
        self.threads = [threading.Thread(target=self.read) for _ in range(self.count)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def measure(backend, options):
    with tempfile.TemporaryDirectory(prefix="bench-stale-") as workdir:
        env = prepare(backend, options, workdir, database="bench_stale")
        with Server(env, options.port):
            child = subprocess.Popen(
                [sys.executable, __file__, "--publisher", str(options.publishes)]
                + ["--every", str(options.every)],
                env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert child.stdout.readline().strip() == "ready"
            with Readers(options.port, options.readers) as readers:
                published = [json.loads(line) for line in child.stdout]
                time.sleep(options.every)  # readers go on after the last publish
            if child.wait() != 0 or len(published) != options.publishes:
                raise RuntimeError("the publisher failed (see above)")
    responses = sorted(readers.responses)
    per_publish = []
    for index, (number, began, returned) in enumerate(published):
        until = published[index + 1][2] if index + 1 < len(published) else float("inf")
        after = [version for start, version in responses if returned < start < until]
        per_publish.append(
            {
                "version": number,
                "publish_ms": round((returned - began) * 1000, 1),
                "reads_after": len(after),
                "stale": sum(version < number for version in after),
            }
        )
    # Everything begun after a publish returned, against every publish before it.
    stale = sum(
        1
        for start, version in responses
        if any(returned < start and version < number for number, _, returned in published)
    )
    return {
        "responses": len(responses),
        "errors": len(readers.errors),
        "stale": stale,
        "publishes": per_publish,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--publishes", type=int, default=15)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between publishes")
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database to use (flushed)")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without a database name",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--publisher", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.publisher:
        publisher(options.publisher, options.every)
        return
    if not options.port:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            options.port = free.getsockname()[1]

    results = {}
    for backend in options.backends.split(","):
        print(f"{backend}: {options.publishes} publishes, {options.readers} readers")
        results[backend] = result = measure(backend, options)
        for p in result["publishes"]:
            print(
                f"  version {p['version']}: publish {p['publish_ms']} ms, "
                f"{p['reads_after']} reads after it returned, {p['stale']} stale"
            )
    print("\n| backend | reads | errors | publishes | stale reads after a publish returned |")
    print("|---|---:|---:|---:|---:|")
    for backend, r in results.items():
        print(
            f"| {backend} | {r['responses']:,} | {r['errors']} | {len(r['publishes'])}"
            f" | **{r['stale']}** |"
        )
    if options.json:
        options.json.write_text(json.dumps(results, indent=2))
    if any(r["stale"] or r["errors"] for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
