"""The KPI engine: recompute the snapshots of one tenant for a range of local dates.

``recompute(since=None, until=None)`` runs in one transaction that first takes a
transaction-scoped advisory lock for the tenant, so two recomputes of one tenant (an
import's and the nightly one, or two workers) run one after the other and never write
half-results or duplicates; snapshots are upserted on their unique key anyway.

The engine keeps day-level sums between runs (scorecards.families, models_daysums). A run
recomputes the days [since, until] from the interactions, replaces their stored sums, and
rolls every week and month that overlaps them up again from the stored days; it writes
those days, weeks and months. A full run (no dates, or no stored sums yet: KpiStoredState)
rebuilds every stored sum. The SQL is in scorecards/queries*.py, one module per KPI family.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from common import periods
from common.followups import Event, announce
from tenants.current import current_tenant

from . import queries, queries_cases, queries_contacts, queries_facts, queries_people, queries_qa, queries_surveys
from .models import KpiRecompute, KpiStoredState
from .page_cache import scorecard_data_changed
from .sql import Statement, TempTable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Range:
    """Local dates [lo_day, hi_day) covering whole weeks and months around [since, until]."""

    lo_day: dt.date
    hi_day: dt.date

    @classmethod
    def around(cls, since: dt.date, until: dt.date) -> Range:
        lo = min(periods.week_start(since), periods.month_start(since))
        hi = max(periods.next_period_start(periods.WEEK, until), periods.next_period_start(periods.MONTH, until))
        return cls(lo, hi)


def _data_span(tz: zoneinfo.ZoneInfo) -> tuple[dt.date, dt.date] | None:
    with connection.cursor() as cur:
        cur.execute("""
            SELECT min(lo), max(hi) FROM (
                SELECT min(offered_at) lo, max(offered_at) hi FROM interactions_interaction
                UNION ALL SELECT min(start), max("end") FROM interactions_agentactivity
                UNION ALL SELECT min(start), max("end") FROM interactions_scheduleentry
                -- agent effort (aes) comes from the pulse, not from imported contacts
                UNION ALL SELECT min(submitted_at), max(submitted_at) FROM surveys_effortresponse) s""")
        lo, hi = cur.fetchone()
    if lo is None:
        return None
    return lo.astimezone(tz).date(), hi.astimezone(tz).date()


# One lock per tenant schema: hashtext gives a stable 32-bit key for the schema name.
_LOCK_KEY = "hashtext('callwell.kpi.' || current_schema())"


def _lock(cur) -> None:
    cur.execute(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")


def lock_try() -> bool:
    """Take the tenant's recompute lock for this connection if it is free, without waiting.

    Held until ``lock_release()`` (or the connection's end), across transactions; the run's
    own transaction-scoped lock in ``recompute()`` is then granted at once, as PostgreSQL
    grants a lock a session already holds."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT pg_try_advisory_lock({_LOCK_KEY})")
        return bool(cur.fetchone()[0])


def lock_release() -> None:
    with connection.cursor() as cur:
        cur.execute(f"SELECT pg_advisory_unlock({_LOCK_KEY})")


def recompute(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    reason: str = "manual",
    changed_since: dt.datetime | None = None,
) -> int:
    """Recompute every KPI of the current tenant for the days [since, until] and the weeks and
    months around them. With no dates, everything the tenant has (a full run).

    ``changed_since``: every contact changed since then lies in [since, until] (an import's
    start), so only their cases need rebuilding, not every case of those days.
    Returns the number of snapshots written."""
    tenant = current_tenant()
    tz = zoneinfo.ZoneInfo(tenant.timezone)
    began = time.monotonic()
    # Until a full run has built the stored sums (or after a crash emptied them: see
    # KpiStoredState), a partial run would roll up missing days.
    full = (since is None and until is None) or not KpiStoredState.objects.exists()
    run = KpiRecompute.objects.create(reason=reason, since=since, until=until, full=full)
    written = 0
    with transaction.atomic():
        with connection.cursor() as cur:
            _lock(cur)
        # A partial run with both dates needs no data span (a scan of every activity row).
        span = _data_span(tz) if full or since is None or until is None else (since, until)
        if span is not None:
            since, until = span if full else (since or span[0], until or span[1])
            if since <= until:
                written = _recompute_range(since, until, tenant, tz, full=full, changed_since=changed_since)
                # Inside the transaction: the coaching signals read the snapshots just written
                # (pipeline/followups.py; coaching builds on scorecards, not the other way round).
                announce(Event.KPIS_RECOMPUTED, since=since, until=until, full=full)
        if full:
            KpiStoredState.objects.all().delete()
            KpiStoredState.objects.create(built_at=timezone.now())
        scorecard_data_changed()
    KpiRecompute.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), snapshots=written, seconds=time.monotonic() - began
    )
    return written


def _params(since: dt.date, until: dt.date, tenant, tz: zoneinfo.ZoneInfo) -> dict:
    rng = Range.around(since, until)
    lo, hi = periods.local_days_range(since, until, tz)
    return {
        "tz": tz.key,
        # the changed days
        "ch_lo": since,
        "ch_hi": until + dt.timedelta(days=1),
        "lo": lo,
        "hi": hi,
        # the weeks and months around them
        "lo_day": rng.lo_day,
        "hi_day": rng.hi_day,
        "roll_lo": periods.local_midnight(rng.lo_day, tz),
        "roll_hi": periods.local_midnight(rng.hi_day, tz),
        "quarter_lo": periods.local_midnight(periods.quarter_start(since), tz),
        "quarter_hi": periods.local_midnight(periods.next_period_start(periods.QUARTER, until), tz),
        "window_days": tenant.repeat_window_days,
        "lookback_days": queries_cases.QUERY_AGE_LOOKBACK_DAYS,
        "short_abandon": tenant.short_abandon_seconds,
        "sl_seconds": tenant.service_level_seconds,
        "sl_inclusive": tenant.service_level_inclusive,
        "min_sample": tenant.min_sample,
        "cost_per_paid_hour": tenant.cost_per_paid_hour,
        "cost_per_contact_minute": tenant.cost_per_contact_minute,
        "now": timezone.now(),
    }


