"""Set-based SQL of the KPI engine: a few statements per KPI family, over all groups at once.

The engine (scorecards/engine.py) runs these inside one transaction, in this order:

1. ``FACTS``: one row per interaction offered in the range, with its local day/week/month
   and hour, its scope keys and the per-interaction derivations of kpis.md (handled, offered,
   short abandon, wait, repeat, first contact, FCR...). Repeat and FCR look
   ``repeat_window_days`` beyond both ends of the range, so a contact imported today can
   flip an earlier contact's FCR.
2. ``DAILY``: GROUPING SETS over every scope, one row per (scope, key, local day) with the
   sums behind each KPI. Every contact KPI is a ratio of sums (or a max), so weeks and
   months are roll-ups of these few rows (``rolled``), not more passes over the facts.
3. ``contacts()``: those rows unpivoted into one snapshot per KPI and upserted. Sibling
   statements do the same for surveys, people (activity and schedule), missed contacts,
   peak hour and cases.

Parameters are named (``%(tz)s``...); see engine.RangeParams. Scope keys are names (the
ACD login, the team's name...), as the report and API show them.
"""

from __future__ import annotations

import re

SCOPE_COLUMNS = {"agent": "agent", "team": "team", "queue": "queue",
                 "interaction_type": "itype", "channel": "channel"}


def by_day(source: str, scopes: tuple[str, ...], aggregates: dict[str, tuple[str, str]],
           extra: tuple[str, ...] = ()) -> str:
    """One row per (scope, key, local day[, extra]) with ``aggregates`` ({name: (SQL over the
    source's rows, how it rolls up: "sum" or "max")}). Every aggregate rolls up, so weeks and
    months come from these rows (``rolled``) instead of a second pass over the facts."""
    columns = [SCOPE_COLUMNS[s] for s in scopes if s != "tenant"]
    tail = "".join(f", {e}" for e in extra)
    sets = [f"({c}, day{tail})" for c in columns] + (["(day" + tail + ")"] if "tenant" in scopes else [])
    scope_case = " ".join(f"WHEN GROUPING({c}) = 0 THEN '{s}'" for s, c in zip(
        [s for s in scopes if s != "tenant"], columns, strict=True))
    key_case = " ".join(f"WHEN GROUPING({c}) = 0 THEN {c}::text" for c in columns)
    # float8 throughout: sums of integers are numeric, and numeric arithmetic in the
    # unpivot (a dozen expressions per group and KPI) costs several times float8's
    aggs = ", ".join(f"({expr})::float8 AS {name}" for name, (expr, _) in aggregates.items())
    return f"""
        SELECT CASE {scope_case} ELSE 'tenant' END AS scope, CASE {key_case} ELSE 'all' END AS key,
               day{tail}, {aggs}
          FROM {source}
         GROUP BY GROUPING SETS ({", ".join(sets)})"""


def rolled(daily: str, aggregates: dict[str, tuple[str, str]], extra: tuple[str, ...] = ()) -> str:
    """Day rows as they are, plus their roll-up into weeks (Monday) and months."""
    tail = "".join(f", {e}" for e in extra)
    plain = ", ".join(aggregates)
    rolls = ", ".join(f"{how}({name}) AS {name}" for name, (_, how) in aggregates.items())
    parts = [f"SELECT scope, key, 'day' AS period, day AS period_start{tail}, {plain} FROM d"]
    for period in ("week", "month"):
        start = f"date_trunc('{period}', day::timestamp)::date"
        parts.append(f"SELECT scope, key, '{period}', {start}{tail}, {rolls} FROM d GROUP BY scope, key, {start}{tail}")
    return f"WITH d AS (SELECT * FROM ({daily}) x WHERE key IS NOT NULL)\n" + "\nUNION ALL\n".join(parts)


# Only periods wholly inside the range are written: a partial week at the edge would be
# wrong, and it is not affected by the change that triggered this recompute anyway.
CONTAINED = """
    ((g.period = 'day' AND g.period_start >= %(lo_day)s AND g.period_start < %(hi_day)s)
     OR (g.period = 'week' AND g.period_start >= %(lo_day)s AND g.period_start + 7 <= %(hi_day)s)
     OR (g.period = 'month' AND g.period_start >= %(lo_day)s
         AND (g.period_start + interval '1 month')::date <= %(hi_day)s))"""

# Every family adds its rows to kpi_new; ``SNAPSHOTS_WRITE`` then writes them in one go.
NEW = """
CREATE TEMP TABLE kpi_new (
    kpi text, scope text, key text, period text, period_start date, value float8, numerator float8,
    denominator float8, n int, ci_low float8, ci_high float8, insufficient_data bool
) ON COMMIT DROP
"""

UPSERT = """
INSERT INTO kpi_new
SELECT v.kpi, g.scope, g.key, g.period, g.period_start, v.value, v.num, v.den, v.n, v.lo, v.hi,
       v.n < %(min_sample)s
FROM ({groups}) g
CROSS JOIN LATERAL (VALUES {values}) AS v(kpi, value, num, den, n, lo, hi)
WHERE g.key IS NOT NULL AND v.n > 0 AND {contained} {scopes} {extra}
"""

_KEY = ("kpi", "scope", "key", "period", "period_start")
_VALUES = ("value", "numerator", "denominator", "n", "ci_low", "ci_high", "insufficient_data")

