"""The OpenAPI description of every API view documents the errors it can answer, not only 200.

What DRF answers on its own is added to each operation from what the operation declares, so
no view can forget it (tests/e2e/test_api_schemathesis.py holds the API to it):

* 401 and 403 when it needs credentials: none or a wrong key (401), a role or key the view
  does not allow, or a session's unsafe request without its CSRF token (403);
* 400 when it reads a body or query parameters: the field errors (a query parameter given
  twice too: common.api), or a ``detail`` for a body that does not parse;
* 404 when its path names an object, or it is paginated (a page past the last);
* 415 when it reads a body (another content type than the documented ones).

A status a view documents itself (``@extend_schema(responses=...)``) is left as it is.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# The shape of a DRF ValidationError raised by a serializer: {"field": ["message", ...]}, with
# "non_field_errors" for the whole input. A body that does not parse is a {"detail": ...}.
VALIDATION_ERRORS = {
    "oneOf": [
        {"$ref": "#/components/schemas/ErrorDetail"},
        {
            "type": "object",
            "description": "The errors of each field that was refused (non_field_errors: of the whole input).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    ]
}


class ErrorDocumentingAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                # DRF reads an optional query parameter left blank (`?since=`) as one not given
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for code, response in self._errors(operation).items():
            responses.setdefault(code, response)
        return operation

    def _errors(self, operation: dict) -> dict[str, dict]:
        params = operation.get("parameters", [])
        query = {p["name"] for p in params if p["in"] == "query"}
        has_body = "requestBody" in operation
        errors: dict[str, dict] = {}
        # The ErrorDetail component is registered by the first response that uses it.
        detail = self._get_response_for_code(ErrorDetailSerializer, "400")
        if has_body or query:
            errors["400"] = self._error(VALIDATION_ERRORS, "The request was refused: see the errors of each field.")
        if operation.get("security"):
            errors["401"] = self._with(detail, "No credentials, or an unknown or revoked API key.")
            errors["403"] = self._with(
                detail, "This role or API key may not use this endpoint (or a session's CSRF token is missing)."
            )
        if any(p["in"] == "path" for p in params) or "page" in query:
            errors["404"] = self._with(detail, "Not found (or not visible to the caller), or a page past the last.")
        if has_body:
            errors["415"] = self._with(detail, "The body's content type is not one this endpoint reads.")
        return errors

    def _error(self, schema: dict, description: str) -> dict:
        return self._get_response_for_code(OpenApiResponse(response=schema, description=description), "400")

    @staticmethod
    def _with(response: dict, description: str) -> dict:
        return {**response, "description": description}
