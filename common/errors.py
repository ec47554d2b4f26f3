"""Error pages that know an API client from a browser."""

from __future__ import annotations

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def page_not_found(request, exception):
    """A URL under /api/ that matches no route (``/api/v1/imports/runs/abc/``) answers as the
    API's own 404s do, in JSON; every other URL gets Django's page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
