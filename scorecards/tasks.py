"""Celery tasks of the KPI engine: one recompute per tenant, and the nightly dispatcher."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True)
def kpi_recompute_task(since: str | None, until: str | None, reason: str = "manual") -> int:
    """Recompute the current tenant's KPIs (the schema comes from the task's headers)."""
    from .engine import recompute

    return recompute(since=dt.date.fromisoformat(since) if since else None,
                     until=dt.date.fromisoformat(until) if until else None, reason=reason)
