"""Coaching signals of one tenant, per agent and week: rushing, complexity mismatch and
burnout risk (the rules and every choice are in coaching/signal_rules.py).

``signals_recompute(since=..., until=...)`` is called by the KPI engine at the end of each
recompute, inside its transaction: it reads the snapshots and day sums just written. Each rule reads
its numbers for all agents and weeks in one statement; the pure rules decide. Contacts a
manager left out (coaching.InteractionExclusion) are left out here too, by the KPIs' own rule
(scorecards.counting).

Recovery time after a long contact: the ready seconds between the end of the contact's
wrap-up (ended_at, else answered_at + talk + hold; plus acw) and the agent's next
on_contact activity, if that starts within 4 hours (else the shift ended: no gap).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Agent
from common import periods
from scorecards.counting import counted_sql
from scorecards.models import KpiSnapshot
from tenants.current import current_tenant

from . import signal_rules as rules
from .models import Signal, SignalKind

OCCUPANCY_LOOKBACK_DAYS = 28
WEEK = "date_trunc('week', i.offered_at AT TIME ZONE %(tz)s)::date"
QUARTER = "date_trunc('quarter', i.offered_at AT TIME ZONE %(tz)s)::date"

# Expected handle seconds per type and quarter (of the types with answered contacts in it):
# configured, else the quarter's median (of the contacts that count, as the engine's
# aht_index). Only unconfigured types need the median's sort. {counted}: filled in when it runs.
EXPECTED_SQL = f"""
SELECT it.id, it.name, q::date, it.expected_handle_seconds::float8
  FROM interactions_interactiontype it
 CROSS JOIN generate_series((%(quarter_lo)s AT TIME ZONE %(tz)s)::date::timestamp,
                            (%(quarter_hi)s AT TIME ZONE %(tz)s)::date::timestamp - interval '1 day',
                            interval '3 months') q
 -- LIMIT 1 keeps this a probe of the offered_at index (an EXISTS becomes a hash semi join
 -- over every interaction)
 CROSS JOIN LATERAL (
       SELECT 1 FROM interactions_interaction i
        WHERE i.interaction_type_id = it.id AND i.outcome = 'answered'
          AND i.offered_at >= q AT TIME ZONE %(tz)s AND i.offered_at < (q + interval '3 months') AT TIME ZONE %(tz)s
          AND {{counted}}
        LIMIT 1) used
 WHERE it.expected_handle_seconds IS NOT NULL
UNION ALL
SELECT it.id, it.name, {QUARTER}, percentile_cont(0.5) WITHIN GROUP (ORDER BY i.handle_seconds)
  FROM interactions_interaction i
  JOIN interactions_interactiontype it ON it.id = i.interaction_type_id
 WHERE it.expected_handle_seconds IS NULL AND i.outcome = 'answered'
   AND i.offered_at >= %(quarter_lo)s AND i.offered_at < %(quarter_hi)s AND {{counted}}
 GROUP BY it.id, it.name, 3"""

# From the KPI engine's day sums of each agent's handled contacts per type (exclusions
# already left out): a few thousand rows, where the interactions are a million.
HANDLE_BY_TYPE_SQL = """
SELECT a.id, date_trunc('week', d.day)::date AS week, d.itype, sum(d.handle), sum(d.handled)::int
  FROM scorecards_kpiday_agent_types d
  JOIN accounts_agent a ON a.acd_login = d.key
 WHERE d.scope = 'agent' AND d.day >= %(lo_day)s AND d.day < %(hi_day)s
 GROUP BY 1, 2, 3"""

# {counted}: the contacts that count (scorecards.counting), filled in when it runs.
RECOVERY_SQL = f"""
WITH expected AS (
    SELECT * FROM unnest(%(expected_ids)s::int[], %(expected_quarters)s::date[], %(expected_seconds)s::float8[])
        AS e(itype_id, quarter, seconds)
), long AS (
    SELECT i.agent_id, {WEEK} AS week,
           coalesce(i.ended_at, i.answered_at + make_interval(secs => i.talk_seconds + i.hold_seconds))
             + make_interval(secs => i.acw_seconds) AS done
      FROM interactions_interaction i
      JOIN expected e ON e.itype_id = i.interaction_type_id AND e.quarter = {QUARTER}
     WHERE i.outcome = 'answered' AND i.agent_id IS NOT NULL
       AND i.offered_at >= %(lo)s AND i.offered_at < %(hi)s AND {{counted}}
       AND i.handle_seconds > %(factor)s * e.seconds)
