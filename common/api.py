"""The base of every API view: authentication and role checks no view can forget."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from .schema import ErrorDocumentingAutoSchema


class TenantAPIView(APIView):
    """Subclasses must set ``allowed_roles``; authentication and the role check
    (common.permissions.RolePermission) come from settings.REST_FRAMEWORK."""

    allowed_roles: frozenset[str] = frozenset()
    # its OpenAPI description documents the errors DRF answers (400, 401, 403, 404, 415)
    schema = ErrorDocumentingAutoSchema()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and the role check first
        # Every query parameter of this API is one value: Django would read the last of
        # `?page=1&page=2` and drop the others without a word, so the caller hears of it.
        repeated = sorted(name for name, values in request.query_params.lists() if len(values) > 1)
        if repeated:
            raise ValidationError({name: ["Give this parameter once."] for name in repeated})
