"""Request-wide settings that follow the tenant."""

from __future__ import annotations

import zoneinfo

from django.db import connection
from django.utils import timezone


class TenantTimezoneMiddleware:
    """Show every time in the contact center's own timezone (imports, lists, the home page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = getattr(getattr(connection, "tenant", None), "timezone", None)
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
