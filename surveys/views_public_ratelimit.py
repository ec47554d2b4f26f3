"""A small fixed-window rate limiter for the public survey pages, in Django's cache.

Configure CACHES with Redis in production so every worker process shares the counters
(with the default local-memory cache each process counts on its own). Keys carry the
schema, so one contact center's traffic never throttles another's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches

from common.cache import count_in_window
from common.client_address import client_ip
from tenants.current import current_schema_name

# (requests, seconds). Per IP and token: a customer answers once, a few retries are plenty.
# Per IP for unknown or expired tokens only, counted and checked after the lookup: scanning
# for tokens is throttled, while a valid link always opens, also for an office (or a load
# balancer without TRUSTED_PROXY_COUNT) whose one address a scanner has spent.
DEFAULTS = {"answer": (10, 600), "view": (60, 600), "miss": (30, 600)}


def limit(name: str) -> tuple[int, int]:
    return getattr(settings, "SURVEY_RATE_LIMITS", {}).get(name, DEFAULTS[name])


def allow(request, name: str, token: str = "") -> bool:
    """Count this request; False once the window's budget is spent."""
    count, window = limit(name)
    key = f"survey-rl:{current_schema_name()}:{name}:{client_ip(request)}:{token}"
    return count_in_window(caches["default"], key, window) <= count
