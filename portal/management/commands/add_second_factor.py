"""Give a staff account its second factor: an authenticator app (TOTP) and backup codes.

The first superuser's path (documented in docs/deployment.md):
    manage.py createsuperuser
    manage.py add_second_factor <username>
then scan the printed otpauth:// address (or the QR code) into an authenticator app and keep
the backup codes somewhere safe. Running it again replaces the user's devices.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10


class Command(BaseCommand):
    help = "Create a staff user's authenticator (TOTP) device and backup codes, and print them."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--qr", action="store_true", help="also print a QR code to scan")

    def handle(self, *args, username, qr, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}: create it first.")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: only staff use the admin.")
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            totp = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
            backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
            codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
            StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
        self.stdout.write(f"Authenticator app address for {username} (add it to the app):")
        self.stdout.write(totp.config_url)
        if qr:
            import io

            import qrcode

            code = qrcode.QRCode()
            code.add_data(totp.config_url)
            out = io.StringIO()
            code.print_ascii(out=out)
            self.stdout.write(out.getvalue())
        self.stdout.write("Backup codes (each works once; keep them somewhere safe):")
        for code in codes:
            self.stdout.write(f"  {code}")
