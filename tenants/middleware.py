"""Request-wide settings that follow the tenant."""

from __future__ import annotations

from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from .current import current_schema_name, current_tenant


class TenantTimezoneMiddleware:
    """Show every time in the contact center's own timezone (imports, lists, the home page).

    The public site (landing page, platform admin) belongs to no contact center: it keeps
    settings.TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if current_schema_name() != get_public_schema_name():
            timezone.activate(current_tenant().tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
