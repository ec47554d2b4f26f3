"""Loops over every tenant's schema that do not let one PostgreSQL backend grow with them.

A backend caches the catalog entries (relation, index and type descriptions) of every table
it has touched until it ends, and one schema per tenant means a thousand copies of every
table: a dispatcher that visits every schema on one connection leaves a backend that much
bigger, for as long as the connection lives (bench/README.md, "A thousand tenants", measures
it). Closing the connection every TENANT_LOOP_RECONNECT_EVERY schemas bounds it; Django opens
the next one on the next query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.conf import settings
from django.db import connection

T = TypeVar("T")


def each_tenant_recycling(tenants: Iterable[T], every: int | None = None) -> Iterator[tuple[int, T]]:
    """``for position, tenant in each_tenant_recycling(tenants): ...`` like enumerate, with a
    new database connection every ``every`` tenants (never inside a transaction: the caller's
    atomic block, a test's, keeps its connection)."""
    every = every or settings.TENANT_LOOP_RECONNECT_EVERY
    for position, tenant in enumerate(tenants):
        if position and position % every == 0 and not connection.in_atomic_block:
            connection.close()
        yield position, tenant
