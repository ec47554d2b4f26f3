"""Writes of the scorecards app: KPI recomputes, targets and KPI settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django_tenants.utils import schema_context

from tenants.current import current_schema_name, current_tenant


@dataclass(frozen=True)
class KpiRecomputeAsked:
    """A recompute request waiting for its transaction to commit (the on-commit callback)."""

    schema: str
    since: dt.date | None
    until: dt.date | None
    reason: str
    changed_since: dt.datetime | None
    delay_seconds: int

    def __call__(self) -> None:
        from .recompute_requests import kpi_recompute_request

        with schema_context(self.schema):
            kpi_recompute_request(
                since=self.since,
                until=self.until,
                reason=self.reason,
                changed_since=self.changed_since,
                delay_seconds=self.delay_seconds,
            )


def kpi_recompute_enqueue(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    reason: str = "manual",
    debounce_seconds: int = 0,
    changed_since: dt.datetime | None = None,
) -> None:
    """Ask the worker to recompute this tenant's KPIs for [since, until] (None: everything)
    once the current transaction commits. Requests coalesce: the tenant has one recompute
    pending at most, covering all of them (scorecards.recompute_requests).

    With ``debounce_seconds``, the run starts that much later, so that the requests of those
    seconds share it: a survey answered every few milliseconds must not run a recompute each.
    """
    transaction.on_commit(
        KpiRecomputeAsked(current_schema_name(), since, until, reason, changed_since, debounce_seconds)
    )


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
                -- OFFSET 0: rows by the updated_at index, then min and max; else the planner
                -- walks the offered_at index from the first contact ever, filtering on updated_at
                SELECT min(offered_at) lo, max(offered_at) hi FROM (
                    SELECT offered_at FROM interactions_interaction
                     WHERE updated_at >= %(since)s OFFSET 0) changed_contacts
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
