"""Serving speed: a chapter page against a static file of the same size, with gunicorn and wrk.

    python bench/serve.py                                  # both backends, 5 s x 5 rounds (~4 min)
    python bench/serve.py --duration 15 --rounds 5         # the issue's method (~12 min)
    python bench/serve.py --backends sqlite --json bench/serve-results.json

For each backend it makes a throwaway database (SQLite: a file under a temporary folder;
PostgreSQL: `bench_serve` on the server in --server), migrates it, loads the sample manual and
collects the static files, then serves the portal as `scripts/serve` does: gunicorn with 2 sync
workers, DEBUG off, SECRET_KEY set, static files hashed and served by whitenoise, access log on,
bound to the loopback address only. The cache is the production one for the backend: Redis
(database --redis-db on 127.0.0.1:6379, flushed first) with PostgreSQL, the default database
cache with SQLite.

The baseline is a copy of the chapter page's own HTML put among the static files (so it has
the same size and compresses the same), served by whitenoise from the same gunicorn.

Targets (static copy, chapter, contents, search) are measured with wrk (2 threads, 20
connections) in rounds; each round runs every target once, in an order rotated by one each
round, so drift on a shared machine spreads over all of them. After a 1 s warm-up per target,
the figures are medians over rounds: requests/s, and p50/p95 latency. The ratio is the
chapter's median requests/s over the static file's; the median of the same ratio within
each round is shown beside it (steadier when other work shares the machine). A run with any
error or non-2xx response fails. With --accept-encoding every request asks for gzip/brotli,
as browsers do.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHAPTER = "/chapters/online-safety/"
TARGETS = {
    "static": "/static/bench/chapter-copy.html",
    "chapter": CHAPTER,
    "contents": "/",
    "search": "/search/?q=online+grooming",
}
# wrk's own --latency table has no p95; this reports it (and any errors) in one line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %.1f %.1f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def run(args, env, **kwargs):
    subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def prepare(backend, options, workdir, database="bench_serve"):
    """Environment of a production-like server on a fresh database with the sample manual."""
    env = dict(os.environ)
    for name in ("DEBUG", "STATICFILES_BACKEND", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        PORTAL_BASE_URL=f"http://127.0.0.1:{options.port}",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        # wrk is one client asking thousands of times: the per-client search limit would
        # answer it with 429s, which measure the limit rather than search.
        RATE_LIMIT_SEARCHES_PER_CLIENT="1000000000/60",
    )
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
        env["CACHE_URL"] = "db://portal_cache"
    else:
        import psycopg

        with psycopg.connect(options.server + "/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = f"{options.server}/{database}"
        env["CACHE_URL"] = f"redis://127.0.0.1:6379/{options.redis_db}"
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=options.redis_db).flushdb()
    manage = [PYTHON, "manage.py"]
    quiet = {"stdout": subprocess.DEVNULL}
    run(manage + ["migrate", "--no-input", "-v", "0"], env, **quiet)
    run(manage + ["createcachetable"], env, **quiet)
    run(manage + ["load_content"], env, **quiet)
    run(manage + ["collectstatic", "--no-input", "-v", "0", "-i", "scss"], env, **quiet)
    return env


class Server:
    def __init__(self, env, port):
        self.env, self.port, self.process = env, port, None

    def __enter__(self):
        with socket.socket() as probe:  # another server on the port would be measured instead
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is in use: choose another with --port")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "2", "--access-logfile", "-"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_until_serving()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_serving(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited on start")
            try:
                urllib.request.urlopen(self.url("/healthz/"), timeout=1).read()
                return
            except urllib.error.HTTPError:
                return  # serving; unhealthy only because no background worker runs here
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 30 s")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def static_copy_of_chapter(server, env):
    """Put the chapter page's HTML among the static files, compressed as collectstatic does."""
    body = urllib.request.urlopen(server.url(CHAPTER)).read()
    folder = ROOT / "staticfiles" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chapter-copy.html").write_bytes(body)
    run([PYTHON, "-m", "whitenoise.compress", "--quiet", str(folder)], env)
    return len(body)


