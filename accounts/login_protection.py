"""Login protection: what a locked-out client sees, how often a password reset may be asked
for (who the client is: common.client_address). django-axes counts failed logins (settings:
AXES_*); this module holds the project's callables it is configured with, and the password
reset limit axes does not cover.
"""

from __future__ import annotations

import hashlib
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.current import current_schema_name

PASSWORD_RESET_WINDOW_SECONDS = 3600


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
