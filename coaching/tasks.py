"""Celery tasks of the weekly digest: the hourly dispatcher and one send per tenant.

Beat runs ``digest_dispatch`` every hour at minute 0 UTC. Each tenant's DigestSettings name
a local weekday and hour; the dispatcher enqueues the tenant's send in the UTC hour that is
that local hour, so Berlin and New York each get it at their own 08:00, across DST changes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.iteration import each_tenant_recycling
from tenants.models import Tenant

from .digest import last_complete_week
from .models import DigestSettings


class DigestSendFailed(Exception):
    """Some emails of a tenant's digest failed; they are on the ledger as failed and retried."""


@dataclass(frozen=True)
class TenantDigestTime:
    schema_name: str
    timezone: str
    weekday: int = 0  # 0 = Monday
    hour: int = 8


def tenants_due(now: dt.datetime, tenants_settings: Iterable[TenantDigestTime]) -> list[str]:
    """Schemas whose local weekday and hour at ``now`` (aware) are their digest's. Pure."""
    due = []
    for item in tenants_settings:
        local = now.astimezone(zoneinfo.ZoneInfo(item.timezone))
        if local.weekday() == item.weekday and local.hour == item.hour:
            due.append(item.schema_name)
    return due


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DigestSendFailed,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)
def digest_send_task(self, week_start: str) -> dict:
    """Send the current tenant's digests (the schema comes from the headers). Idempotent
    through the ledger: a retry sends only what has not been sent."""
    from .digest_send import digest_send_week

    summary = digest_send_week(week_start=dt.date.fromisoformat(week_start))
    if summary["failed"]:
        raise DigestSendFailed(f"{summary['failed']} digest(s) failed: {summary}")
    return summary


def _digest_times() -> list[tuple[Tenant, TenantDigestTime]]:
    times = []
    tenants = Tenant.objects.filter(is_active=True).exclude(schema_name="public").order_by("pk")
    for _position, tenant in each_tenant_recycling(list(tenants)):
        with schema_context(tenant.schema_name):
            row = DigestSettings.objects.first()  # read inside the tenant's schema
        times.append(
            (
                tenant,
                TenantDigestTime(
                    tenant.schema_name, tenant.timezone, row.weekday if row else 0, row.hour if row else 8
                ),
            )
        )
    return times


@shared_task
def digest_dispatch() -> list[str]:
    """Beat's one digest entry (hourly, minute 0 UTC): one send task per tenant that is due now,
    for the last complete week in that tenant's timezone."""
    now = timezone.now()
    times = _digest_times()
    due = set(tenants_due(now, [t for _, t in times]))
    sent = []
    for tenant, item in times:
        if item.schema_name in due:
            week = last_complete_week(tenant, now)
            digest_send_task.apply_async(args=[week.isoformat()], headers={"_schema_name": tenant.schema_name})
            sent.append(tenant.schema_name)
    return sent
