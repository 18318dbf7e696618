"""Check every external link of the manual now (the worker does it each week), and print
what needs attention."""

from django.core.management.base import BaseCommand

from links import checking, report
from links.receivers import describe


class Command(BaseCommand):
    help = "Check every external link in the manual and record what each gave."

    def add_arguments(self, parser):
        parser.add_argument(
            "--email", action="store_true", help="also send this week's report email"
        )

    def handle(self, *args, email=False, verbosity=1, **options):
        checked = checking.check_links()
        self.stdout.write(f"Links: {checked}.")
        if verbosity >= 1:
            for chapter, entries in report.by_chapter():
                self.stdout.write(f"  {chapter}")
                for entry in entries:
                    status = entry.link.get_status_display().lower()
                    self.stdout.write(f"    {status}: {entry.link.url} ({describe(entry.link)})")
        if email:
            self.stdout.write(f"Email: {report.send_weekly_report()}.")
