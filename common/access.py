"""Deny by default: every tenant page declares who may use it.

A view declares its audience with ``@role_required("admin", "manager")`` or ``@public_view``.
RoleRequiredMiddleware refuses any tenant view that declares nothing, so a forgotten
decorator is a 403, never an open page. DRF views are checked by common.api.RolePermission.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection

PUBLIC = "__public__"
ADMIN, MANAGER, AGENT = "admin", "manager", "agent"
# The role of a request made with an API key (accounts.authentication.ApiKeyPrincipal). Not a
# member of accounts.models.Role: Role's values are the choices of User.role, and no user is an
# integration.
INTEGRATION = "integration"


def role_required(*roles: str):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)
        return wrapper

    return decorate


def public_view(view):
    view.allowed_roles = frozenset({PUBLIC})
    return view


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "role", None) or None


class RoleRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if connection.schema_name == "public":
            return None  # the public site has its own (Django admin) permissions
        if hasattr(view_func, "cls"):
            return None  # DRF: enforced by common.api.RolePermission
        allowed = getattr(view_func, "allowed_roles", None)
        if allowed is None:
            raise PermissionDenied("This page declares no audience.")
        if PUBLIC in allowed:
            return None
        role = user_role(request.user)
        if role is None:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if role not in allowed:
            raise PermissionDenied("Your role may not use this page.")
        return None
