"""A fixture center's KPI snapshots for the report tests: the week 2026-03-09 and March 2026,
for teams North (mona; alice) and South (max; bob) and the whole center."""

import datetime as dt

from django.utils import timezone

from scorecards.models import KpiSnapshot
from scorecards.targets import target_set

WEEK = dt.date(2026, 3, 9)
MONTH = dt.date(2026, 3, 1)


def snap(kpi, scope, key, value, n, low=None, high=None, *, period="week", start=WEEK, insufficient=False):
    return KpiSnapshot.objects.create(
        kpi=kpi,
        scope=scope,
        key=key,
        period=period,
        period_start=start,
        value=value,
        n=n,
        ci_low=low,
        ci_high=high,
        insufficient_data=insufficient,
        computed_at=timezone.now(),
    )


def seed_reports():
    """FCR target 80/70 everywhere; values that say which group they belong to."""
    target_set(kpi="fcr", green=80, amber=70, effective_from=dt.date(2026, 1, 5), by=None)
    snap("fcr", "team", "North", 82.5, 120, 74.7, 88.3)
    snap("csat", "team", "North", 91.7, 60, 81.9, 96.4)
    snap("aht", "team", "North", 312.0, 118)
    snap("fcr", "agent", "alice.a", 84.6, 39, 70.3, 92.8)
    snap("fcr", "team", "South", 63.3, 90, 53.0, 72.5)
    snap("fcr", "agent", "bob.b", 57.1, 35, 40.9, 72.0)
    snap("fcr", "tenant", "all", 73.8, 210, 67.5, 79.2)
    snap("fcr", "team", "South", 66.4, 410, 61.7, 70.8, period="month", start=MONTH)
    snap("fcr", "agent", "bob.b", 59.9, 152, 52.0, 67.4, period="month", start=MONTH)