# Rows of the range that this run did not produce (a group that lost its data) go; rows
# whose numbers did not change are left alone, so a nightly recompute of unchanged data
# writes (and bloats) next to nothing.
_STORED = ", ".join(f"t.{c}" for c in _VALUES)
_INCOMING = ", ".join(f"EXCLUDED.{c}" for c in _VALUES)
SNAPSHOTS_WRITE = [
    f"""DELETE FROM scorecards_kpisnapshot g WHERE {CONTAINED}
          AND NOT EXISTS (SELECT 1 FROM kpi_new n WHERE {" AND ".join(f"n.{c} = g.{c}" for c in _KEY)})""",
    f"""INSERT INTO scorecards_kpisnapshot AS t ({", ".join(_KEY + _VALUES)}, computed_at)
        SELECT {", ".join(_KEY + _VALUES)}, %(now)s FROM kpi_new
        ON CONFLICT ({", ".join(_KEY)}) DO UPDATE SET
            ({", ".join(_VALUES)}, computed_at) = ({_INCOMING}, EXCLUDED.computed_at)
        WHERE ({_STORED}) IS DISTINCT FROM ({_INCOMING})""",
]


def upsert(*, groups: str, values: list[str], extra: str = "") -> str:
    return UPSERT.format(groups=groups, values=",\n    ".join(values), contained=CONTAINED,
                         scopes=_scope_guard(values), extra=extra)


def _scope_guard(values: list[str]) -> str:
    """Leave out KPIs where they do not exist (catalogue.Kpi.scopes): operations KPIs have no
    agent scope, people KPIs exist for agent, team and tenant only."""
    from .catalogue import ALL_SCOPES, KPIS

    codes = [re.match(r"\s*\('(\w+)'", v).group(1) for v in values]
    guards = []
    for scope in ALL_SCOPES:
        absent = [c for c in codes if scope not in KPIS[c].scopes]
        if absent:
            guards.append(f"AND NOT (g.scope = '{scope}' AND v.kpi IN ({', '.join(repr(c) for c in absent)}))")
    return "\n  ".join(guards)


def ratio(kpi: str, num: str, den: str, n: str | None = None, *, pct: bool = True,
          interval: str = "none", squares: str | None = None) -> str:
    """One VALUES row: (kpi, value, numerator, denominator, n, ci_low, ci_high).

    interval: "wilson" (proportions), "mean" (needs ``squares``: Σx² of the numerator's
    items, n = their count) or "none".
    """
    # n is 0 (the row is left out) when the denominator is: no data, not a zero
    n = f"CASE WHEN ({den}) > 0 THEN {n or den} ELSE 0 END"
    scale = " * 100" if pct else ""
    value = f"({num})::float8 / NULLIF({den}, 0){scale}"
    if interval == "wilson":
        ci = f"cw_wilson_low({num}, {den}), cw_wilson_high({num}, {den})"
    elif interval == "mean":
        ci = f"cw_mean_low({num}, {squares}, {n}), cw_mean_high({num}, {squares}, {n})"
    else:
        ci = "NULL::float8, NULL::float8"
    return f"('{kpi}', {value}, ({num})::float8, ({den})::float8, ({n})::int, {ci})"


# --- 1. facts ---------------------------------------------------------------------------

EXPECTED = """
CREATE TEMP TABLE kpi_expected ON COMMIT DROP AS
SELECT i.interaction_type_id AS itype_id,
       date_trunc('quarter', i.offered_at AT TIME ZONE %(tz)s)::date AS quarter,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY i.handle_seconds) AS median
  FROM interactions_interaction i
  JOIN interactions_interactiontype it ON it.id = i.interaction_type_id
 WHERE it.expected_handle_seconds IS NULL AND i.outcome = 'answered'
   AND i.offered_at >= %(quarter_lo)s AND i.offered_at < %(quarter_hi)s
 GROUP BY 1, 2
"""

