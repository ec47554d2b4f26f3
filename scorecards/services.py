"""Writes of the scorecards app: KPI recomputes, targets and KPI settings."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection, transaction

from tenants.current import current_schema_name, current_tenant


def kpi_recompute_enqueue(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    reason: str = "manual",
    debounce_seconds: int = 0,
    changed_since: dt.datetime | None = None,
) -> None:
    """Ask the worker to recompute this tenant's KPIs for [since, until] (None: everything)
    once the current transaction commits.

    With ``debounce_seconds``, requests for the same range within that time share one run,
    started that much later: a survey answered every few milliseconds must not queue a
    recompute each (the cache key expires as the run starts, so later changes ask again).
    """
    from .tasks import kpi_recompute_task

    schema = current_schema_name()
    args = [
        since.isoformat() if since else None,
        until.isoformat() if until else None,
        reason,
        changed_since.isoformat() if changed_since else None,
    ]

    def send() -> None:
        if debounce_seconds and not cache.add(
            f"kpi-recompute:{schema}:{args[0]}:{args[1]}", 1, timeout=debounce_seconds
        ):
            return
        kpi_recompute_task.apply_async(args=args, headers={"_schema_name": schema}, countdown=debounce_seconds or None)

    transaction.on_commit(send)


def kpi_changed_range(*, since: dt.datetime) -> tuple[dt.date, dt.date] | None:
    """Local dates whose KPIs rows written at or after ``since`` can change, or None.

    Widened by the repeat window on both sides: a new contact can make earlier contacts of
    the same customer lose their FCR, and later ones become repeats.
    """
    tenant = current_tenant()
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT min(lo), max(hi) FROM (
                SELECT min(offered_at) lo, max(offered_at) hi FROM interactions_interaction
                 WHERE updated_at >= %(since)s
                UNION ALL SELECT min(start), max("end") FROM interactions_agentactivity
                 WHERE updated_at >= %(since)s
                UNION ALL SELECT min(start), max("end") FROM interactions_scheduleentry
                 WHERE updated_at >= %(since)s
                UNION ALL SELECT min(i.offered_at), max(i.offered_at) FROM surveys_surveyresponse r
                  JOIN interactions_interaction i ON i.id = r.interaction_id WHERE r.updated_at >= %(since)s
            ) changed""",
            {"since": since},
        )
        lo, hi = cur.fetchone()
    if lo is None:
        return None
    window = dt.timedelta(days=tenant.repeat_window_days)
    return (lo.astimezone(tenant.tz) - window).date(), (hi.astimezone(tenant.tz) + window).date()


def kpi_recompute_after_import(*, started_at: dt.datetime, mode: str) -> tuple[dt.date, dt.date] | None:
    """Recompute the periods an import touched: now ("sync": CLI, worker) or through the
    worker once the transaction commits ("async": web and API)."""
    # A second of slack: updated_at comes from the database's clock, started_at from ours.
    changed_since = started_at - dt.timedelta(seconds=1)
    changed = kpi_changed_range(since=changed_since)
    if changed is None or mode == "none":
        return changed
    if mode == "sync":
        from .engine import recompute

        recompute(since=changed[0], until=changed[1], reason="import", changed_since=changed_since)
    else:
        kpi_recompute_enqueue(since=changed[0], until=changed[1], reason="import", changed_since=changed_since)
    return changed
