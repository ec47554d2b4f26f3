"""Celery tasks of the KPI engine: a tenant's pending recompute, and the nightly dispatcher."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.iteration import each_tenant_recycling
from tenants.models import Tenant


@shared_task(acks_late=True)
def kpi_recompute_task(
    since: str | None = None,
    until: str | None = None,
    reason: str = "manual",
    changed_since: str | None = None,
    token: str | None = None,
) -> str:
    """Run the current tenant's pending KPI recompute (the schema comes from the task's
    headers); ``token`` names the message it was sent with (scorecards.recompute_requests).

    Without a token (sent by hand): request [since, until] like any other caller, sent anew."""
    from .recompute_requests import kpi_recompute_request, kpi_recompute_run

    if token is not None:
        return kpi_recompute_run(token=token)
    kpi_recompute_request(
        since=dt.date.fromisoformat(since) if since else None,
        until=dt.date.fromisoformat(until) if until else None,
        reason=reason,
        changed_since=dt.datetime.fromisoformat(changed_since) if changed_since else None,
        resend=True,
    )
    return "requested"


NIGHTLY_DAYS = 35
# Once a week (a Sunday, local) the nightly run is a full one: it rebuilds every stored sum,
# which a run over days cannot reach (a quarter's aht_index median older than 35 days, a
# corrected contact moved out of its old day or case).
NIGHTLY_FULL_WEEKDAY = 6


def nightly_delays(count: int) -> list[int]:
    """Seconds after the dispatch at which each of ``count`` tenants' nightly recompute starts:
    KPI_NIGHTLY_STAGGER_SECONDS apart, closer together when that would not fit the window
    (KPI_NIGHTLY_WINDOW_SECONDS), so a thousand tenants are spread evenly over it instead of
    piling up at its end. Pure.

    ``nightly_delays(3) == [0, 15, 30]``; 1,000 tenants in 2 hours: one every 7.2 s."""
    window = settings.KPI_NIGHTLY_WINDOW_SECONDS
    step = min(float(settings.KPI_NIGHTLY_STAGGER_SECONDS), window / count if count else 0.0)
    return [int(position * step) for position in range(count)]


@shared_task
def kpi_nightly_dispatch() -> int:
    """Beat's one entry: request a recompute of the last 35 days for every active tenant
    (on Sundays, local: of everything), merged with whatever it has pending.

    Runs in the public schema; each tenant's task carries its schema in the headers. The
    tasks are staggered so that 2 cores are not asked for every tenant at once.
    """
    from .recompute_requests import kpi_recompute_request

    tenants = list(Tenant.objects.filter(is_active=True).exclude(schema_name="public").order_by("pk"))
    delays = nightly_delays(len(tenants))
    for position, tenant in each_tenant_recycling(tenants):
        today = timezone.localdate(timezone=tenant.tz)
        everything = today.weekday() == NIGHTLY_FULL_WEEKDAY
        with schema_context(tenant.schema_name):
            # resend: a message lost since the last night (Redis restarted) is replaced here
            kpi_recompute_request(
                since=None if everything else today - dt.timedelta(days=NIGHTLY_DAYS),
                until=None if everything else today,
                reason="nightly",
                delay_seconds=delays[position],
                resend=True,
            )
    return len(tenants)
