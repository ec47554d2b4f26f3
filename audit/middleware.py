"""A request id for every request: the proxy's X-Request-ID when well-formed, else a new one.
It goes back in the response header and into every audit row the request writes."""

from __future__ import annotations

from .context import request_id_from, request_scope

HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        with request_scope(request, request_id):
            response = self.get_response(request)
        response[HEADER] = request_id
        return response