FACTS = """
CREATE TEMP TABLE kpi_facts ON COMMIT DROP AS
WITH base AS (
    -- Handled contacts of the same customer in [t - w, t) and in (t, t + w], counted in the
    -- one sort by (customer, time) over the range widened by the window on both sides.
    -- EXCLUDE GROUP leaves out the contact itself and any other at the very same instant.
    SELECT i.id, i.case_id, i.missed_by, i.offered_at, i.initiated_at, i.answered_at, i.agent_id,
           i.queue_id, i.interaction_type_id, i.channel, i.outcome, i.callback_requested,
           i.wait_seconds, i.handle_seconds, i.talk_seconds, i.hold_seconds, i.acw_seconds,
           i.transferred, i.resolved, i.cost, i.customer_id,
           count(*) FILTER (WHERE i.outcome = 'answered') OVER (
               PARTITION BY i.customer_id ORDER BY i.offered_at
               RANGE BETWEEN make_interval(days => %(window_days)s) PRECEDING AND CURRENT ROW EXCLUDE GROUP
           ) AS before_n,
           count(*) FILTER (WHERE i.outcome = 'answered') OVER (
               PARTITION BY i.customer_id ORDER BY i.offered_at
               RANGE BETWEEN CURRENT ROW AND make_interval(days => %(window_days)s) FOLLOWING EXCLUDE GROUP
           ) AS after_n
      FROM interactions_interaction i
     WHERE i.offered_at >= %(lo)s - make_interval(days => %(window_days)s)
       AND i.offered_at < %(hi)s + make_interval(days => %(window_days)s)
       {exclusions}
)
SELECT b.id, b.case_id, b.missed_by, b.offered_at,
       (b.offered_at AT TIME ZONE %(tz)s)::date AS day,
       date_trunc('week', b.offered_at AT TIME ZONE %(tz)s)::date AS week,
       date_trunc('month', b.offered_at AT TIME ZONE %(tz)s)::date AS month,
       extract(hour FROM b.offered_at AT TIME ZONE %(tz)s)::int AS hour,
       a.acd_login AS agent, tm.name AS team, q.name AS queue, it.name AS itype, b.channel,
       b.outcome = 'answered' AS handled,
       b.outcome = 'abandoned' AS abandoned,
       b.outcome = 'blocked' AS blocked,
       b.outcome = 'callback' AS callback,
       b.callback_requested,
       COALESCE(b.outcome = 'abandoned' AND b.wait_seconds < %(short_abandon)s, false) AS short_abandon,
       b.outcome = 'answered'
           OR (b.outcome = 'abandoned' AND NOT COALESCE(b.wait_seconds < %(short_abandon)s, false)) AS offered,
       b.wait_seconds AS wait,
       b.outcome = 'answered' AND CASE WHEN %(sl_inclusive)s THEN b.wait_seconds <= %(sl_seconds)s
                                        ELSE b.wait_seconds < %(sl_seconds)s END AS within_sl,
       b.handle_seconds AS handle, b.talk_seconds AS talk, b.hold_seconds AS hold,
       b.acw_seconds AS acw, b.transferred,
       CASE WHEN b.outcome = 'answered' THEN
           extract(epoch FROM b.answered_at - COALESCE(b.initiated_at, b.offered_at)) END AS frt,
       b.outcome = 'answered' AND b.customer_id IS NOT NULL AS has_customer,
       b.outcome = 'answered' AND b.customer_id IS NOT NULL AND b.before_n > 0 AS is_repeat,
       b.outcome = 'answered' AND b.customer_id IS NOT NULL AND b.before_n = 0 AS first_contact,
       b.outcome = 'answered' AND b.customer_id IS NOT NULL AND b.before_n = 0
           AND b.resolved IS DISTINCT FROM false AND NOT b.transferred AND b.after_n = 0 AS fcr,
       CASE WHEN b.outcome = 'answered' THEN COALESCE(it.expected_handle_seconds, e.median) END AS expected,
       b.cost
  FROM base b
  LEFT JOIN accounts_agent a ON a.id = b.agent_id
  LEFT JOIN accounts_team tm ON tm.id = a.team_id
  LEFT JOIN interactions_queue q ON q.id = b.queue_id
  LEFT JOIN interactions_interactiontype it ON it.id = b.interaction_type_id
  LEFT JOIN kpi_expected e ON e.itype_id = b.interaction_type_id
        AND e.quarter = date_trunc('quarter', b.offered_at AT TIME ZONE %(tz)s)::date
 WHERE b.offered_at >= %(lo)s AND b.offered_at < %(hi)s
"""

# --- 2. contacts per scope and day -------------------------------------------------------

def _count(condition: str) -> tuple[str, str]:
    return f"count(*) FILTER (WHERE {condition})", "sum"


def _sum(expr: str, condition: str) -> tuple[str, str]:
    return f"sum({expr}) FILTER (WHERE {condition})", "sum"


CONTACT_AGGREGATES: dict[str, tuple[str, str]] = {
    "contacts": ("count(*)", "sum"),
    "handled": _count("handled"),
    "offered": _count("offered"),
    "short_abandons": _count("short_abandon"),
    "blocked": _count("blocked"),
    "callbacks": _count("callback"),
    "callback_requested": _count("callback_requested"),
    "within_sl": _count("within_sl"),
    "with_customer": _count("has_customer"),
    "repeats": _count("is_repeat"),
    "first_contacts": _count("first_contact"),
    "fcr": _count("fcr"),
    "transferred": _count("handled AND transferred"),
    "held": _count("handled AND hold > 0"),
    "handle": _sum("handle", "handled"),
    "handle_sq": _sum("handle::float8 ^ 2", "handled"),
    "talk": _sum("talk", "handled"),
    "talk_sq": _sum("talk::float8 ^ 2", "handled"),
    "acw": _sum("acw", "handled"),
    "acw_sq": _sum("acw::float8 ^ 2", "handled"),
    "hold": _sum("hold", "handled"),
    "hold_sq": _sum("hold::float8 ^ 2", "handled"),
    "held_sq": _sum("hold::float8 ^ 2", "handled AND hold > 0"),
    "frt": ("sum(frt)", "sum"),
    "frt_sq": ("sum(frt ^ 2)", "sum"),
    "wait": _sum("wait", "handled"),
    "wait_sq": _sum("wait ^ 2", "handled"),
    "longest_wait": ("max(wait) FILTER (WHERE handled OR abandoned)", "max"),
    "waits": ("count(wait) FILTER (WHERE handled OR abandoned)", "sum"),
    "indexed_handle": _sum("handle", "expected > 0"),
    "expected": _sum("expected", "expected > 0"),
    "indexed": _count("expected > 0"),
    "cost": ("sum(cost)", "sum"),
    "costed": ("count(cost)", "sum"),
}

CONTACT_SCOPES = ("agent", "team", "queue", "interaction_type", "channel", "tenant")

