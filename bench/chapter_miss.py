"""What an uncached chapter page costs in-process: time, queries and model instances per miss.

    python bench/chapter_miss.py                        # SQLite, a throwaway file under /tmp
    python bench/chapter_miss.py --backend postgresql   # a throwaway bench_chapter_miss database

It loads the sample manual (content/) into a throwaway database, turns the page cache off
(the dummy cache, as the tests' `no_page_cache` does) and asks the test client for every
chapter page `--rounds` times, in the same order each round. It reports the median time of a
miss, the queries it makes and how many model instances Django built for it (counted with the
post_init signal), for the chapter with most sections and over all chapters. No server, no
network: the figure is the view, its queries and its template.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(rounds: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models.signals import post_init
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment

    from procedures.models import ChapterVersion, Section

    warnings.filterwarnings("ignore", message="No directory at")  # static files: not built
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_content", str(ROOT / "content"), verbosity=0)
    slugs = sorted(ChapterVersion.objects.current().values_list("chapter__slug", flat=True))
    largest = max(slugs, key=lambda s: Section.objects.filter(version__chapter__slug=s).count())

    built = []
    post_init.connect(lambda sender, **kwargs: built.append(sender), weak=False)
    client = Client()
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    times = {slug: [] for slug in slugs}
    with override_settings(CACHES=dummy, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for slug in slugs:  # warm: templates, URL resolvers, connections
            assert client.get(f"/chapters/{slug}/").status_code == 200
        for _ in range(rounds):
            for slug in slugs:
                begin = time.perf_counter()
                client.get(f"/chapters/{slug}/")
                times[slug].append(time.perf_counter() - begin)
        counts = {}
        for slug in slugs:
            built.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/chapters/{slug}/")
            counts[slug] = (len(queries.captured_queries), len(built))
    medians = {slug: statistics.median(values) * 1000 for slug, values in times.items()}
    return {
        "backend": connection.vendor,
        "largest": largest,
        "largest_ms": round(medians[largest], 2),
        "largest_queries": counts[largest][0],
        "largest_instances": counts[largest][1],
        "all_ms": round(statistics.median(medians.values()), 2),
        "all_instances": sum(n for _, n in counts.values()),
        "chapters": len(slugs),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        result = measure(args.rounds)
        print(
            f"{result['backend']}: uncached chapter page, median of {args.rounds} rounds:"
            f" {result['largest']} ({result['largest_queries']} queries,"
            f" {result['largest_instances']} model instances) {result['largest_ms']} ms;"
            f" median over {result['chapters']} chapters {result['all_ms']} ms,"
            f" {result['all_instances']} model instances for one miss of each"
        )
        return
    if args.backend == "postgresql":
        name = "bench_chapter_miss"
        subprocess.run(["psql", args.server, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", args.server, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = args.server.rsplit("/", 1)[0] + "/" + name
    else:
        path = Path(tempfile.gettempdir()) / "bench_chapter_miss.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_URL": "db://portal_cache",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 30),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        # The built static files are not collected here; their names do not change the cost.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    try:
        command = [sys.executable, __file__, "--measure", "--rounds", str(args.rounds)]
        subprocess.run(command, env=env, check=True, cwd=ROOT)
    finally:
        if args.backend == "postgresql":
            subprocess.run(["psql", args.server, "-qc", f"DROP DATABASE IF EXISTS {name}"])
        else:
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
