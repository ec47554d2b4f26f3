"""Tasks outlive a lost database connection: a PostgreSQL restart, a failover, a killed backend.

The task is retried through the broker with exponential backoff (1 s, 2 s, 4 s ... at most a
minute, with jitter so that every worker does not reconnect at once), after closing this
thread's connections: a connection the server dropped stays broken until closed, and the
retry must open a fresh one. Every task of the project is safe to run twice (CONVENTIONS.md:
upserts on unique keys, ledger rows claimed first), which is what makes a blind retry sound.
"""

from __future__ import annotations

import logging
import random

from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# Django's wrappers of psycopg's errors for a connection that is gone, cannot be opened, or
# was cancelled by the server (also deadlocks and lock timeouts: retrying those is right too).
DATABASE_LOST = (OperationalError, InterfaceError)


def backoff_seconds(retries: int) -> float:
    return min(60.0, 2.0**retries) * random.uniform(0.8, 1.2)


class RetryWhenDatabaseLost:
    """A mixin of the project's task base class (tenants/task_guard.py)."""

    database_max_retries = 10  # about 8 minutes of backoff in all

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except DATABASE_LOST as exc:
            connections.close_all()
            request = self.request
            if request.called_directly:
                raise
            countdown = backoff_seconds(request.retries)
            logger.warning(
                "task %s lost the database (%s); retry %d in %.1fs",
                self.name,
                exc,
                request.retries + 1,
                countdown,
            )
            raise self.retry(exc=exc, countdown=countdown, max_retries=self.database_max_retries) from exc