DAILY = ("CREATE TEMP TABLE kpi_daily ON COMMIT DROP AS "
         + by_day("kpi_facts", CONTACT_SCOPES, CONTACT_AGGREGATES))


def contacts() -> str:
    groups = rolled("SELECT * FROM kpi_daily", CONTACT_AGGREGATES)
    arrivals = "(g.offered + g.short_abandons + g.blocked)"
    # Cost per contact outside the people scopes: explicit costs, else handle minutes at the
    # contact-minute rate (paid hours belong to people; see the people family).
    cost = ("CASE WHEN g.costed > 0 THEN g.cost ELSE g.handle / 60.0 * %(cost_per_contact_minute)s END")
    values = [
        ratio("fcr", "g.fcr", "g.first_contacts", interval="wilson"),
        ratio("frt", "g.frt", "g.handled", pct=False, interval="mean", squares="g.frt_sq"),
        ratio("aht", "g.handle", "g.handled", pct=False, interval="mean", squares="g.handle_sq"),
        ratio("aht_index", "g.indexed_handle", "g.expected", "g.indexed", pct=False),
        ratio("avg_talk", "g.talk", "g.handled", pct=False, interval="mean", squares="g.talk_sq"),
        ratio("acw", "g.acw", "g.handled", pct=False, interval="mean", squares="g.acw_sq"),
        ratio("avg_hold", "g.hold", "g.handled", pct=False, interval="mean", squares="g.hold_sq"),
        ratio("avg_hold_per_held", "g.hold", "g.held", pct=False, interval="mean", squares="g.held_sq"),
        ratio("transfer_rate", "g.transferred", "g.handled", interval="wilson"),
        ratio("repeat_rate", "g.repeats", "g.with_customer", interval="wilson"),
        "('calls_handled', g.handled::float8, g.handled::float8, NULL::float8, g.contacts::int, "
        "NULL::float8, NULL::float8)",
        ratio("asa", "g.wait", "g.handled", pct=False, interval="mean", squares="g.wait_sq"),
        ratio("service_level", "g.within_sl", "g.offered", interval="wilson"),
        ratio("abandonment_rate", "g.offered - g.handled", "g.offered", interval="wilson"),
        "('longest_wait', g.longest_wait, g.longest_wait, NULL::float8, g.waits::int, NULL::float8, NULL::float8)",
        f"('arrivals', {arrivals}::float8, {arrivals}::float8, NULL::float8, {arrivals}::int, "
        "NULL::float8, NULL::float8)",
        ratio("blocked_rate", "g.blocked", arrivals, interval="wilson"),
        ratio("callback_rate", "g.callback_requested", "g.offered + g.callbacks", interval="wilson"),
        f"('cost_per_call', ({cost})::float8 / NULLIF(g.handled, 0), ({cost})::float8, g.handled::float8, "
        "CASE WHEN g.costed > 0 OR %(cost_per_contact_minute)s > 0 THEN g.handled ELSE 0 END::int, "
        "NULL::float8, NULL::float8)",
    ]
    # People scopes get cost per contact from the people family (it adds paid hours).
    return upsert(groups=groups, values=values,
                  extra="AND NOT (v.kpi = 'cost_per_call' AND g.scope IN ('agent', 'team', 'tenant'))")


# --- surveys ----------------------------------------------------------------------------

SURVEY_AGGREGATES = {
    "csat_n": ("count(*) FILTER (WHERE r.survey = 'csat')", "sum"),
    "csat_pos": ("count(*) FILTER (WHERE r.survey = 'csat' AND r.score >= 4)", "sum"),
    "nps_n": ("count(*) FILTER (WHERE r.survey = 'nps')", "sum"),
    "nps_pos": ("count(*) FILTER (WHERE r.survey = 'nps' AND r.score >= 9)", "sum"),
    "nps_neg": ("count(*) FILTER (WHERE r.survey = 'nps' AND r.score <= 6)", "sum"),
    "ces_n": ("count(*) FILTER (WHERE r.survey = 'ces')", "sum"),
    "ces_pos": ("count(*) FILTER (WHERE r.survey = 'ces' AND r.score >= 5)", "sum"),
    "ces_neg": ("count(*) FILTER (WHERE r.survey = 'ces' AND r.score <= 3)", "sum"),
    "ces_sum": ("sum(r.score) FILTER (WHERE r.survey = 'ces')", "sum"),
    "ces_sq": ("sum(r.score::float8 ^ 2) FILTER (WHERE r.survey = 'ces')", "sum"),
}


def surveys() -> str:
    groups = rolled(by_day("surveys_surveyresponse r JOIN kpi_facts f ON f.id = r.interaction_id",
                           CONTACT_SCOPES, SURVEY_AGGREGATES), SURVEY_AGGREGATES)
    values = [
        ratio("csat", "g.csat_pos", "g.csat_n", interval="wilson"),
        "('nps', (g.nps_pos - g.nps_neg)::float8 / NULLIF(g.nps_n, 0) * 100, (g.nps_pos - g.nps_neg)::float8, "
        "g.nps_n::float8, g.nps_n::int, cw_net_low(g.nps_pos, g.nps_neg, g.nps_n), "
        "cw_net_high(g.nps_pos, g.nps_neg, g.nps_n))",
        "('ces', (g.ces_pos - g.ces_neg)::float8 / NULLIF(g.ces_n, 0) * 100, (g.ces_pos - g.ces_neg)::float8, "
        "g.ces_n::float8, g.ces_n::int, cw_net_low(g.ces_pos, g.ces_neg, g.ces_n), "
        "cw_net_high(g.ces_pos, g.ces_neg, g.ces_n))",
        ratio("ces_mean", "g.ces_sum", "g.ces_n", pct=False, interval="mean", squares="g.ces_sq"),
    ]
    return upsert(groups=groups, values=values)


