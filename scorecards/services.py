"""Writes of the scorecards app: KPI recomputes, targets and KPI settings."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction


def kpi_recompute_enqueue(*, since: dt.date | None = None, until: dt.date | None = None,
                          reason: str = "manual") -> None:
    """Ask the worker to recompute this tenant's KPIs for [since, until] (None: everything)
    once the current transaction commits."""
    from .tasks import kpi_recompute_task

    schema = connection.schema_name
    args = [since.isoformat() if since else None, until.isoformat() if until else None, reason]
    transaction.on_commit(lambda: kpi_recompute_task.apply_async(
        args=args, headers={"_schema_name": schema}))
