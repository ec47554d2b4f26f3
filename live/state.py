"""The live state of each contact center, in Redis (placeholder: the real one follows).

See /tmp/live_ctx.md for the contract: board_read(), changes_channel(), redis_client().
"""

from __future__ import annotations

import datetime as dt

import redis
from django.conf import settings
from django.utils import timezone

STATES = ("ready", "on_contact", "acw", "not_ready", "break", "lunch", "training", "meeting", "offline")


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, decode_responses=True)


def changes_channel(schema: str) -> str:
    return f"live:{schema}:changes"


def _figures() -> dict:
    return {
        "waiting": 0,
        "longest_wait_seconds": 0,
        "offered": 0,
        "handled": 0,
        "abandoned": 0,
        "service_level_pct": None,
        "asa_seconds": None,
        "abandonment_rate_pct": None,
    }


def board_read(
    schema: str, *, queues: list[str] | None = None, agents: list[str] | None = None, now: dt.datetime | None = None
) -> dict:
    now = now or timezone.now()
    return {
        "as_of": now.isoformat(),
        "version": 0,
        "day": timezone.localdate(now).isoformat(),
        "center": {**_figures(), "agents": dict.fromkeys(STATES, 0)},
        "queues": [],
        "agents": [],
    }
