"""The shared cache (Redis) fails open: with Redis down, pages answer as if it were empty.

Every use of the cache in this project is a counter, a de-duplication hint, or a copy of data
that can be read again (and is forgotten when it changes):

- the public survey pages' rate limits: fail open. A customer's answer refused because Redis is
  away is lost for good (the link arrives once); tokens are unguessable, and an outage is short.
- the KPI recompute debounce: fail open. Without it a burst queues more recomputes, which are
  safe to run twice; refusing would lose the recompute.
- the password reset limit (accounts/login_protection.py) fails *closed*, by asking
  ``reachable()`` first: no reset email goes out while the counters cannot be kept (emails are
  sent to people who did not ask; a user can ask again in a minute). Login lockouts are kept by
  django-axes in PostgreSQL and do not depend on Redis at all.
- the tenant of a host (tenants/hosts.py) and the scorecard page's content
  (scorecards/page_cache.py): fail open, read from the database as if never cached.

A failure is logged once per call; the caller gets what an empty cache would give.
"""

from __future__ import annotations

import logging
from typing import Any

import redis.exceptions
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class FailOpenRedisCache(RedisCache):
    def _down(self, operation: str, exc: Exception) -> None:
        logger.warning("cache unavailable (%s: %s): answering as an empty cache", operation, exc)

    def reachable(self) -> bool:
        try:
            return bool(self._cache.get_client().ping())  # type: ignore[attr-defined]
        except REDIS_DOWN:
            return False

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except REDIS_DOWN as exc:
            self._down("get", exc)
            return default

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except REDIS_DOWN as exc:
            self._down("add", exc)
            return True

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except REDIS_DOWN as exc:
            self._down("set", exc)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as exc:
            self._down("incr", exc)
            return delta  # as if the counter had just started

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except REDIS_DOWN as exc:
            self._down("delete", exc)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except REDIS_DOWN as exc:
            self._down("delete_many", exc)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except REDIS_DOWN as exc:
            self._down("get_many", exc)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except REDIS_DOWN as exc:
            self._down("has_key", exc)
            return False

    def count_in_window(self, key: Any, timeout: int, version: int | None = None) -> int:
        """Add one to the counter ``key`` (started at 0 for ``timeout`` seconds if absent) and
        return it: ``add`` and ``incr`` in one round trip (Django's incr alone asks EXISTS first).
        The busiest page (the public survey answer) counts on every request."""
        key = self.make_and_validate_key(key, version=version)
        # One client kept (Django's backend builds a redis.Redis per call, costlier than the
        # round trip); it draws on the same connection pool. A backend is per thread.
        client = self.__dict__.get("_counting_client")
        if client is None:
            client = self.__dict__["_counting_client"] = self._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        try:
            _added, count = client.pipeline(transaction=False).set(key, 0, ex=timeout, nx=True).incr(key).execute()
        except REDIS_DOWN as exc:
            self._down("count_in_window", exc)
            return 1  # as if the counter had just started
        return int(count)


def count_in_window(cache: Any, key: str, timeout: int) -> int:
    """The same with any cache backend (tests use the local-memory one)."""
    if isinstance(cache, FailOpenRedisCache):
        return cache.count_in_window(key, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: a fresh window
        cache.add(key, 1, timeout=timeout)
        return 1