def wrk(url, seconds, options, script):
    command = ["wrk", "-t", str(options.threads), "-c", str(options.connections)]
    command += ["-d", f"{seconds}s", "--timeout", "10s", "-s", script]
    if options.accept_encoding:
        command += ["-H", "Accept-Encoding: gzip, br"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p50_us, p95_us, errors = line.split()[1:]
    if int(errors):
        raise RuntimeError(f"{url}: {errors} errors or non-2xx responses\n{out}")
    return {
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50_ms": float(p50_us) / 1000,
        "p95_ms": float(p95_us) / 1000,
    }


def measure(backend, options):
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as workdir:
        env = prepare(backend, options, workdir)
        script = Path(workdir) / "report.lua"
        script.write_text(WRK_SCRIPT)
        with Server(env, options.port) as server:
            size = static_copy_of_chapter(server, env)
        # whitenoise indexes the static files when it starts: serve again to include the copy.
        try:
            with Server(env, options.port) as server:
                for path in TARGETS.values():
                    wrk(server.url(path), 1, options, script)
                rounds = {name: [] for name in TARGETS}
                names = list(TARGETS)
                for number in range(options.rounds):
                    order = names[number % len(names) :] + names[: number % len(names)]
                    for name in order:
                        result = wrk(server.url(TARGETS[name]), options.duration, options, script)
                        rounds[name].append(result)
                        print(f"  {backend} round {number + 1} {name}: {result['rps']:.0f} req/s")
        finally:
            shutil.rmtree(ROOT / "staticfiles" / "bench", ignore_errors=True)
    figures = {
        name: {
            key: round(statistics.median(r[key] for r in results), 2)
            for key in ("rps", "p50_ms", "p95_ms")
        }
        for name, results in rounds.items()
    }
    figures["chapter_over_static"] = round(figures["chapter"]["rps"] / figures["static"]["rps"], 3)
    # The same ratio within each round (its targets run within seconds of each other), whose
    # median is steadier than the ratio of medians when other work shares the machine.
    pairs = zip(rounds["chapter"], rounds["static"], strict=True)
    figures["per_round_ratio"] = round(statistics.median(c["rps"] / s["rps"] for c, s in pairs), 3)
    figures["page_bytes"] = size
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database to use (flushed)")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without a database name",
    )
    parser.add_argument("--accept-encoding", action="store_true", help="ask for gzip/brotli")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    options = parser.parse_args()
    if not options.port:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            options.port = free.getsockname()[1]
    if not shutil.which("wrk"):
        sys.exit("bench/serve.py needs wrk (Debian: apt-get install wrk)")

    results = {}
    for backend in options.backends.split(","):
        print(f"{backend}: preparing and measuring")
        results[backend] = measure(backend, options)

    print(f"\nwrk -t{options.threads} -c{options.connections}, {options.duration} s rounds, ")
    print(f"medians of {options.rounds} rounds; accept-encoding: {options.accept_encoding}")
    print("| backend | page bytes | static req/s | chapter req/s | chapter / static |", end="")
    print(" per round | chapter p50 / p95 ms | contents p50 / p95 ms | search p50 / p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for backend, f in results.items():
        cells = [backend, f"{f['page_bytes']:,}", f"{f['static']['rps']:.0f}"]
        cells += [f"{f['chapter']['rps']:.0f}", f"**{f['chapter_over_static']:.3f}**"]
        cells += [f"{f['per_round_ratio']:.3f}"]
        cells += [
            f"{f[name]['p50_ms']} / {f[name]['p95_ms']}" for name in TARGETS if name != "static"
        ]
        print("| " + " | ".join(cells) + " |")
    if options.json:
        options.json.write_text(
            json.dumps(
                {"options": vars(options) | {"json": str(options.json)}, "results": results},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
