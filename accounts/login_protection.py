"""Login protection: who the client is, what a locked-out client sees, how often a password
reset may be asked for. django-axes counts failed logins (settings: AXES_*); this module holds
the project's callables it is configured with, and the password reset limit axes does not cover.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.current import current_schema_name

logger = logging.getLogger(__name__)

PASSWORD_RESET_WINDOW_SECONDS = 3600


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front, the
    address the outermost of them appended to X-Forwarded-For.

    Entries left of it were written by the client and are ignored, so a forged header can
    neither dodge a lockout nor lock someone else out.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                logger.warning("X-Forwarded-For entry %r is no address; using REMOTE_ADDR", candidate)
    return remote


def lockout_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else 0


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The same page, whatever was typed: it names no account, so it cannot tell whether one exists."""
    return render(request, "accounts/locked_out.html", {"minutes": lockout_minutes(request)}, status=429)


class AccountResetOnSuccessHandler(AxesDatabaseHandler):
    """A successful login clears the failures recorded against that account only.

    Axes' own AXES_RESET_ON_SUCCESS would also clear every failure from the client's address,
    so an attacker holding one valid account could reset the per-address count at will.
    """

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()


def password_reset_allowed(*, email: str, ip: str) -> bool:
    """Count one reset request against its email and its client address (in this tenant);
    False once either has been asked for more than PASSWORD_RESET_LIMIT_PER_HOUR times in the
    hour since its first request. Counters live in the shared cache (Redis), so every worker
    process sees the same ones; with Redis down, False (common/cache.py says why)."""
    reachable = getattr(cache, "reachable", None)  # common.cache.FailOpenRedisCache
    if reachable is not None and not reachable():
        return False  # fails closed: no reset email while the counters cannot be kept
    email_digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    schema = current_schema_name()
    keys = [f"pwreset:{schema}:email:{email_digest}", f"pwreset:{schema}:ip:{ip}"]
    allowed = True
    for key in keys:
        cache.add(key, 0, timeout=PASSWORD_RESET_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=PASSWORD_RESET_WINDOW_SECONDS)
            count = 1
        if count > settings.PASSWORD_RESET_LIMIT_PER_HOUR:
            allowed = False
    return allowed
