from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from manual.export import export_manual


class Command(BaseCommand):
    help = (
        "Write every chapter version in the database (including those published in the admin) "
        "and the releases to a content folder, in the format load_content reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="content folder (default: CONTENT_DIR)")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete chapter files in the folder that the database does not hold",
        )

    def handle(self, *args, path=None, prune=False, verbosity=1, **options):
        root = Path(path) if path else Path(settings.CONTENT_DIR)
        report = export_manual(root, prune=prune)
        versions = len(report.written) - 1  # manual.yaml
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Exported {versions} version(s) and manual.yaml to {root}.")
            )
        if report.stale and not prune:
            listing = "\n".join(f"  {p.relative_to(root)}" for p in report.stale)
            self.stderr.write(
                f"{len(report.stale)} chapter file(s) in {root} are not in the database "
                f"(not yet loaded, or left from an earlier export); remove them, or run with "
                f"--prune:\n{listing}"
            )
        for removed in report.removed:
            self.stdout.write(f"  removed {removed.relative_to(root)}")
