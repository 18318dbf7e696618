from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from manual.content import read_manual
from manual.loading import load_manual
from procedures.content import ContentInvalid
from procedures.selectors import link_targets, stored_hashes


class Command(BaseCommand):
    help = (
        "Load chapter versions from a content folder (default: the sample manual). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="content folder (default: CONTENT_DIR)")

    def handle(self, *args, path=None, verbosity=1, **options):
        root = Path(path) if path else Path(settings.CONTENT_DIR)
        show_progress = verbosity >= 1

        def progress(stage):
            def report(done, total):
                if show_progress and total >= 200 and (done % 200 == 0 or done == total):
                    self.stderr.write(f"  {stage}: {done}/{total}")

            return report

        try:
            stored = stored_hashes()
        except DatabaseError as error:
            raise CommandError(
                f"The database is not ready ({error}); run 'python manage.py migrate' first."
            ) from None
        try:
            # Versions stored already are not rendered again; stored chapters are read as
            # link targets only when a new version needs checking.
            manual = read_manual(
                root, known_targets=link_targets, stored=stored, progress=progress("read")
            )
            report = load_manual(manual, progress=progress("stored"))
        except ContentInvalid as invalid:
            count = len(invalid.errors)
            listing = "\n".join(f"  {error}" for error in invalid.errors)
            raise CommandError(
                f"Nothing was loaded: {count} problem{'s' if count != 1 else ''} in {root}:\n"
                f"{listing}"
            ) from None

        if manual.notes and verbosity >= 1:
            # History cannot change: its dead ends are listed for the record, not refused.
            self.stdout.write(
                f"Noted in earlier versions (loaded as they are; a later version replaces "
                f"them): {len(manual.notes)}"
            )
            for note in manual.notes:
                self.stdout.write(f"  {note}")
        if verbosity >= 2 or (verbosity >= 1 and len(report.by_chapter()) <= 50):
            for slug, outcome in report.by_chapter().items():
                parts = []
                if outcome["added"]:
                    parts.append("added version " + ", ".join(map(str, outcome["added"])))
                if outcome["unchanged"]:
                    parts.append(f"{len(outcome['unchanged'])} unchanged")
                self.stdout.write(f"  {slug}: {'; '.join(parts)}")
            for partnership, chapter, number in report.local_added:
                self.stdout.write(
                    f"  {partnership}: added local information in {chapter}, version {number}"
                )
        if verbosity == 0:
            return
        chapters = len(report.by_chapter())
        if report.parts_added:
            self.stdout.write(f"  added part(s) {', '.join(map(str, report.parts_added))}")
        if report.releases_added:
            self.stdout.write(f"  added release(s): {', '.join(report.releases_added)}")
        if report.reconstructed_marked:
            marked = ", ".join(f"{slug} {number}" for slug, number in report.reconstructed_marked)
            self.stdout.write(f"  marked as reconstructed: {marked}")
        if report.glossary_added:
            self.stdout.write(f"  added {len(report.glossary_added)} glossary version(s)")
        if report.changed_anything:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {len(report.added)} new version(s); {len(report.unchanged)} "
                    f"unchanged; {chapters} chapter(s) in {root}."
                )
            )
        else:
            self.stdout.write(
                f"Nothing to do: all {len(report.unchanged)} version(s) of {chapters} "
                f"chapter(s) in {root} are already loaded."
            )
