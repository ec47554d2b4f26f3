"""Celery tasks of the KPI engine: one recompute per tenant, and the nightly dispatcher."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from tenants.models import Tenant


@shared_task(acks_late=True)
def kpi_recompute_task(
    since: str | None, until: str | None, reason: str = "manual", changed_since: str | None = None
) -> int:
    """Recompute the current tenant's KPIs (the schema comes from the task's headers)."""
    from .engine import recompute

    return recompute(
        since=dt.date.fromisoformat(since) if since else None,
        until=dt.date.fromisoformat(until) if until else None,
        reason=reason,
        changed_since=dt.datetime.fromisoformat(changed_since) if changed_since else None,
    )


NIGHTLY_DAYS = 35
# Once a week (a Sunday, local) the nightly run is a full one: it rebuilds every stored sum,
# which a run over days cannot reach (a quarter's aht_index median older than 35 days, a
# corrected contact moved out of its old day or case).
NIGHTLY_FULL_WEEKDAY = 6


@shared_task
def kpi_nightly_dispatch() -> int:
    """Beat's one entry: enqueue a recompute of the last 35 days for every active tenant
    (on Sundays, local: of everything).

    Runs in the public schema; each tenant's task carries its schema in the headers. The
    tasks are staggered a little so that 2 cores are not asked for every tenant at once.
    """
    tenants = Tenant.objects.filter(is_active=True).exclude(schema_name="public").order_by("pk")
    for position, tenant in enumerate(tenants):
        today = timezone.localdate(timezone=tenant.tz)
        since = today - dt.timedelta(days=NIGHTLY_DAYS)
        everything = today.weekday() == NIGHTLY_FULL_WEEKDAY
        days: list[str | None] = [None, None] if everything else [since.isoformat(), today.isoformat()]
        kpi_recompute_task.apply_async(
            args=[*days, "nightly"],
            headers={"_schema_name": tenant.schema_name},
            countdown=min(position * settings.KPI_NIGHTLY_STAGGER_SECONDS, 3600),
        )
    return len(tenants)