def _recompute_range(
    since: dt.date, until: dt.date, tenant, tz: zoneinfo.ZoneInfo, *, full: bool, changed_since: dt.datetime | None
) -> int:
    params = {**_params(since, until, tenant, tz), "changed_since": changed_since, "full": full}
    statements: list[Statement] = [
        queries.NEW,
        queries_facts.expected(),
        queries_facts.facts(),
        *queries_contacts.store_contacts(full),
        *queries_contacts.store_agent_types(full),
        *queries_surveys.store_surveys(full),
        *queries_contacts.store_peak_hour(full),
        *queries_contacts.store_missed(full),
        *queries_surveys.store_responses(full),
        *queries_qa.store_qa(full),
        *queries_people.pieces(full),
        queries_people.PEOPLE_GRAIN,
        *queries_people.store_people(full),
    ]
    upserts = [
        queries_contacts.contacts(),
        queries_surveys.surveys(),
        queries_contacts.peak_hour(),
        queries_contacts.missed(),
        queries_people.people(),
        queries_cases.resolution_time(),
        queries_cases.query_age(),
        queries_surveys.response_rate(),
        queries_qa.qa(),
    ]
    with connection.cursor() as cur:
        # Sorting and hashing a million facts wants more than the 4 MB default.
        cur.execute("SET LOCAL work_mem = '256MB'")
        # Splitting millions of activity rows at midnight runs in parallel workers only when
        # handing their rows to the leader is priced near what it costs (measured: 3.7 s
        # alone, 2.3 s with two workers).
        cur.execute("SET LOCAL parallel_tuple_cost = 0.001")
        tables = _TempTables(cur, params)
        tables.run(statements)
        touched = 0
        if not full:
            touched = tables.create(queries_cases.touched(by_update=changed_since is not None))
        tables.run(
            [
                *queries_cases.case_statements(everything=full, touched=touched),
                queries_cases.CASE_DAYS,
                queries_cases.CASE_DAYS_INDEX,
            ]
        )
        params["case_lo"] = None if full else _case_lo(cur, since, tz)
        written = 0
        for sql in upserts:
            _timed(cur, sql, params)
            written += cur.rowcount
        written += queries_surveys.write_effort(cur, params)
        # The snapshot writes (a hash join of kpi_new with the stored snapshots, then kpi_diff)
        # were measured with full statistics of both; the facts' plans need only a sample.
        tables.analyse(queries.NEW, sample=False)
        for statement in queries.SNAPSHOTS_WRITE:
            if isinstance(statement, TempTable):
                tables.create(statement, sample=False)
            else:
                _timed(cur, statement, params)
        tables.drop_all()
    return written


def _case_lo(cur, since: dt.date, tz: zoneinfo.ZoneInfo) -> dt.date:
    """The first day of the periods whose case KPIs this run writes (queries.CASE_PERIODS):
    those before it are what a full run would write, as their case sums did not change and
    they were over when the last run computed them."""
    cur.execute(queries_cases.FIRST_CHANGED_DAY)
    first_changed = cur.fetchone()[0]
    # Any finished run started before this one computes (runs are serialised by the lock);
    # the latest created is the closest. By id, not by clock: ids never go back.
    last_run = (
        KpiRecompute.objects.filter(finished_at__isnull=False)
        .order_by("-pk")
        .values_list("started_at", flat=True)
        .first()
    )
    days = [since, first_changed, last_run and last_run.astimezone(tz).date()]
    return min(day for day in days if day is not None)


class _TempTables:
    """The temp tables of one run: each analysed once its rows are in, and all dropped when the
    run ends. ON COMMIT DROP alone is not enough: inside an outer transaction (a test's, a
    caller's atomic block) the commit comes later, and a second run would find them there."""

    def __init__(self, cur: CursorWrapper, params: dict) -> None:
        self.cur = cur
        self.params = params
        self.created: list[TempTable] = []

    def run(self, statements: Sequence[Statement]) -> None:
        for statement in statements:
            if isinstance(statement, TempTable):
                self.create(statement)
            else:
                _timed(self.cur, statement, self.params)

    def create(self, table: TempTable, *, sample: bool = True) -> int:
        """Create the table (analysed unless it is filled later); returns its row count."""
        _timed(self.cur, table.create_sql(), self.params)
        rows = self.cur.rowcount
        self.created.append(table)
        if not table.filled_later:
            self.analyse(table, sample=sample)
        return rows

    def analyse(self, table: TempTable, *, sample: bool = True) -> None:
        # autovacuum never analyses temp tables: without this the planner guesses
        if not sample:
            self.cur.execute(f"ANALYZE {table.name}")
            return
        # a small sample: row counts and rough distributions are all the facts' plans need
        self.cur.execute("SET LOCAL default_statistics_target = 10")
        _timed(self.cur, f"ANALYZE {table.name}", self.params)
        self.cur.execute("RESET default_statistics_target")

    def drop_all(self) -> None:
        if self.created:
            self.cur.execute(f"DROP TABLE {', '.join(table.name for table in self.created)}")
        self.created = []


def _timed(cur, sql: str, params: dict) -> None:
    began = time.monotonic()
    cur.execute(sql, params)
    logger.info("kpi engine: %.2fs %s", time.monotonic() - began, " ".join(sql.split())[:80])
