from django.db import connection
from django.utils import translation
from django_otp.middleware import OTPMiddleware
from django_tenants.utils import get_public_schema_name

from common.i18n import ui_language


class PlatformOTPMiddleware(OTPMiddleware):
    """django-otp's middleware on the public host only: its device tables exist in the public
    schema alone, and tenants' users have no second factor."""

    async_capable = False

    def __call__(self, request):
        if connection.schema_name != get_public_schema_name():
            return self.get_response(request)
        return super().__call__(request)


class UserLanguageMiddleware:
    """Pages in the language the user chose on their preferences page, else the browser's.

    After AuthenticationMiddleware (it reads request.user). django.middleware.locale.LocaleMiddleware
    runs earlier and has already activated the browser's language, for pages answered before
    the user is known (a suspended tenant); this only overrides it with the stored choice. A
    view may still activate another language for its own page (the customer's survey page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = ui_language(getattr(user, "language", "")) if getattr(user, "is_authenticated", False) else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
