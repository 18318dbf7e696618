"""Search latency on a synthetic manual of 1,000 and 10,000 chapters, on PostgreSQL and SQLite.

    python bench/search.py                              # both sizes, both backends (~15 min)
    python bench/search.py --sizes 1000 --backends sqlite
    python bench/search.py --json bench/results.json    # also keep the raw figures

For each size it writes the manual with bench/generate.py, and for each backend it creates a
throwaway database (PostgreSQL: bench_search_<size> on DATABASE_URL's server, default
postgres://postgres@127.0.0.1:5432; SQLite: a file under /tmp), migrates it and loads the
manual through the normal loader (read_manual + load_manual, as `load_content` does). Then,
warm, it times the 50 queries below through the same function the /search/ page calls
(search.engine.search: parse, match, rank, count, snippets, "Did you mean"), each
query `--rounds` times, and reports p50 and p95 of the per-query medians. A baseline is
measured in the same run: a chapter page's lookup (slug -> current version, two indexed
queries), so the figures can be read as ratios on any machine. On PostgreSQL it shows
EXPLAIN (ANALYZE, BUFFERS) of the ranking query; on SQLite its query plan.

After loading it runs VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite): autovacuum does the
same within a minute of a bulk load in production.

On a shared machine the growth figure moves with whatever else runs. `--repeat N` measures the
two sizes N times, alternately (1,000, 10,000, 1,000, ...), so both see the same load, and
reports each pair's growth and their median. `--keep` leaves the loaded databases in place and
`--reuse` measures databases a `--keep` run left instead of loading again (the same manual,
so before/after figures of a change to search can be taken against the same data):

    python bench/search.py --backends postgresql --rounds 3 --repeat 3 --keep
    python bench/search.py --backends postgresql --rounds 3 --repeat 3 --reuse --keep

Closer still, `--interleave` (after a `--keep` run) keeps one process open on each size's
database and sends every query to both in turn, small then large (or large then small,
alternately), so the two figures of a pair are taken milliseconds apart:

    python bench/search.py --backends postgresql sqlite --interleave --rounds 5 --repeat 3
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    # topics and the field's abbreviations
    "neglect", "county lines", "sextortion", "cse", "cce", "lado", "fgm", "dsl", "mash", "s47",
    "private fostering", "forced marriage", "young carer", "radicalisation", "prevent duty",
    "domestic abuse", "operation encompass", "marac", "harmful sexual behaviour", "cyberbullying",
    # questions as practitioners type them
    "someone shared a nude of a pupil", "adult arranging to meet a 15 year old",
    "reporting terrorist content", "victim blaming language", "child missing from education",
    "what to do if a child discloses abuse", "allegation against a member of staff",
    "how do I make a referral", "sharing information without consent",
    "initial child protection conference timescale", "bruising in a baby who is not mobile",
    "16 year old sofa surfing homelessness", "parent with mental health problems",
    "child carrying drugs for a gang", "teenage relationship abuse",
    # phrases and exclusions
    '"strategy discussion"', '"significant harm" neglect', "online -bullying",
    "grooming -online", '"youth produced sexual imagery"',
    # words in most sections
    "child", "safeguarding", "abuse", "children's social care", "risk of significant harm",
    # misspellings, and nothing to find
    "groming", "neglet", "safegarding", "xylophone orchestra", "zzqx",
]  # fmt: skip
assert len(QUERIES) == 50

EXPLAINED = ["county lines", "child"]


def percentile(values, fraction):
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def milliseconds(seconds):
    return round(seconds * 1000, 2)


# --- inside one configuration (a subprocess with DATABASE_URL set) ----------------------------


def measure(manual_dir: Path, rounds: int, load: bool = True) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from manual.content import read_manual
    from manual.loading import load_manual
    from procedures import selectors
    from procedures.models import ChapterVersion, Section
    from search.engine import search
    from search.models import SearchDocument

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the loader bumps the page-cache stamp
    started = time.perf_counter()
    if load:
        manual = read_manual(manual_dir)
        read = time.perf_counter()
        load_manual(manual)
        stored = time.perf_counter()
        del manual
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    else:
        read = stored = time.perf_counter()
    maintained = time.perf_counter()

    today = selectors.today()
    current = ChapterVersion.objects.filter(selectors.valid_on(today))
    sizes = {
        "chapters": current.count(),
        "versions": ChapterVersion.objects.count(),
        "sections": Section.objects.count(),
        "indexed_sections": SearchDocument.objects.count(),
        "current_sections": Section.objects.filter(version__in=current).count(),
    }

    for _ in range(2):  # warm: caches, plans, synonyms file, trigram index
        for text in QUERIES:
            search(text)
    samples = {text: [] for text in QUERIES}
    shuffler = random.Random(7)
    for _ in range(rounds):
        order = QUERIES[:]
        shuffler.shuffle(order)
        for text in order:
            begin = time.perf_counter()
            search(text)
            samples[text].append(time.perf_counter() - begin)
    per_query = {text: statistics.median(times) for text, times in samples.items()}
    results = {}
    for text in QUERIES:
        found = search(text)
        results[text] = f"more than {found.total}" if found.more_than_counted else found.total

    slugs = list(current.values_list("chapter__slug", flat=True))
    picker = random.Random(3)
    chosen = [picker.choice(slugs) for _ in range(50)]
    for slug in chosen:  # warm
        chapter, _ = selectors.find_chapter(slug)
        selectors.current_version(chapter)
    baseline = []
    for _ in range(rounds):
        for slug in chosen:
            begin = time.perf_counter()
            chapter, _ = selectors.find_chapter(slug)
            selectors.current_version(chapter)
            baseline.append(time.perf_counter() - begin)
    contents = []
    for _ in range(3):
        begin = time.perf_counter()
        selectors.contents()
        contents.append(time.perf_counter() - begin)

    plans = {}
    for text in EXPLAINED:
        with CaptureQueriesContext(connection) as captured:
            search(text)
        ranking = next(q["sql"] for q in captured.captured_queries if "search_" in q["sql"])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + ranking)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + ranking)
            plans[text] = "\n".join(
                str(row[0]) if len(row) == 1 else " ".join(map(str, row[1:]))
                for row in cursor.fetchall()
            )

    search_medians = list(per_query.values())
    base_p50, base_p95 = percentile(baseline, 0.5), percentile(baseline, 0.95)
    p50, p95 = percentile(search_medians, 0.5), percentile(search_medians, 0.95)
    return {
        "backend": connection.vendor,
        "sizes": sizes,
        "load_seconds": {
            "read_and_render": round(read - started, 1),
            "store_and_index": round(stored - read, 1),
            "vacuum_analyze": round(maintained - stored, 1),
        },
        "search_ms": {
            "p50": milliseconds(p50),
            "p95": milliseconds(p95),
            "max": milliseconds(max(search_medians)),
            "mean": milliseconds(statistics.mean(search_medians)),
        },
        "baseline_ms": {"p50": milliseconds(base_p50), "p95": milliseconds(base_p95)},
        "ratio_to_baseline": {"p50": round(p50 / base_p50, 1), "p95": round(p95 / base_p95, 1)},
        "contents_page_query_ms": milliseconds(statistics.median(contents)),
        "per_query_ms": {text: milliseconds(value) for text, value in per_query.items()},
        "results": results,
        "plans": plans,
    }


# --- interleaved: one process per database, asked one query at a time -----------------------


def serve() -> None:
    """Answer timing requests on stdin, one JSON line each, with the seconds taken."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from procedures import selectors
    from procedures.models import ChapterVersion
    from search.engine import search

    current = ChapterVersion.objects.filter(selectors.valid_on(selectors.today()))
    slugs = sorted(current.values_list("chapter__slug", flat=True))
    chosen = [random.Random(3).choice(slugs) for _ in range(50)]

    def lookup(slug):
        chapter, _ = selectors.find_chapter(slug)
        selectors.current_version(chapter)

    for _ in range(2):  # warm: caches, plans, synonyms file
        for text in QUERIES:
            search(text)
        for slug in chosen:
            lookup(slug)
    print(json.dumps({"ready": len(slugs)}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        begin = time.perf_counter()
        if "query" in request:
            search(request["query"])
        else:
            lookup(chosen[request["chapter"]])
        print(json.dumps(time.perf_counter() - begin), flush=True)


def interleave(backend: str, sizes: list[int], rounds: int, server: str) -> list[dict]:
    """Per-query medians for each size, every query timed on each database in turn."""
    workers = {}
    for size in sizes:
        if backend == "postgresql":
            name = f"bench_search_{size}"
            if not database_exists(server, name):
                raise SystemExit(f"no {name}: run once with --keep first")
            url = server.rsplit("/", 1)[0] + "/" + name
        else:
            path = Path(tempfile.gettempdir()) / f"bench_search_{size}.sqlite3"
            if not path.exists():
                raise SystemExit(f"no {path}: run once with --keep first")
            url = f"sqlite:///{path}"
        workers[size] = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            env={**_environment(url)},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    for worker in workers.values():
        json.loads(worker.stdout.readline())

    def ask(size, request):
        workers[size].stdin.write(json.dumps(request) + "\n")
        workers[size].stdin.flush()
        return json.loads(workers[size].stdout.readline())

    samples = {size: {text: [] for text in QUERIES} for size in sizes}
    baseline = {size: [] for size in sizes}
    shuffler = random.Random(7)
    turn = 0
    for _ in range(rounds):
        order = QUERIES[:]
        shuffler.shuffle(order)
        for text in order:
            turn += 1
            for size in sizes if turn % 2 else reversed(sizes):
                samples[size][text].append(ask(size, {"query": text}))
        for index in range(50):
            turn += 1
            for size in sizes if turn % 2 else reversed(sizes):
                baseline[size].append(ask(size, {"chapter": index}))
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    results = []
    for size in sizes:
        medians = [statistics.median(times) for times in samples[size].values()]
        results.append(
            {
                "backend": backend,
                "chapters": size,
                "search_ms": {
                    "p50": milliseconds(percentile(medians, 0.5)),
                    "p95": milliseconds(percentile(medians, 0.95)),
                    "max": milliseconds(max(medians)),
                },
                "baseline_ms": {
                    "p50": milliseconds(percentile(baseline[size], 0.5)),
                    "p95": milliseconds(percentile(baseline[size], 0.95)),
                },
                "per_query_ms": {
                    text: milliseconds(statistics.median(times))
                    for text, times in samples[size].items()
                },
            }
        )
    return results


def interleaved_report(runs: list[list[dict]]) -> str:
    lines = [
        "| Backend | Run | Search p50 (small / large) | Search p95 (small / large)"
        " | Baseline p50 (small / large) | p95 growth |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    growths = {}
    for number, (small, large) in enumerate(runs, start=1):
        growth = large["search_ms"]["p95"] / small["search_ms"]["p95"]
        growths.setdefault(small["backend"], []).append(growth)
        lines.append(
            f"| {small['backend']} | {number} | {small['search_ms']['p50']}"
            f" / {large['search_ms']['p50']} ms | {small['search_ms']['p95']}"
            f" / {large['search_ms']['p95']} ms | {small['baseline_ms']['p50']}"
            f" / {large['baseline_ms']['p50']} ms | {growth:.2f}x |"
        )
    lines.append("")
    for backend, values in growths.items():
        each = ", ".join(f"{g:.2f}x" for g in values)
        lines.append(
            f"- {backend}: p95 grows {statistics.median(values):.2f}x from"
            f" {runs[0][0]['chapters']:,} to {runs[0][1]['chapters']:,} chapters"
            f" (median of {len(values)} interleaved runs: {each})"
        )
    return "\n".join(lines)


def _environment(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 30),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }


# --- the orchestrator ----------------------------------------------------------------------


def database_exists(server: str, name: str) -> bool:
    found = subprocess.run(
        ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() == "1"


def run_configuration(
    backend: str, size: int, manual_dir: Path, rounds: int, server: str, *, reuse, keep
):
    if backend == "postgresql":
        name = f"bench_search_{size}"
        load = not (reuse and database_exists(server, name))
        if load:
            subprocess.run(["psql", server, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
            subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = server.rsplit("/", 1)[0] + "/" + name
    else:
        path = Path(tempfile.gettempdir()) / f"bench_search_{size}.sqlite3"
        load = not (reuse and path.exists())
        if load:
            path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 30),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, "--measure", str(manual_dir), "--rounds", str(rounds)]
        if not load:
            command.append("--loaded")
        subprocess.run([*command, "--json", out.name], env=env, check=True, cwd=ROOT)
        result = json.loads(Path(out.name).read_text())
    if keep:
        return result
    if backend == "postgresql":
        subprocess.run(["psql", server, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    else:
        path.unlink(missing_ok=True)
    return result


def report(results: list[dict]) -> str:
    lines = [
        "| Backend | Chapters | Sections (current / indexed) | Load: read+render / store+index"
        " | Search p50 | Search p95 | Slowest query | Baseline p50 / p95 | p50 / p95 as ratio"
        " to baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        slowest = max(r["per_query_ms"], key=r["per_query_ms"].get)
        lines.append(
            f"| {r['backend']} | {r['sizes']['chapters']:,} | {r['sizes']['current_sections']:,}"
            f" / {r['sizes']['indexed_sections']:,} | {r['load_seconds']['read_and_render']} s"
            f" / {r['load_seconds']['store_and_index']} s | {r['search_ms']['p50']} ms"
            f" | {r['search_ms']['p95']} ms | {r['search_ms']['max']} ms ({slowest})"
            f" | {r['baseline_ms']['p50']} / {r['baseline_ms']['p95']} ms"
            f" | {r['ratio_to_baseline']['p50']}x / {r['ratio_to_baseline']['p95']}x |"
        )
    by_backend = {}
    for r in results:
        by_backend.setdefault(r["backend"], {}).setdefault(r["sizes"]["chapters"], []).append(r)
    lines.append("")
    for backend, sizes in by_backend.items():
        if len(sizes) == 2:
            small, large = (sizes[k] for k in sorted(sizes))
            pairs = zip(small, large, strict=True)
            growths = [b["search_ms"]["p95"] / a["search_ms"]["p95"] for a, b in pairs]
            each = ", ".join(f"{g:.2f}x" for g in growths)
            lines.append(
                f"- {backend}: p95 grows {statistics.median(growths):.2f}x from the smaller"
                f" manual to the larger (median of {len(growths)} alternated pairs: {each})"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write every figure here as JSON")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL database URL on the server to create throwaway databases on",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="measure the sizes this many times, alternately"
    )
    parser.add_argument("--keep", action="store_true", help="leave the loaded databases")
    parser.add_argument(
        "--reuse", action="store_true", help="measure databases a --keep run left, unloaded"
    )
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="time each query on both sizes in turn (databases a --keep run left)",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--loaded", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        serve()
        return
    if args.interleave:
        runs = [
            interleave(backend, sorted(args.sizes), args.rounds, args.server)
            for _ in range(args.repeat)
            for backend in args.backends
        ]
        print(interleaved_report(runs))
        if args.json:
            args.json.write_text(json.dumps(runs, indent=2))
        return

    if args.measure:
        result = measure(args.measure, args.rounds, load=not args.loaded)
        args.json.write_text(json.dumps(result, indent=2))
        return

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write_manual

    results = []
    manuals = {}
    for size in args.sizes:
        manuals[size] = Path(tempfile.gettempdir()) / f"bench-manual-{size}"
        began = time.perf_counter()
        write_manual(manuals[size], size)
        print(f"{size} chapters written in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    for repeat in range(args.repeat):
        last = repeat == args.repeat - 1
        for backend in args.backends:
            for size in args.sizes:
                began = time.perf_counter()
                results.append(
                    run_configuration(
                        backend,
                        size,
                        manuals[size],
                        args.rounds,
                        args.server,
                        reuse=args.reuse or repeat > 0,
                        keep=args.keep or not last,
                    )
                )
                print(
                    f"{backend}, {size} chapters: measured in {time.perf_counter() - began:.0f} s",
                    file=sys.stderr,
                )
    print(report(results))
    for r in results:
        for text, plan in r["plans"].items():
            where = f"{r['backend']}, {r['sizes']['chapters']} chapters"
            print(f"\n{where}, plan for {text!r}:\n{plan}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
