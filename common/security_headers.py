"""Security headers beyond what Django's SecurityMiddleware sets (nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, HSTS): the Content-Security-Policy (django-csp, with the one
exception of the platform admin) and a Permissions-Policy.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy everywhere; the platform admin alone may use inline styles.

    Django's admin templates (5.2) carry <style> blocks and style attributes, but no inline
    script: its pages get 'unsafe-inline' for styles, never for scripts.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if getattr(connection, "schema_name", None) == get_public_schema_name() and request.path_info.startswith(
            "/admin/"
        ):
            parts.update = {**(parts.update or {}), "style-src": [SELF, UNSAFE_INLINE]}
        return parts


def permissions_policy_header(features: dict[str, list[str]]) -> str:
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'"""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class PermissionsPolicyMiddleware:
    """The browser features no Callwell page uses are switched off (camera, microphone...).
    A maintained package for one static header would be more than it needs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
