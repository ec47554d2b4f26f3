"""Request-wide settings that follow the tenant."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from .current import current_schema_name, current_tenant
from .hosts import tenant_for_host


class CachedTenantMainMiddleware(TenantMainMiddleware):
    """django-tenants' tenant by host, from the cache (tenants/hosts.py says when it is forgotten)."""

    def get_tenant(self, domain_model, hostname):
        return tenant_for_host(hostname)


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


# The URL names of the pages customers reach from an email (surveys/urls_public.py). They get
# a 410 and a page about the survey, not about the contact center's account with us.
CUSTOMER_URL_NAMES = frozenset({"survey_respond"})
SUSPENDED_API_DETAIL = "This contact center is suspended."


class TenantSuspensionMiddleware:
    """Answer every request to a suspended tenant's host without running any of its views.

    Placed before sessions and authentication (and after SecurityMiddleware, so its answers
    carry the security headers): a suspended tenant's login, sessions, API keys and survey
    links all stop here, and nothing of its data is read. Static files are still served (they
    hold no tenant data) so the page has its styles.

    Pages get 403, not 503: the refusal is deliberate and lasts until platform staff resume the
    tenant; a 503 would read as an outage to uptime monitors and invite retries.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name == get_public_schema_name() or tenant.is_active:
            return self.get_response(request)
        path = request.path_info
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": SUSPENDED_API_DETAIL}, status=403)
        try:
            url_name = resolve(path, getattr(request, "urlconf", None)).url_name
        except Resolver404:
            url_name = None
        if url_name in CUSTOMER_URL_NAMES:
            response = render(request, "tenants/survey_closed.html", status=410)
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = "no-referrer"
            return response
        response = render(request, "tenants/suspended.html", {"tenant_name": tenant.name}, status=403)
        response["Cache-Control"] = "no-store"
        return response
