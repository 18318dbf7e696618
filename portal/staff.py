"""Staff sign-in: the admin asks for a second factor (django-otp) unless DEBUG is on."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# Whatever was wrong (the username, the password, the code, or no code), the same words:
# "Invalid token" used to tell a guesser the password was right.
REFUSED = "The username, password or authentication code is not right. Check them and try again."


class StaffSignInForm(OTPAdminAuthenticationForm):
    """The admin sign-in: username, password and one "authentication code" box. django-otp
    asks which device a code is from; the code's shape says it (six digits: the
    authenticator app; anything else: a backup code), so staff need not choose.

    A wrong code is a failed sign-in like a wrong password (`user_login_failed`): it is
    logged once and counts towards django-axes's lockout. The devices themselves are not
    throttled (OTP_*_THROTTLE_FACTOR = 0), so a guesser's wrong codes never make the real
    user's right code wait."""

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "invalid_login": REFUSED,
        "inactive": REFUSED,
    }
    otp_error_messages = dict.fromkeys(OTPAuthenticationFormMixin.otp_error_messages, REFUSED)

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except ValidationError:
            user_login_failed.send(
                sender=type(self),
                credentials={"username": self.cleaned_data.get("username", "")},
                request=self.request,
            )
            raise ValidationError(REFUSED, code="invalid_login") from None

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
