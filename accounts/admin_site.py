"""The platform admin (/admin/ on the public host): staff sign in with a password and the code
of their TOTP device (django-otp). Staff get one with `manage.py platform_staff_create`."""

from __future__ import annotations

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_verified(*, user, token: str) -> TOTPDevice | None:
    """The user's confirmed TOTP device that accepts ``token`` (django-otp throttles and
    refuses a replayed code), or None."""
    token = token.strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():  # the device's throttling counters are updated under a row lock
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, _extra = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                return device
    return None


class PlatformAdminAuthenticationForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    # One message for a wrong password and a wrong code: it must not confirm the password.
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct username, password and authentication code of a staff "
            "account. Note that the username and password may be case-sensitive."
        ),
    }

    def clean(self):
        cleaned = super().clean()  # the password (axes refuses a locked-out client first), is_staff
        user = self.get_user()
        device = totp_device_verified(user=user, token=cleaned.get("otp_token") or "")
        if device is None:
            # A right password with a wrong code is a failed login: axes counts it.
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=self.request)
            raise self.get_invalid_login_error()
        user.otp_device = device  # django_otp.login keeps it in the session on user_logged_in
        return cleaned


class PlatformAdminSite(AdminSite):
    """Django's admin, open only to staff verified by a TOTP device in this session (as
    django_otp.admin.OTPAdminSite, with a login form that asks for the code at once)."""

    login_form = PlatformAdminAuthenticationForm
    login_template = "admin/platform_login.html"

    def has_permission(self, request):
        # is_verified comes from accounts.middleware.PlatformOTPMiddleware (public host only)
        return super().has_permission(request) and request.user.is_verified()
