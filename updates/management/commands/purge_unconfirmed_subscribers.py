import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from updates import conf
from updates.models import Subscriber


class Command(BaseCommand):
    help = (
        "Delete addresses that were never confirmed and whose confirmation link has expired: "
        "we may not email them, so we do not keep them. Run daily (e.g. from cron)."
    )

    def handle(self, *args, **options):
        cutoff = timezone.now() - datetime.timedelta(seconds=conf.confirm_max_age())
        deleted, _ = Subscriber.objects.filter(
            confirmed_at__isnull=True, created_at__lt=cutoff
        ).delete()
        self.stdout.write(f"Deleted {deleted} unconfirmed address(es).")
