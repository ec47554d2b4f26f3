"""A small fixed-window rate limiter for the public survey pages, in Django's cache.

Configure CACHES with Redis in production so every worker process shares the counters
(with the default local-memory cache each process counts on its own). Keys carry the
schema, so one contact center's traffic never throttles another's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from tenants.current import current_schema_name

# (requests, seconds). Per IP and token: a customer answers once, a few retries are plenty.
# Per IP for unknown or expired tokens only: scanning for tokens is throttled, while one
# office behind one address can still answer many different invitations.
DEFAULTS = {"answer": (10, 600), "view": (60, 600), "miss": (30, 600)}


def limit(name: str) -> tuple[int, int]:
    return getattr(settings, "SURVEY_RATE_LIMITS", {}).get(name, DEFAULTS[name])


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a trusted proxy
    # rewrites it (set REMOTE_ADDR from the proxy in the WSGI server if there is one).
    return request.META.get("REMOTE_ADDR", "")


def allow(request, name: str, token: str = "") -> bool:
    """Count this request; False once the window's budget is spent."""
    count, window = limit(name)
    key = f"survey-rl:{current_schema_name()}:{name}:{client_ip(request)}:{token}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) <= count
    except ValueError:  # expired between add and incr: a fresh window
        cache.add(key, 1, timeout=window)
        return True


def over(request, name: str, token: str = "") -> bool:
    """True if the budget is already spent, without counting this request."""
    count, _ = limit(name)
    used = cache.get(f"survey-rl:{current_schema_name()}:{name}:{client_ip(request)}:{token}", 0)
    return used >= count
