"""Concurrent writers on the embedded default: SQLite served as `scripts/serve` serves it.

    python bench/desk_writes.py                         # 3 clients, 200 saves, publish every 20
    python bench/desk_writes.py --checkout ../before    # the same against another checkout
    python bench/desk_writes.py --json bench/desk-writes.json

It serves the checkout with `scripts/serve --no-setup` (for a checkout whose script has no
such option: the same commands that script runs) on a throwaway SQLite file: gunicorn with
two sync workers and the background worker beside it, DEBUG off, the sample manual loaded.
Then three publishers, each amending a chapter of their own, make the saves between them
("Save and continue editing": open the draft, add a sentence, save); every 20th save the
client that made it publishes the next client's draft from its review (four-eyes), and that
client starts a new draft when its next save is refused as published meanwhile. Publishing
queues jobs, so the worker writes beside them (emails, and the manual's PDFs rebuilt).

It reports every status answered and the number of 5xx answers (the figure that matters:
it must be 0), with the saves made, the drafts published and the save latency. The checkout
needs its `.venv` (scripts/setup) and its built static files.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ops.served import ServedPortal, saves_and_publishes  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", default=str(ROOT), help="the checkout to serve")
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--publish-every", type=int, default=20)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    checkout = Path(options.checkout).resolve()
    via_script = "--no-setup" in (checkout / "scripts" / "serve").read_text()
    with tempfile.TemporaryDirectory(prefix="desk-writes-") as workdir:
        with ServedPortal(workdir, checkout=checkout, via_script=via_script) as portal:
            workers_before = portal.worker_pids()
            figures = saves_and_publishes(
                portal,
                clients=options.clients,
                saves=options.saves,
                publish_every=options.publish_every,
            )
            figures["worker_still_running"] = bool(portal.worker_pids())
            figures["worker_restarted"] = portal.worker_pids() != workers_before
            log = portal.log_text()
        figures["database_locked_in_log"] = log.count("database is locked")
    figures["checkout"] = checkout.name
    figures["served_by"] = "scripts/serve" if via_script else "the commands of scripts/serve"
    print(json.dumps(figures, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["responses_5xx"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
