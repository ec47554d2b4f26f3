"""Absolute links to the tenant's host for webhook payloads (a task has no request to build
them from). Same rule as the digest's links (coaching/digest.py tenant_url), which sits in a
layer above and so cannot be shared from here."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tenants.current import current_tenant


def tenant_url(path: str) -> str:
    scheme = settings.SITE_SCHEME
    port = str(settings.SITE_PORT)
    domain = current_tenant().get_primary_domain()
    if domain is None:  # a center being set up: a relative link beats failing the change it reports
        return path
    host = domain.domain
    default_port = {"http": "80", "https": "443"}.get(scheme)
    return f"{scheme}://{host}{'' if port in ('', default_port) else ':' + port}{path}"


def tenant_link(name: str, *args) -> str:
    """``tenant_link("coaching_session", 7)`` → "https://alpha.example.com/coaching/7/"."""
    return tenant_url(reverse(name, args=args))
