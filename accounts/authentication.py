"""``Authorization: Bearer <key>`` for the REST API.

The key is looked up in the schema of the request's host only, so a key of one contact
center is unknown (401) on another's host.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from common.access import INTEGRATION

from .services import ApiKeyCreatorInactive, apikey_authenticate


class ApiKeyPrincipal:
    """Stands in for request.user when an integration calls with an API key."""

    role = INTEGRATION
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, api_key):
        self.api_key = api_key
        self.pk = None
        self.id = None
        self.username = f"apikey:{api_key.name}"

    def __str__(self) -> str:
        return self.username


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme != self.keyword:
            return None
        try:
            key = apikey_authenticate(raw.strip())
        except ApiKeyCreatorInactive as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        if key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key for this tenant.")
        return ApiKeyPrincipal(key), key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes the key in the OpenAPI schema (and keeps drf-spectacular's deploy check quiet)."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key of this contact center (Settings → API keys): `Authorization: Bearer <key>`.",
        }
