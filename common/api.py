"""The base of every API view: authentication and role checks no view can forget."""

from __future__ import annotations

from rest_framework.views import APIView


class TenantAPIView(APIView):
    """Subclasses must set ``allowed_roles``; authentication and the role check
    (common.permissions.RolePermission) come from settings.REST_FRAMEWORK."""

    allowed_roles: frozenset[str] = frozenset()
