from django.core.management.base import BaseCommand

from search.index import rebuild_index


class Command(BaseCommand):
    help = (
        "Index every stored chapter version afresh, in one transaction. Not needed in normal "
        "use (loading and publishing keep the index in step); for recovery or after changing "
        "how sections are indexed."
    )

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} section(s)."))