# --- peak hour and missed contacts -------------------------------------------------------

def peak_hour() -> str:
    scopes = ("team", "queue", "interaction_type", "channel", "tenant")
    counts = {"arrivals": ("count(*)", "sum")}
    daily = by_day("(SELECT * FROM kpi_facts WHERE offered OR short_abandon OR blocked) f", scopes, counts,
                   extra=("hour",))
    hours = rolled(daily, counts, extra=("hour",))
    # Ties go to the earliest hour (kpis.md).
    groups = f"""
        SELECT DISTINCT ON (scope, key, period, period_start) scope, key, period, period_start, hour,
               arrivals, sum(arrivals) OVER (PARTITION BY scope, key, period, period_start) AS total
          FROM ({hours}) h
         ORDER BY scope, key, period, period_start, arrivals DESC, hour"""
    values = ["('peak_hour', g.hour::float8, g.arrivals::float8, NULL::float8, g.total::int, "
              "NULL::float8, NULL::float8)"]
    return upsert(groups=groups, values=values)


def missed() -> str:
    # Agents who handled contacts but missed none get a 0, not a gap.
    offers = """(
        SELECT m.login AS agent, tm.name AS team, f.day, 1 AS missed
          FROM kpi_facts f CROSS JOIN LATERAL unnest(f.missed_by) AS m(login)
          LEFT JOIN accounts_agent a ON a.acd_login = m.login
          LEFT JOIN accounts_team tm ON tm.id = a.team_id
        UNION ALL
        SELECT agent, team, day, 0 FROM kpi_facts WHERE handled) x"""
    counts = {"missed": ("sum(missed)", "sum"), "offered_to": ("count(*)", "sum")}
    groups = rolled(by_day(offers, ("agent", "team", "tenant"), counts), counts)
    values = ["('missed_calls', g.missed::float8, g.missed::float8, NULL::float8, g.offered_to::int, "
              "NULL::float8, NULL::float8)"]
    return upsert(groups=groups, values=values)


# --- people: activity and schedule --------------------------------------------------------

# Intervals overlapping the range, split at local midnight (kpis.md: an interval crossing a
# period boundary is split at it; days are the smallest period, so days suffice).
_SPLIT = """
WITH b AS (
    SELECT x.agent_id, {columns}, greatest(x.start, %(lo)s) AS s, least(x."end", %(hi)s) AS e,
           (greatest(x.start, %(lo)s) AT TIME ZONE %(tz)s)::date AS d0,
           ((least(x."end", %(hi)s) - interval '1 microsecond') AT TIME ZONE %(tz)s)::date AS d1
      FROM {table} x
     WHERE tstzrange(x.start, x."end") && tstzrange(%(lo)s, %(hi)s)
)
SELECT agent_id, {plain}, d0 AS day, s AS ps, e AS pe FROM b WHERE d0 = d1
UNION ALL
-- the few that cross midnight: one piece per local day
SELECT b.agent_id, {plain}, g::date, greatest(b.s, g::date::timestamp AT TIME ZONE %(tz)s),
       least(b.e, (g::date + 1)::timestamp AT TIME ZONE %(tz)s)
  FROM b CROSS JOIN LATERAL generate_series(b.d0::timestamp, b.d1::timestamp, interval '1 day') g
 WHERE b.d0 <> b.d1
"""

ACTIVITY_PIECES = ("CREATE TEMP TABLE kpi_activity ON COMMIT DROP AS "
                   + _SPLIT.format(columns="x.state", plain="state", table="interactions_agentactivity"))
SCHEDULE_PIECES = ("CREATE TEMP TABLE kpi_schedule ON COMMIT DROP AS "
                   + _SPLIT.format(columns="x.activity", plain="activity", table="interactions_scheduleentry"))

