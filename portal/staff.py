"""Staff sign-in: the admin asks for a second factor (django-otp) unless DEBUG is on."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffSignInForm(OTPAdminAuthenticationForm):
    """The admin sign-in: username, password and one "authentication code" box. django-otp
    asks which device a code is from; the code's shape says it (six digits: the
    authenticator app; anything else: a backup code), so staff need not choose."""

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is not None:
            return device
        token = (self.cleaned_data.get("otp_token") or "").strip()
        model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        return model.objects.filter(user=user, confirmed=True).first()


def require_second_factor() -> None:
    """Make the admin site an OTPAdminSite: its sign-in form asks for a code from the user's
    authenticator app or a backup code, and a session without a verified device is treated
    as not staff. The ModelAdmins registered on it stay as they are."""
    if settings.OTP_REQUIRED:
        admin.site.__class__ = OTPAdminSite
        admin.site.login_form = StaffSignInForm
        admin.site.login_template = "admin/login_otp.html"


def verified_staff_required(view):
    """staff_member_required, plus a verified second factor when OTP_REQUIRED is on."""
    staff_view = staff_member_required(view)

    def wrapped(request, *args, **kwargs):
        if (
            settings.OTP_REQUIRED
            and request.user.is_authenticated
            and not request.user.is_verified()
        ):
            raise PermissionDenied
        return staff_view(request, *args, **kwargs)

    return wrapped
