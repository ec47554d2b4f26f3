"""Celery tasks of the report subscriptions: the hourly dispatcher and one send per tenant
and period.

Beat runs ``report_dispatch`` every hour (config/celery.py). A week's report is due from
REPORT_HOUR on the Monday after it, local time; a month's from REPORT_HOUR on the 1st. Every
hourly run of that day enqueues the tenant's send again: the ledger makes the repeats send
nothing, and a beat run missed (a restart at 07:00) or an email that failed is caught up by the
next hour's.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from common.periods import MONTH, WEEK, last_complete_period_start, local_date
from tenants.models import Tenant

from .models import ReportSubscription

# 07:00 local: after the night's recompute (02:15 UTC) for Europe, before the working day.
REPORT_HOUR = 7


class ReportSendFailed(Exception):
    """Some reports of a tenant failed; they are on the ledger as failed and retried."""


def periods_due(now: dt.datetime, tz: ZoneInfo) -> list[tuple[str, dt.date]]:
    """(cadence, first day) of the periods whose report is due at ``now`` (aware) in ``tz``. Pure."""
    local = now.astimezone(tz)
    if local.hour < REPORT_HOUR:
        return []
    today = local_date(now, tz)
    due = []
    if today.weekday() == 0:
        due.append((WEEK, last_complete_period_start(WEEK, today)))
    if today.day == 1:
        due.append((MONTH, last_complete_period_start(MONTH, today)))
    return due


def reports_due(now: dt.datetime) -> list[tuple[str, str, dt.date]]:
    """(schema, cadence, first day) of every active tenant's report that is due and has subscribers."""
    due = []
    for tenant in Tenant.objects.filter(is_active=True).exclude(schema_name="public").order_by("pk"):
        periods = periods_due(now, tenant.tz)
        if not periods:
            continue
        with schema_context(tenant.schema_name):
            cadences = set(ReportSubscription.objects.values_list("cadence", flat=True).distinct())
        due += [(tenant.schema_name, cadence, start) for cadence, start in periods if cadence in cadences]
    return due


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ReportSendFailed,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)
def report_send_task(self, cadence: str, start: str) -> dict:
    """Send the current tenant's reports of one period (the schema comes from the headers);
    idempotent through the ledger, retried as the digest's task is."""
    from .send import report_send_period

    summary = report_send_period(cadence=cadence, start=dt.date.fromisoformat(start))
    if summary["failed"]:
        raise ReportSendFailed(f"{summary['failed']} report(s) failed: {summary}")
    return summary


@shared_task
def report_dispatch() -> list[str]:
    """Beat's one report entry: a send task per tenant and period that is due now."""
    enqueued = []
    for schema, cadence, start in reports_due(timezone.now()):
        report_send_task.apply_async(args=[cadence, start.isoformat()], headers={"_schema_name": schema})
        enqueued.append(f"{schema}:{cadence}:{start.isoformat()}")
    return enqueued