# Adherence: the seconds of each scheduled piece during which the agent's actual state
# matched it; both sides are split by day, so the join is a hash join on (agent, day).
PEOPLE_GRAIN = """
CREATE TEMP TABLE kpi_people ON COMMIT DROP AS
WITH activity AS (
    SELECT agent_id, day,
           sum(extract(epoch FROM pe - ps)) FILTER (WHERE state IN ('on_contact', 'acw')) AS busy,
           sum(extract(epoch FROM pe - ps)) FILTER (WHERE state = 'ready') AS ready,
           sum(extract(epoch FROM pe - ps)) FILTER (WHERE state <> 'offline') AS logged_in,
           count(*) FILTER (WHERE state <> 'offline') AS activity_pieces
      FROM kpi_activity GROUP BY agent_id, day
), planned AS (
    SELECT agent_id, day,
           sum(extract(epoch FROM pe - ps)) FILTER (WHERE activity <> 'off') AS scheduled,
           sum(extract(epoch FROM pe - ps)) FILTER (WHERE activity NOT IN ('lunch', 'off')) AS paid,
           count(*) FILTER (WHERE activity <> 'off') AS schedule_pieces
      FROM kpi_schedule GROUP BY agent_id, day
), matched AS (
    SELECT s.agent_id, s.day, sum(extract(epoch FROM least(a.pe, s.pe) - greatest(a.ps, s.ps))) AS adherent
      FROM kpi_schedule s
      JOIN kpi_activity a ON a.agent_id = s.agent_id AND a.day = s.day
     WHERE s.activity <> 'off' AND a.ps < s.pe AND a.pe > s.ps
       AND CASE WHEN s.activity = 'work' THEN a.state IN ('ready', 'on_contact', 'acw')
                ELSE a.state = s.activity END
     GROUP BY s.agent_id, s.day
), schedule AS (
    SELECT p.*, m.adherent FROM planned p
      LEFT JOIN matched m ON m.agent_id = p.agent_id AND m.day = p.day
), contacts AS (
    SELECT key AS agent, day, handled, handle, cost, costed FROM kpi_daily WHERE scope = 'agent'
)
SELECT ag.acd_login AS agent, tm.name AS team, k.day,
       date_trunc('week', k.day)::date AS week, date_trunc('month', k.day)::date AS month,
       COALESCE(ac.busy, 0) AS busy, COALESCE(ac.ready, 0) AS ready,
       COALESCE(ac.logged_in, 0) AS logged_in, COALESCE(ac.activity_pieces, 0) AS activity_pieces,
       COALESCE(sc.scheduled, 0) AS scheduled, COALESCE(sc.paid, 0) AS paid,
       COALESCE(sc.adherent, 0) AS adherent, COALESCE(sc.schedule_pieces, 0) AS schedule_pieces,
       COALESCE(c.handled, 0) AS handled, COALESCE(c.handle, 0) AS handle,
       COALESCE(c.cost, 0) AS cost, COALESCE(c.costed, 0) AS costed
  FROM (SELECT agent_id, day FROM activity UNION SELECT agent_id, day FROM schedule
        UNION SELECT a.id, c.day FROM contacts c JOIN accounts_agent a ON a.acd_login = c.agent) k
  JOIN accounts_agent ag ON ag.id = k.agent_id
  LEFT JOIN accounts_team tm ON tm.id = ag.team_id
  LEFT JOIN activity ac ON ac.agent_id = k.agent_id AND ac.day = k.day
  LEFT JOIN schedule sc ON sc.agent_id = k.agent_id AND sc.day = k.day
  LEFT JOIN contacts c ON c.agent = ag.acd_login AND c.day = k.day
"""


def people() -> str:
    columns = "busy ready logged_in activity_pieces scheduled paid adherent schedule_pieces handled handle cost costed"
    sums = {c: (f"sum({c})", "sum") for c in columns.split()}
    groups = rolled(by_day("kpi_people", ("agent", "team", "tenant"), sums), sums)
    cost = ("CASE WHEN g.costed > 0 THEN g.cost ELSE g.paid / 3600.0 * %(cost_per_paid_hour)s "
            "+ g.handle / 60.0 * %(cost_per_contact_minute)s END")
    has_cost = "(g.costed > 0 OR %(cost_per_paid_hour)s > 0 OR %(cost_per_contact_minute)s > 0)"
    values = [
        "('calls_per_hour', g.handled::float8 / NULLIF(g.logged_in / 3600.0, 0), g.handled::float8, "
        "g.logged_in / 3600.0, CASE WHEN g.logged_in > 0 THEN g.activity_pieces ELSE 0 END::int, "
        "NULL::float8, NULL::float8)",
        ratio("occupancy", "g.busy", "g.busy + g.ready", "g.activity_pieces"),
        ratio("availability", "g.ready", "g.logged_in", "g.activity_pieces"),
        ratio("utilization", "g.handle", "g.paid", "g.schedule_pieces"),
        ratio("adherence", "g.adherent", "g.scheduled", "g.schedule_pieces"),
        f"('cost_per_call', ({cost})::float8 / NULLIF(g.handled, 0), ({cost})::float8, g.handled::float8, "
        f"CASE WHEN {has_cost} THEN g.handled ELSE 0 END::int, NULL::float8, NULL::float8)",
    ]
    return upsert(groups=groups, values=values)


# --- cases: resolution time and query age -------------------------------------------------

# A case whose first contact is more than this long before a period's end is left out of
# that period's query age: without a "closed" event, a case nobody resolved would stay
# open forever and every later period's age would grow with the history (a choice of ours;
# the spec is silent, see docs/kpis.md).
QUERY_AGE_LOOKBACK_DAYS = 90