SELECT l.agent_id, l.week,
       (SELECT coalesce(sum(extract(epoch FROM least(a."end", nx.start) - greatest(a.start, l.done))), 0)
          FROM interactions_agentactivity a
         WHERE a.agent_id = l.agent_id AND a.state = 'ready' AND a.start < nx.start AND a."end" > l.done
           -- a lower bound for the (agent, start) index: an agent's intervals never overlap
           -- (imports refuse it), so none before the last one started by l.done reaches it
           AND a.start >= COALESCE((SELECT max(p.start) FROM interactions_agentactivity p
                                     WHERE p.agent_id = l.agent_id AND p.start <= l.done), l.done))
  FROM long l
 CROSS JOIN LATERAL (
    SELECT min(a.start) AS start FROM interactions_agentactivity a
     WHERE a.agent_id = l.agent_id AND a.state = 'on_contact'
       AND a.start >= l.done AND a.start < l.done + interval '4 hours') nx
 WHERE nx.start IS NOT NULL"""


def _weeks(since: dt.date | None, until: dt.date | None) -> list[dt.date]:
    if since is None or until is None:
        weeks = KpiSnapshot.objects.filter(scope="agent", period="week").values_list("period_start", flat=True)
        bounds = (weeks.order_by("period_start").first(), weeks.order_by("-period_start").first())
        since, until = since or bounds[0], until or bounds[1]
        if since is None or until is None:
            return []
    return periods.week_starts(since, until)


def _sql(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def signals_recompute(*, since: dt.date | None, until: dt.date | None) -> int:
    """Recompute the signals of every week (Monday, tenant time) overlapping [since, until]
    (None: the first or last week with agent snapshots). Returns the number of signals held.

    Usage: ``signals_recompute(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 8))``
    """
    weeks = _weeks(since, until)
    if not weeks:
        return 0
    tenant = current_tenant()
    tz = tenant.tz
    last_day = periods.period_last_day(periods.WEEK, weeks[-1])
    lo, hi = periods.local_days_range(weeks[0], last_day, tz)
    params = {
        "tz": tz.key,
        "factor": rules.LONG_CONTACT_FACTOR,
        "lo": lo,
        "hi": hi,
        "lo_day": weeks[0],
        "hi_day": periods.next_period_start(periods.WEEK, last_day),
        # every quarter the weeks touch: the last week may end in the next quarter
        "quarter_lo": periods.local_midnight(periods.quarter_start(weeks[0]), tz),
        "quarter_hi": periods.local_midnight(periods.next_period_start(periods.QUARTER, last_day), tz),
    }
    agents = {a.acd_login: a for a in Agent.objects.only("id", "acd_login", "team_id")}
    by_id = {a.id: a for a in agents.values()}
    expected = _sql(EXPECTED_SQL.format(counted=counted_sql("i")), params)  # (type id, name, quarter, seconds)
    params.update(
        expected_ids=[e[0] for e in expected],
        expected_quarters=[e[2] for e in expected],
        expected_seconds=[e[3] for e in expected],
    )
    found: dict[tuple[str, int, dt.date], dict] = {}
    for (kind, agent_id, week), facts in [
        *_rushing(weeks, agents, tenant.min_sample),
        *_complexity(params, expected, by_id, tenant.min_sample),
        *_burnout(weeks, params, agents),
    ]:
        if week in weeks:
            found[(kind, agent_id, week)] = facts
    now = timezone.now()
    with transaction.atomic():
        stale = [
            pk
            for pk, kind, agent_id, week in Signal.objects.filter(week_start__in=weeks).values_list(
                "pk", "kind", "agent_id", "week_start"
            )
            if (kind, agent_id, week) not in found
        ]
        Signal.objects.filter(pk__in=stale).delete()
        Signal.objects.bulk_create(
            [Signal(kind=k, agent_id=a, week_start=w, facts=f, computed_at=now) for (k, a, w), f in found.items()],
            update_conflicts=True,
            unique_fields=["kind", "agent", "week_start"],
            update_fields=["facts", "computed_at"],
        )
    return len(found)


def _rushing(weeks, agents, min_sample):
    rows = KpiSnapshot.objects.filter(
        scope="agent", period="week", period_start__in=weeks, kpi__in=["aht_index", *rules.RUSHING_RATES]
    ).values_list("kpi", "key", "period_start", "value", "n")
    values: dict[tuple[str, dt.date], dict[str, tuple[float, int]]] = defaultdict(dict)
    for kpi, key, week, value, n in rows:
        if key in agents and value is not None:
            values[(key, week)][kpi] = (value, n)
    teams: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    for key, week in values:
        if agents[key].team_id is not None:
            teams[(agents[key].team_id, week)].append(key)
    for (_team, week), members in teams.items():
        for key in members:
            own = values[(key, week)]
            teammates = {
                kpi: [values[(other, week)][kpi] for other in members if other != key and kpi in values[(other, week)]]
                for kpi in rules.RUSHING_RATES
            }
            aht_index, n = own.get("aht_index", (None, 0))
            facts = rules.rushing(
                aht_index=aht_index, aht_index_n=n, rates=own, teammates=teammates, min_sample=min_sample
            )
            if facts:
                yield (SignalKind.RUSHING, agents[key].id, week), facts


def _complexity(params, expected_rows, by_id, min_sample):
    expected: dict[dt.date, dict[str, float]] = defaultdict(dict)
    for _id, name, quarter, seconds in expected_rows:
        expected[quarter][name] = seconds
    handle: dict[tuple[int, dt.date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    contacts: dict[tuple[int, dt.date], int] = defaultdict(int)
    for agent_id, week, name, seconds, count in _sql(HANDLE_BY_TYPE_SQL, params):
        if agent_id in by_id and by_id[agent_id].team_id is not None:
            handle[(agent_id, week)][name] += float(seconds)
            contacts[(agent_id, week)] += count
    teams: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for agent_id, week in handle:
        teams[(by_id[agent_id].team_id, week)].append(agent_id)
    for (_team, week), members in teams.items():
        complex_ = rules.complex_types(expected.get(periods.quarter_start(week), {}))
        for agent_id in members:
            rest: dict[str, float] = defaultdict(float)
            for other in members:
                if other != agent_id:
                    for name, seconds in handle[(other, week)].items():
                        rest[name] += seconds
            facts = rules.complexity_mismatch(
                agent_handle=handle[(agent_id, week)],
                agent_contacts=contacts[(agent_id, week)],
                team_handle=rest,
                team_contacts=sum(contacts[(o, week)] for o in members if o != agent_id),
                complex=complex_,
                min_sample=min_sample,
            )
            if facts:
                yield (SignalKind.COMPLEXITY_MISMATCH, agent_id, week), facts


def _burnout(weeks, params, agents):
    # Occupancy and recovery only: the agent's own effort answers never reach a signal
    # (per-agent effort is the agent's alone; signal_rules.py says why).
    occupancy: dict[int, dict[dt.date, float]] = defaultdict(dict)
    rows = KpiSnapshot.objects.filter(
        kpi="occupancy",
        scope="agent",
        period="day",
        period_start__gte=weeks[0] - dt.timedelta(days=OCCUPANCY_LOOKBACK_DAYS),
        period_start__lte=periods.period_last_day(periods.WEEK, weeks[-1]),
    ).values_list("key", "period_start", "value")
    for key, day, value in rows:
        if key in agents:
            occupancy[agents[key].id][day] = value
    gaps: dict[tuple[int, dt.date], list[float]] = defaultdict(list)
    for agent_id, week, gap in _sql(RECOVERY_SQL.format(counted=counted_sql("i")), params):
        gaps[(agent_id, week)].append(float(gap))
    for week in weeks:
        week_end = periods.period_last_day(periods.WEEK, week)
        for agent_id in set(occupancy) | {a for a, w in gaps if w == week}:
            days = {
                d: v
                for d, v in occupancy.get(agent_id, {}).items()
                if week_end - dt.timedelta(days=OCCUPANCY_LOOKBACK_DAYS) < d <= week_end
            }
            facts = rules.burnout_risk(occupancy=days, week_end=week_end, recovery_gaps=gaps.get((agent_id, week), []))
            if facts:
                yield (SignalKind.BURNOUT_RISK, agent_id, week), facts
