"""The documented run: serving, loading, publishing growth and stale reads, one after another,
on both backends, with the goals of issue 22 beside each figure.

    .venv/bin/python bench/all.py                        # ~25 minutes on a quiet machine
    .venv/bin/python bench/all.py --serve-runs 1 --publishes 5 --backends sqlite

It runs, each in its own process:
- bench/serve.py --serve-runs times (chapter page / static file of the same bytes through the
  same gunicorn, wrk 2 threads x 20 connections, targets rotated, medians of rounds); the
  figure is the median of the runs' ratios;
- bench/growth.py (load_content of 1,000 chapters: no-op / first load; publishing one
  amendment in that manual / in the sample manual);
- bench/stale.py (readers during --publishes publishes: stale reads after a publish returned).
Every figure is also written to --json. Exit status 1 if a goal is missed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GOALS = {
    "chapter / static": (">=", 0.8),
    "no-op load / first load": ("<=", 0.05),
    "publish, large manual / sample": ("<=", 2.0),
    "stale reads": ("==", 0),
}


def script(name, *args, json_path):
    command = [sys.executable, str(BENCH / name), *map(str, args), "--json", str(json_path)]
    print("$ " + " ".join(["python", f"bench/{name}", *map(str, args)]), flush=True)
    subprocess.run(command, cwd=ROOT, check=name != "stale.py")  # stale.py: its count is shown
    return json.loads(json_path.read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--serve-runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="wrk rounds per serve run")
    parser.add_argument("--growth-rounds", type=int, default=3)
    parser.add_argument("--chapters", type=int, default=1000, help="the large manual's size")
    parser.add_argument("--publishes", type=int, default=15)
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database to use (flushed)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    options = parser.parse_args()
    backends = options.backends.split(",")
    growth_names = {"sqlite": "sqlite", "postgres": "postgresql"}

    with tempfile.TemporaryDirectory(prefix="bench-all-") as folder:
        folder = Path(folder)
        serve_runs = [
            script(
                "serve.py",
                "--backends", options.backends, "--duration", options.duration,
                "--rounds", options.rounds, "--redis-db", options.redis_db,
                json_path=folder / f"serve-{n}.json",
            )["results"]
            for n in range(options.serve_runs)
        ]  # fmt: skip
        growth = script(
            "growth.py",
            "--backends", *(growth_names[b] for b in backends),
            "--rounds", options.growth_rounds, "--chapters", options.chapters,
            json_path=folder / "growth.json",
        )  # fmt: skip
        stale = script(
            "stale.py",
            "--backends", options.backends, "--publishes", options.publishes,
            "--redis-db", options.redis_db,
            json_path=folder / "stale.json",
        )  # fmt: skip

    figures = {}
    for backend in backends:
        ratios = [run[backend]["chapter_over_static"] for run in serve_runs]
        large = growth[growth_names[backend]]["large"]
        sample = growth[growth_names[backend]]["sample"]
        figures[backend] = {
            "chapter / static, each run": ratios,
            "chapter / static": statistics.median(ratios),
            "static req/s, each run": [round(run[backend]["static"]["rps"]) for run in serve_runs],
            "chapter req/s, each run": [
                round(run[backend]["chapter"]["rps"]) for run in serve_runs
            ],
            "no-op load / first load": round(large["load_again_s"] / large["load_first_s"], 3),
            "first load s": large["load_first_s"],
            "no-op load s": large["load_again_s"],
            "publish, large manual / sample": round(
                large["publish_median_s"] / sample["publish_median_s"], 2
            ),
            "publish ms, sample / large manual": [
                round(sample["publish_median_s"] * 1000),
                round(large["publish_median_s"] * 1000),
            ],
            "stale reads": stale[backend]["stale"],
            "reads during the publishes": stale[backend]["responses"],
        }

    print(
        f"\nbench/all.py: {options.serve_runs} serve runs ({options.rounds} rounds of "
        f"{options.duration} s), growth at {options.chapters:,} chapters, "
        f"{options.publishes} publishes"
    )
    print("| figure | goal | " + " | ".join(backends) + " |")
    print("|---|---|" + "---:|" * len(backends))
    missed = []
    for name, (sign, goal) in GOALS.items():
        cells = []
        for backend in backends:
            value = figures[backend][name]
            met = {">=": value >= goal, "<=": value <= goal, "==": value == goal}[sign]
            missed += [] if met else [f"{backend}: {name}"]
            cells.append(f"**{value}**" + ("" if met else " (missed)"))
        print(f"| {name} | {sign} {goal} | " + " | ".join(cells) + " |")
    for name in next(iter(figures.values())):
        if name not in GOALS:
            print(f"| {name} | | " + " | ".join(str(figures[b][name]) for b in backends) + " |")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if options.json:
        everything = {"figures": figures, "serve_runs": serve_runs}
        everything |= {"growth": growth, "stale": stale}
        options.json.write_text(json.dumps(everything, indent=2))
    if missed:
        sys.exit("missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
