"""The base of every API view: authentication and role checks no view can forget."""

from __future__ import annotations

from rest_framework.views import APIView

from .schema import ErrorDocumentingAutoSchema


class TenantAPIView(APIView):
    """Subclasses must set ``allowed_roles``; authentication and the role check
    (common.permissions.RolePermission) come from settings.REST_FRAMEWORK."""

    allowed_roles: frozenset[str] = frozenset()
    # its OpenAPI description documents the errors DRF answers (400, 401, 403, 404, 415)
    schema = ErrorDocumentingAutoSchema()