# Cases with a contact in [lo - lookback, hi): their first contact (query age, scopes; the
# true first contact even when it is older, by an index probe), their last contact before
# hi, and whether that contact resolved the case.
CASES = """
CREATE TEMP TABLE kpi_cases ON COMMIT DROP AS
WITH touched AS (
    SELECT i.case_id,
           min(COALESCE(i.initiated_at, i.offered_at)) AS opened_at,
           (array_agg(i.id ORDER BY i.offered_at, i.id))[1] AS first_id,
           (array_agg(i.id ORDER BY i.offered_at DESC, i.id DESC))[1] AS last_id
      FROM interactions_interaction i
     WHERE i.case_id IS NOT NULL {exclusions}
       AND i.offered_at >= %(lo)s - make_interval(days => %(lookback_days)s) AND i.offered_at < %(hi)s
     GROUP BY i.case_id
)
SELECT t.case_id, least(t.opened_at, early.opened_at) AS opened_at, early.opened_at IS NOT NULL AS older,
       CASE WHEN l.resolved THEN COALESCE(l.ended_at, l.answered_at, l.offered_at) END AS resolved_at,
       ft.name AS first_team, fq.name AS first_queue, fit.name AS first_itype, f.channel AS first_channel,
       lt.name AS last_team, lq.name AS last_queue, lit.name AS last_itype, l.channel AS last_channel
  FROM touched t
  LEFT JOIN LATERAL (
      SELECT min(COALESCE(e.initiated_at, e.offered_at)) AS opened_at FROM interactions_interaction e
       WHERE e.case_id = t.case_id AND e.offered_at < %(lo)s - make_interval(days => %(lookback_days)s)
  ) early ON true
  JOIN interactions_interaction f ON f.id = t.first_id
  JOIN interactions_interaction l ON l.id = t.last_id
  LEFT JOIN accounts_agent fa ON fa.id = f.agent_id LEFT JOIN accounts_team ft ON ft.id = fa.team_id
  LEFT JOIN interactions_queue fq ON fq.id = f.queue_id
  LEFT JOIN interactions_interactiontype fit ON fit.id = f.interaction_type_id
  LEFT JOIN accounts_agent la ON la.id = l.agent_id LEFT JOIN accounts_team lt ON lt.id = la.team_id
  LEFT JOIN interactions_queue lq ON lq.id = l.queue_id
  LEFT JOIN interactions_interactiontype lit ON lit.id = l.interaction_type_id
"""

CASE_SCOPES = ("team", "queue", "interaction_type", "channel", "tenant")


def resolution_time() -> str:
    resolved = """(
        SELECT last_team AS team, last_queue AS queue, last_itype AS itype, last_channel AS channel,
               (resolved_at AT TIME ZONE %(tz)s)::date AS day,
               extract(epoch FROM resolved_at - opened_at)::float8 AS seconds
          FROM kpi_cases WHERE resolved_at >= %(lo)s AND resolved_at < %(hi)s) c"""
    sums = {"cases": ("count(*)", "sum"), "seconds": ("sum(seconds)", "sum"),
            "seconds_sq": ("sum(seconds ^ 2)", "sum")}
    groups = rolled(by_day(resolved, CASE_SCOPES, sums), sums)
    values = [ratio("avg_resolution_time", "g.seconds", "g.cases", pct=False, interval="mean",
                    squares="g.seconds_sq")]
    return upsert(groups=groups, values=values)


# Query age: at each period's end E (midnight, or now for a period not over yet) the open
# cases are those opened in [E - lookback, E) and not resolved by then. Per group and local
# day, a case adds +1 (and its opening time) on the day it opened and -1 on the day it was
# resolved or fell out of the lookback; a running sum over days then gives the count and
# the summed opening times of the open cases at any midnight, one index probe per period.
CASE_DAYS = """
CREATE TEMP TABLE kpi_case_days ON COMMIT DROP AS
WITH cases AS (
    SELECT first_team AS team, first_queue AS queue, first_itype AS itype, first_channel AS channel,
           (opened_at AT TIME ZONE %(tz)s)::date AS opened_day, extract(epoch FROM opened_at)::float8 AS opened,
           least((resolved_at AT TIME ZONE %(tz)s)::date,
                 (opened_at AT TIME ZONE %(tz)s)::date + %(lookback_days)s) AS closed_day
      FROM kpi_cases WHERE NOT older
), events AS (
    SELECT team, queue, itype, channel, opened_day AS day, 1 AS delta, opened FROM cases
    UNION ALL
    SELECT team, queue, itype, channel, closed_day, -1, -opened FROM cases
), days AS (
    SELECT CASE WHEN GROUPING(team) = 0 THEN 'team' WHEN GROUPING(queue) = 0 THEN 'queue'
                WHEN GROUPING(itype) = 0 THEN 'interaction_type' WHEN GROUPING(channel) = 0 THEN 'channel'
                ELSE 'tenant' END AS scope,
           COALESCE(CASE WHEN GROUPING(team) = 0 THEN team WHEN GROUPING(queue) = 0 THEN queue
                         WHEN GROUPING(itype) = 0 THEN itype WHEN GROUPING(channel) = 0 THEN channel
                         ELSE 'all' END, '') AS key,
           day, sum(delta) AS delta, sum(opened) AS opened
      FROM events
     GROUP BY GROUPING SETS ((team, day), (queue, day), (itype, day), (channel, day), (day))
)
SELECT scope, key, day,
       sum(delta) OVER w AS open_cases, sum(opened) OVER w AS opened_sum
  FROM days WHERE key <> ''
WINDOW w AS (PARTITION BY scope, key ORDER BY day)
"""

CASE_DAYS_INDEX = "CREATE INDEX ON kpi_case_days (scope, key, day)"


