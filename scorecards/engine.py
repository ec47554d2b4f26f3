"""The KPI engine: recompute the snapshots of one tenant for a range of local dates.

``recompute(since=None, until=None)`` runs in one transaction that first takes a
transaction-scoped advisory lock for the tenant, so two recomputes of one tenant (an
import's and the nightly one, or two workers) run one after the other and never write
half-results or duplicates; snapshots are upserted on their unique key anyway.

The range [since, until] is widened to whole weeks and months, every snapshot of the
periods it covers is replaced, and the SQL in scorecards/queries.py does the work.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import zoneinfo
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from common.tenancy import current_tenant

from . import queries
from .models import KpiRecompute

logger = logging.getLogger(__name__)



@dataclass(frozen=True)
class Range:
    """Local dates [lo_day, hi_day) covering whole weeks and months around [since, until]."""

    lo_day: dt.date
    hi_day: dt.date

    @classmethod
    def around(cls, since: dt.date, until: dt.date) -> Range:
        monday = since - dt.timedelta(days=since.weekday())
        lo = min(monday, since.replace(day=1))
        sunday = until + dt.timedelta(days=6 - until.weekday())
        next_month = (until.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return cls(lo, max(sunday + dt.timedelta(days=1), next_month))


def _local_midnight(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _data_span(tz: zoneinfo.ZoneInfo) -> tuple[dt.date, dt.date] | None:
    with connection.cursor() as cur:
        cur.execute("""
            SELECT min(lo), max(hi) FROM (
                SELECT min(offered_at) lo, max(offered_at) hi FROM interactions_interaction
                UNION ALL SELECT min(start), max("end") FROM interactions_agentactivity
                UNION ALL SELECT min(start), max("end") FROM interactions_scheduleentry) s""")
        lo, hi = cur.fetchone()
    if lo is None:
        return None
    return lo.astimezone(tz).date(), hi.astimezone(tz).date()


def _lock(cur) -> None:
    # One lock per tenant schema: hashtext gives a stable 32-bit key for the schema name.
    cur.execute("SELECT pg_advisory_xact_lock(hashtext('callwell.kpi.' || current_schema()))")


def recompute(*, since: dt.date | None = None, until: dt.date | None = None,
              reason: str = "manual") -> int:
    """Recompute every KPI of the current tenant for the periods around [since, until].

    With no dates, everything the tenant has. Returns the number of snapshots written.
    """
    tenant = current_tenant()
    tz = zoneinfo.ZoneInfo(tenant.timezone)
    began = time.monotonic()
    run = KpiRecompute.objects.create(reason=reason, since=since, until=until)
    written = 0
    with transaction.atomic():
        with connection.cursor() as cur:
            _lock(cur)
        span = _data_span(tz)
        if span is not None:
            since = since or span[0]
            until = until or span[1]
            if since <= until:
                rng = Range.around(since, until)
                written = _recompute_range(rng, tenant, tz)
                # Inside the transaction: signals read the snapshots just written. Imported
                # here because coaching builds on scorecards, not the other way round.
                from coaching.signals import signals_recompute

                began_signals = time.monotonic()
                signals_recompute(since=rng.lo_day, until=rng.hi_day - dt.timedelta(days=1))
                logger.info("kpi engine: %.2fs signals", time.monotonic() - began_signals)
    KpiRecompute.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), snapshots=written, seconds=time.monotonic() - began)
    return written


def _params(rng: Range, tenant, tz: zoneinfo.ZoneInfo) -> dict:
    quarter_hi = _quarter_start(rng.hi_day - dt.timedelta(days=1))
    quarter_hi = (quarter_hi + dt.timedelta(days=95)).replace(day=1)
    return {
        "tz": tz.key,
        "lo": _local_midnight(rng.lo_day, tz),
        "hi": _local_midnight(rng.hi_day, tz),
        "lo_day": rng.lo_day,
        "hi_day": rng.hi_day,
        "quarter_lo": _local_midnight(_quarter_start(rng.lo_day), tz),
        "quarter_hi": _local_midnight(quarter_hi, tz),
        "window_days": tenant.repeat_window_days,
        "lookback_days": queries.QUERY_AGE_LOOKBACK_DAYS,
        "short_abandon": tenant.short_abandon_seconds,
        "sl_seconds": tenant.service_level_seconds,
        "sl_inclusive": tenant.service_level_inclusive,
        "min_sample": tenant.min_sample,
        "cost_per_paid_hour": tenant.cost_per_paid_hour,
        "cost_per_contact_minute": tenant.cost_per_contact_minute,
        "now": timezone.now(),
    }


def _recompute_range(rng: Range, tenant, tz: zoneinfo.ZoneInfo) -> int:
    params = _params(rng, tenant, tz)
    # Contacts a manager left out of the KPIs (coaching.InteractionExclusion, still active).
    exclusions = ("AND NOT EXISTS (SELECT 1 FROM coaching_interactionexclusion x "
                  "WHERE x.interaction_id = i.id AND x.removed_at IS NULL)")
    statements = [
        queries.EXPECTED,
        queries.FACTS.format(exclusions=exclusions),
        queries.DAILY,
        queries.ACTIVITY_PIECES,
        queries.SCHEDULE_PIECES,
        queries.PEOPLE_GRAIN,
        queries.CASES.format(exclusions=exclusions),
        queries.CASE_DAYS,
        queries.CASE_DAYS_INDEX,
    ]
    upserts = [queries.contacts(), queries.surveys(), queries.peak_hour(), queries.missed(),
               queries.people(), queries.resolution_time(), queries.query_age(), queries.response_rate(),
               queries.effort(), queries.qa()]
    with connection.cursor() as cur:
        # Sorting and hashing a million facts wants more than the 4 MB default.
        cur.execute("SET LOCAL work_mem = '256MB'")
        for sql in [queries.NEW, *statements]:
            _timed(cur, sql, params)
            if sql.lstrip().startswith("CREATE TEMP TABLE"):
                cur.execute(f"ANALYZE {sql.split()[3]}")
        written = 0
        for sql in upserts:
            _timed(cur, sql, params)
            written += cur.rowcount
        cur.execute("ANALYZE kpi_new")
        for sql in queries.SNAPSHOTS_WRITE:
            _timed(cur, sql, params)
        for table in ("kpi_expected", "kpi_facts", "kpi_daily", "kpi_activity", "kpi_schedule",
                      "kpi_people", "kpi_cases", "kpi_case_days", "kpi_new"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
    return written


def _timed(cur, sql: str, params: dict) -> None:
    began = time.monotonic()
    cur.execute(sql, params)
    logger.info("kpi engine: %.2fs %s", time.monotonic() - began, " ".join(sql.split())[:80])
