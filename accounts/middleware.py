from django.db import connection
from django_otp.middleware import OTPMiddleware
from django_tenants.utils import get_public_schema_name


class PlatformOTPMiddleware(OTPMiddleware):
    """django-otp's middleware on the public host only: its device tables exist in the public
    schema alone, and tenants' users have no second factor."""

    async_capable = False

    def __call__(self, request):
        if connection.schema_name != get_public_schema_name():
            return self.get_response(request)
        return super().__call__(request)