def query_age() -> str:
    groups = """
        SELECT k.scope, k.key, p.period, p.period_start, e.open_cases,
               extract(epoch FROM p.period_end)::float8 * e.open_cases - e.opened_sum AS age_sum
          FROM (SELECT DISTINCT scope, key FROM kpi_case_days) k
          CROSS JOIN (
              SELECT period, period_start,
                     least(%(now)s, ((period_start + step)::timestamp AT TIME ZONE %(tz)s)) AS period_end,
                     least((%(now)s AT TIME ZONE %(tz)s)::date + 1, (period_start + step)::date) AS end_day
                FROM (SELECT 'day' AS period, d::date AS period_start, interval '1 day' AS step
                        FROM generate_series(%(lo_day)s::timestamp, %(hi_day)s::timestamp - interval '1 day',
                                             interval '1 day') d
                      UNION ALL
                      SELECT 'week', d::date, interval '1 week'
                        FROM generate_series(date_trunc('week', %(lo_day)s::timestamp),
                                             %(hi_day)s::timestamp - interval '1 day', interval '1 week') d
                      UNION ALL
                      SELECT 'month', d::date, interval '1 month'
                        FROM generate_series(date_trunc('month', %(lo_day)s::timestamp),
                                             %(hi_day)s::timestamp - interval '1 day', interval '1 month') d) ps
               WHERE (period_start::timestamp AT TIME ZONE %(tz)s) < %(now)s
          ) p
          CROSS JOIN LATERAL (
              SELECT open_cases, opened_sum FROM kpi_case_days e
               WHERE e.scope = k.scope AND e.key = k.key AND e.day < p.end_day
               ORDER BY e.day DESC LIMIT 1
          ) e
         WHERE e.open_cases > 0"""
    values = ["('avg_query_age', g.age_sum / g.open_cases, g.age_sum, g.open_cases::float8, "
              "g.open_cases::int, NULL::float8, NULL::float8)"]
    return upsert(groups=groups, values=values)


# --- survey response rate and agent effort ------------------------------------------------

def response_rate() -> str:
    """Invitations answered / invitations sent, in the scopes and period of the contact."""
    invitations = """(
        SELECT f.*, r.id IS NOT NULL AS answered
          FROM surveys_surveyinvitation v JOIN kpi_facts f ON f.id = v.interaction_id
          LEFT JOIN surveys_surveyresponse r ON r.invitation_id = v.id) f"""
    sums = {"invited": ("count(*)", "sum"), "answered": ("count(*) FILTER (WHERE answered)", "sum")}
    groups = rolled(by_day(invitations, CONTACT_SCOPES, sums), sums)
    return upsert(groups=groups, values=[ratio("survey_response_rate", "g.answered", "g.invited",
                                               interval="wilson")])


# Agent effort is shown only for groups of at least ANONYMITY_MIN agents who answered in the
# period (surveys.models): a smaller group's mean would all but name its members, so the
# row is never written and no page, API or export can show it. Distinct respondents do not
# add up over days, so each period is counted from the answers themselves.
def effort() -> str:
    from surveys.models import ANONYMITY_MIN

    groups = """
        SELECT CASE WHEN GROUPING(team) = 0 THEN 'team' ELSE 'tenant' END AS scope,
               CASE WHEN GROUPING(team) = 0 THEN team ELSE 'all' END AS key,
               CASE WHEN GROUPING(day) = 0 THEN 'day' WHEN GROUPING(week) = 0 THEN 'week' ELSE 'month' END
                   AS period,
               COALESCE(day, week, month) AS period_start,
               count(DISTINCT agent_id) AS respondents, count(*)::float8 AS answers,
               sum(effort)::float8 AS effort, sum(effort::float8 ^ 2) AS effort_sq
          FROM (SELECT e.agent_id, e.effort, tm.name AS team,
                       (e.submitted_at AT TIME ZONE %(tz)s)::date AS day,
                       date_trunc('week', e.submitted_at AT TIME ZONE %(tz)s)::date AS week,
                       date_trunc('month', e.submitted_at AT TIME ZONE %(tz)s)::date AS month
                  FROM surveys_effortresponse e
                  JOIN accounts_agent a ON a.id = e.agent_id
                  LEFT JOIN accounts_team tm ON tm.id = a.team_id
                 WHERE e.submitted_at >= %(lo)s AND e.submitted_at < %(hi)s) x
         GROUP BY GROUPING SETS ((team, day), (team, week), (team, month), (day), (week), (month))"""
    answers = f"CASE WHEN g.respondents >= {ANONYMITY_MIN} THEN g.answers ELSE 0 END"
    return upsert(groups=groups, values=[ratio("aes", "g.effort", answers, "g.answers", pct=False,
                                               interval="mean", squares="g.effort_sq")])


# --- QA ---------------------------------------------------------------------------------

def qa() -> str:
    """Submitted evaluations (not drafts, not calibration) in the scopes and period of the
    contact they evaluate, as survey answers are."""
    evaluations = """(
        SELECT f.*, e.score_pct, e.compliance_failed
          FROM scorecards_qaevaluation e JOIN kpi_facts f ON f.id = e.interaction_id
         WHERE e.status <> 'draft' AND e.calibration_id IS NULL AND e.score_pct IS NOT NULL) f"""
    sums = {"evaluations": ("count(*)", "sum"), "score": ("sum(score_pct)", "sum"),
            "score_sq": ("sum(score_pct ^ 2)", "sum"),
            "compliant": ("count(*) FILTER (WHERE NOT compliance_failed)", "sum")}
    groups = rolled(by_day(evaluations, CONTACT_SCOPES, sums), sums)
    return upsert(groups=groups, values=[
        ratio("qa_score", "g.score", "g.evaluations", pct=False, interval="mean", squares="g.score_sq"),
        ratio("qa_compliance_rate", "g.compliant", "g.evaluations", interval="wilson"),
    ])
