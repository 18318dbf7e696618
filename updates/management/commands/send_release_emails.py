from django.core.management.base import BaseCommand, CommandError

from procedures.models import Release
from updates.notifications import notify_release


class Command(BaseCommand):
    help = (
        "Email confirmed subscribers about a published release. Safe to run again: "
        "nobody gets the same release twice; only failed deliveries are retried."
    )

    def add_arguments(self, parser):
        parser.add_argument("release", help='the release name, e.g. "June 2024 update"')

    def handle(self, *args, release, **options):
        found = Release.objects.filter(name=release).first()
        if found is None:
            raise CommandError(f"There is no release named {release!r}.")
        if found.published_at is None:
            raise CommandError(f"Release {release!r} is not published yet.")
        result = notify_release(found)
        self.stdout.write(str(result))
        if result.failed or result.interrupted:
            raise CommandError(f"{result} Run the command again to retry.")
