"""Loading and publishing as the manual grows: figures as ratios measured in one run.

    .venv/bin/python bench/growth.py                      # both backends, 1,000 chapters
    .venv/bin/python bench/growth.py --backends sqlite --chapters 2000

For each backend, on a fresh database:
- load_content of a synthetic manual (bench/generate.py, through the normal loader): the
  first load, then the same tree again (nothing to do); the figure is no-op / first.
- publishing one amendment (a draft of one chapter, approved and published through
  procedures.publishing.publish as the admin does), median of --rounds publishes, in that
  manual and in the 14-chapter sample manual; the figure is large / small.
PostgreSQL throwaway databases are created on --server and dropped after; SQLite ones in a
temporary folder. Loopback only; not part of the test suite.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(manual_dir: Path, rounds: int) -> dict:
    """Runs inside a child process whose environment names the database."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from procedures import selectors
    from procedures.drafts import approval_fingerprint
    from procedures.models import Chapter, ChapterVersion, Draft
    from procedures.publishing import publish

    call_command("migrate", verbosity=0)
    quiet = {"verbosity": 0}
    began = time.perf_counter()
    call_command("load_content", str(manual_dir), **quiet)
    first = time.perf_counter() - began
    began = time.perf_counter()
    call_command("load_content", str(manual_dir), **quiet)
    again = time.perf_counter() - began

    editor = User.objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    publisher = User.objects.create_user("bench-publisher", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    # A chapter in the middle of the manual, amended again and again.
    chapters = list(ChapterVersion.objects.current().order_by("number_key"))
    chapter = Chapter.objects.get(pk=chapters[len(chapters) // 2].chapter_id)
    timings = []
    for n in range(rounds):
        latest = selectors.latest_version(chapter)
        draft = Draft.objects.create(
            chapter=chapter,
            based_on=latest.number,
            chapter_number=latest.chapter_number,
            title=latest.title,
            part=latest.part,
            body=latest.source.rstrip() + f"\n\nAmendment {n} for the benchmark.\n",
            summary=f"Benchmark amendment {n}.",
            created_by=editor,
            # Not before a scheduled version (the sample's online safety v3, until it takes effect).
            effective_date=max(selectors.today(), latest.effective_date),
            review_date=selectors.today() + datetime.timedelta(days=365),
        )
        draft.related.set(latest.related.all())
        draft.authors.add(editor)
        began = time.perf_counter()
        approved = approval_fingerprint(draft=draft)  # the publisher's review page
        publish(by=publisher, draft=draft, approved=approved)
        timings.append(time.perf_counter() - began)
    return {
        "chapters": Chapter.objects.count(),
        "versions": ChapterVersion.objects.count(),
        "load_first_s": round(first, 3),
        "load_again_s": round(again, 3),
        "publish_median_s": round(statistics.median(timings), 4),
    }


def run(backend: str, manual_dir: Path, rounds: int, server: str, label: str) -> dict:
    name = f"bench_growth_{label}"
    if backend == "postgresql":
        subprocess.run(["psql", server, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = server.rsplit("/", 1)[0] + "/" + name
    else:
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_URL": "locmem://",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 30),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    try:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--measure", str(manual_dir)]
            command += ["--rounds", str(rounds), "--json", out.name]
            subprocess.run(command, env=env, check=True, cwd=ROOT)
            return json.loads(Path(out.name).read_text())
    finally:
        if backend == "postgresql":
            subprocess.run(["psql", server, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        else:
            path.unlink(missing_ok=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=1000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write every figure here as JSON")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        args.json.write_text(json.dumps(measure(args.measure, args.rounds)))
        return

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write_manual

    large = Path(tempfile.gettempdir()) / f"bench-manual-{args.chapters}"
    write_manual(large, args.chapters)
    sample = ROOT / "content"
    results = {}
    rows = [
        "| Backend | Chapters | First load | No-op re-run | No-op / first | Publish, sample"
        " manual | Publish, large manual | Large / sample |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for backend in args.backends:
        small_result = run(backend, sample, args.rounds, args.server, "sample")
        large_result = run(backend, large, args.rounds, args.server, "large")
        results[backend] = {"sample": small_result, "large": large_result}
        noop = large_result["load_again_s"] / large_result["load_first_s"]
        growth = large_result["publish_median_s"] / small_result["publish_median_s"]
        rows.append(
            f"| {backend} | {large_result['chapters']:,} | {large_result['load_first_s']} s"
            f" | {large_result['load_again_s']} s | **{noop:.3f}**"
            f" | {small_result['publish_median_s'] * 1000:.0f} ms"
            f" | {large_result['publish_median_s'] * 1000:.0f} ms | **{growth:.2f}x** |"
        )
    print("\n".join(rows))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
