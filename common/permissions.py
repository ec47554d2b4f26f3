from rest_framework import permissions

from .access import user_role


class RolePermission(permissions.BasePermission):
    """Deny unless the view lists the caller's role in ``allowed_roles``."""

    message = "Your role (or API key) may not use this endpoint."

    def has_permission(self, request, view) -> bool:
        allowed = getattr(view, "allowed_roles", None)
        if not allowed:
            return False
        role = user_role(request.user)
        return role is not None and role in allowed
