"""Every URL of a tenant host, plus /bench/bare/: the reference of bench/load.py."""

from django.http import HttpResponse
from django.urls import path

from common.access import public_view
from config.urls_tenants import handler404  # noqa: F401  (the tenant URLconf's, kept)
from config.urls_tenants import urlpatterns as tenant_urlpatterns

BARE_PATH = "/bench/bare/"


@public_view
def bare(request):
    """The floor of any request to this server: every middleware (tenant by host, session,
    security headers, request id), no query of its own, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH.lstrip("/"), bare), *tenant_urlpatterns]
