"""Refuse an upload larger than its view allows, before its body is read: 413.

A view opts in with ``@upload_limit("SETTING_NAME")`` (function views) or
``upload_limit_setting = "SETTING_NAME"`` (DRF views). UploadLimitMiddleware sits before
CsrfViewMiddleware, whose check reads the body of a form post (the whole upload, spooled
to disk): comparing the declared Content-Length first means a 2 GB upload costs nothing.
A multipart body is a little larger than its file, so the middleware allows a margin and
the service checks the file's exact size again (UploadTooLarge).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Room for the multipart boundaries, part headers and the other form fields (CSRF token).
MULTIPART_MARGIN = 64 * 1024


class UploadTooLarge(Exception):
    def __init__(self, size: int, limit: int, setting: str):
        self.size, self.limit, self.setting = size, limit, setting
        super().__init__(too_large_message(size, limit, setting))


def too_large_message(size: int, limit: int, setting: str) -> str:
    return _(
        "The file is %(size)s; uploads take at most %(limit)s (%(setting)s). "
        "Split it into smaller files and upload each: imports are safe to repeat."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(limit), "setting": setting}


def upload_limit(setting: str):
    def mark(view):
        view.upload_limit_setting = setting
        return view

    return mark


def too_large_response(request, error: UploadTooLarge) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(error)}, status=413)
    html = render_to_string("413.html", {"message": str(error)}, request=request)
    return HttpResponse(html, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        setting = getattr(view_func, "upload_limit_setting", None) or getattr(
            getattr(view_func, "cls", None), "upload_limit_setting", None
        )
        if setting is None or request.method not in ("POST", "PUT", "PATCH"):
            return None
        limit = getattr(settings, setting)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + MULTIPART_MARGIN:
            return too_large_response(request, UploadTooLarge(length, limit, setting))
        return None
