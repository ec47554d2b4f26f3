"""Set-based SQL of the KPI engine: a few statements per KPI family, over all groups at once.

The engine (scorecards/engine.py) runs these inside one transaction. Parameters are named
(``%(tz)s``...; see engine._params): ``lo``/``hi`` (and the dates ``ch_lo``/``ch_hi``)
bound the local days that changed; ``lo_day``/``hi_day`` are those days widened to whole
weeks and months.

1. ``FACTS``: one row per interaction offered on a changed day, with its local day and hour,
   its scope keys and the per-interaction derivations of kpis.md (handled, offered, short
   abandon, wait, repeat, first contact, FCR...). Repeat and FCR look ``repeat_window_days``
   beyond both ends, so a contact imported today can flip an earlier contact's FCR.
2. ``store()``: per family (scorecards.families) the changed days' sums per (scope, key,
   day), GROUPING SETS over every scope, replace the stored ones. Every KPI of these
   families is a ratio of sums (or a max), so weeks and months are roll-ups of the stored
   day rows (``rolled``), never a second pass over interactions.
3. ``contacts()`` and its siblings: those rows unpivoted into one snapshot per KPI, into the
   temp table ``kpi_new``; ``SNAPSHOTS_WRITE`` then writes what changed. Cases (resolution
   time, query age) are in scorecards/queries_cases.py.

Scope keys are names (the ACD login, the team's name...), as the report and API show them.
"""

from __future__ import annotations

import re

from common.privacy import ANONYMITY_MIN

from .families import AGENT_TYPES, CONTACTS, MISSED, PEAK_HOUR, PEOPLE, QA, RESPONSES, SURVEYS, DayFamily

SCOPE_COLUMNS = {"agent": "agent", "team": "team", "queue": "queue",
                 "interaction_type": "itype", "channel": "channel"}


def by_day(source: str, scopes: tuple[str, ...], aggregates: dict[str, tuple[str, str]],
           extra: tuple[str, ...] = (), cast: str = "float8", agent_team: bool = False) -> str:
    """One row per (scope, key, local day[, extra]) with ``aggregates`` ({name: (SQL over the
    source's rows, how it rolls up: "sum" or "max")}). Every aggregate rolls up, so weeks and
    months come from these rows (``rolled``) instead of a second pass over the facts.

    ``agent_team``: the agent rows carry the agent's team too (a ``team`` column)."""
    columns = [SCOPE_COLUMNS[s] for s in scopes if s != "tenant"]
    tail = "".join(f", {e}" for e in extra)
    sets = [f"({c}, {'team, ' if agent_team and c == 'agent' else ''}day{tail})" for c in columns]
    sets += ["(day" + tail + ")"] if "tenant" in scopes else []
    tail += ", team" if agent_team else ""
    scope_case = " ".join(f"WHEN GROUPING({c}) = 0 THEN '{s}'" for s, c in zip(
        [s for s in scopes if s != "tenant"], columns, strict=True))
    key_case = " ".join(f"WHEN GROUPING({c}) = 0 THEN {c}::text" for c in columns)
    # float8 throughout: sums of integers are numeric, and numeric arithmetic in the
    # unpivot (a dozen expressions per group and KPI) costs several times float8's
    aggs = ", ".join(f"({expr})::{cast} AS {name}" for name, (expr, _) in aggregates.items())
    return f"""
        SELECT CASE {scope_case} ELSE 'tenant' END AS scope, CASE {key_case} ELSE 'all' END AS key,
               day{tail}, {aggs}
          FROM {source}
         GROUP BY GROUPING SETS ({", ".join(sets)})"""


def by_day_via_agents(source: str, scopes: tuple[str, ...], aggregates: dict[str, tuple[str, str]]) -> str:
    """``by_day`` for families with agent, team and tenant scopes, where a team's and the
    center's day are sums of their agents' days (with the contacts of no agent as one more
    "agent"): the millions of source rows are aggregated for four scopes instead of six."""
    direct = tuple(s for s in scopes if s not in ("team", "tenant"))
    # (agent, team) is one grouping set: an agent has one team
    inner = by_day(source, direct, aggregates, agent_team=True)
    rolls = ", ".join(f"{how}({name})::float8 AS {name}" for name, (_, how) in aggregates.items())
    plain = ", ".join(aggregates)
    return f"""
        WITH a AS ({inner})
        SELECT scope, key, day, {plain} FROM a
        UNION ALL SELECT 'team', team, day, {rolls} FROM a WHERE scope = 'agent' AND team IS NOT NULL GROUP BY team, day
        UNION ALL SELECT 'tenant', 'all', day, {rolls} FROM a WHERE scope = 'agent' GROUP BY day"""


def rolled(family: DayFamily, *, every_day: bool = False, stored: str | None = None) -> str:
    """The family's stored day rows (``stored``: other rows of that shape) of the changed days
    (or all, ``every_day``), plus their roll-up into the weeks (Monday) and months around them."""
    tail = "".join(f", {e}" for e in family.extra)
    plain = ", ".join(family.aggregates)
    rolls = ", ".join(f"{how}({name}) AS {name}" for name, (_, how) in family.aggregates.items())
    days = "" if every_day else "WHERE day >= %(ch_lo)s AND day < %(ch_hi)s"
    parts = [f"SELECT scope, key, 'day' AS period, day AS period_start{tail}, {plain} FROM d {days}"]
    for period in ("week", "month"):
        start = f"date_trunc('{period}', day::timestamp)::date"
        parts.append(f"SELECT scope, key, '{period}', {start}{tail}, {rolls} FROM d GROUP BY scope, key, {start}{tail}")
    stored = stored or f"SELECT * FROM {family.table}"
    if not every_day:
        stored += " WHERE day >= %(lo_day)s AND day < %(hi_day)s"
    return f"WITH d AS ({stored})\n" + "\nUNION ALL\n".join(parts)


def clear(table: str, everything: bool, where: str) -> str:
    """Empty a stored table (a full run: TRUNCATE, which leaves no dead rows behind; only the
    engine uses these tables, under its lock) or delete the changed days' rows."""
    return f"TRUNCATE {table}" if everything else f"DELETE FROM {table} WHERE {where}"


def store(family: DayFamily, source: str, *, everything: bool = False, via_agents: bool = False) -> list[str]:
    """Replace the family's stored day rows of the changed days (every row: ``everything``)
    with the sums of ``source`` (rows of those days only)."""
    columns = ", ".join(("scope", "key", "day", *family.extra, *family.aggregates))
    grouped = (by_day_via_agents(source, family.scopes, family.aggregates) if via_agents
               else by_day(source, family.scopes, family.aggregates, family.extra))
    return [clear(family.table, everything, "day >= %(ch_lo)s AND day < %(ch_hi)s"),
            f"INSERT INTO {family.table} ({columns}) SELECT * FROM "
            f"({grouped}) x WHERE key IS NOT NULL"]


# The periods a run writes: the changed days and every week and month that overlaps them.
CONTAINED = """
    ((g.period = 'day' AND g.period_start >= %(ch_lo)s AND g.period_start < %(ch_hi)s)
     OR (g.period = 'week' AND g.period_start > %(ch_lo)s - 7 AND g.period_start < %(ch_hi)s)
     OR (g.period = 'month' AND g.period_start >= date_trunc('month', %(ch_lo)s::timestamp)::date
         AND g.period_start < %(ch_hi)s))"""

# KPIs written for every period at each run (cheap: a few groups, from stored case sums),
# because a contact today can change a case opened months ago.
EVERY_PERIOD_KPIS = ("avg_resolution_time", "avg_query_age")

# Every family adds its rows to kpi_new; ``SNAPSHOTS_WRITE`` then writes them in one go.
NEW = """
CREATE TEMP TABLE kpi_new (
    kpi text, scope text, key text, period text, period_start date, value float8, numerator float8,
    denominator float8, n int, ci_low float8, ci_high float8, insufficient_data bool
) ON COMMIT DROP
"""

# One VALUES list per set of scopes that have the same KPIs (catalogue.Kpi.scopes): a KPI
# is never computed for a scope where it does not exist (operations KPIs have no agent
# scope, people KPIs exist for agent, team and tenant only).
UPSERT = """
INSERT INTO kpi_new
WITH g AS ({groups})
{parts}
"""

UPSERT_PART = """
SELECT v.kpi, g.scope, g.key, g.period, g.period_start, v.value, v.num, v.den, v.n, v.lo, v.hi,
       v.n < %(min_sample)s
FROM g
CROSS JOIN LATERAL (VALUES {values}) AS v(kpi, value, num, den, n, lo, hi)
WHERE g.key IS NOT NULL AND g.scope IN ({scopes}) AND v.n > 0 AND ({contained}) {extra}
"""

_KEY = ("kpi", "scope", "key", "period", "period_start")
_VALUES = ("value", "numerator", "denominator", "n", "ci_low", "ci_high", "insufficient_data")

# Rows of the range (of any period, in a full run) that this run did not produce (a group
# that lost its data, days whose contacts were deleted) go; rows
# whose numbers did not change are left alone, so a nightly recompute of unchanged data
# writes (and bloats) next to nothing. The difference is found first by one hash join of
# the new rows with the stored ones of the same periods (probing the unique index once per
# row cost a full recompute seconds), then only the differing rows are written, by id.
_EXCLUDED = ", ".join(f"EXCLUDED.{c}" for c in _VALUES)
_SAME_KEY = " AND ".join(f"s.{c} = n.{c}" for c in _KEY)
SNAPSHOTS_WRITE = [
    f"""CREATE TEMP TABLE kpi_diff ON COMMIT DROP AS
        SELECT s.id AS old_id, n.*
          FROM kpi_new n
          FULL JOIN (SELECT * FROM scorecards_kpisnapshot g
                      WHERE %(full)s OR g.kpi IN {EVERY_PERIOD_KPIS} OR {CONTAINED}) s
            ON {_SAME_KEY}
         WHERE s.id IS NULL OR n.kpi IS NULL
            OR ({", ".join(f"s.{c}" for c in _VALUES)}) IS DISTINCT FROM ({", ".join(f"n.{c}" for c in _VALUES)})""",
    "DELETE FROM scorecards_kpisnapshot t USING kpi_diff d WHERE d.kpi IS NULL AND t.id = d.old_id",
    f"""UPDATE scorecards_kpisnapshot t SET ({", ".join(_VALUES)}, computed_at) =
            ({", ".join(f"d.{c}" for c in _VALUES)}, %(now)s)
          FROM kpi_diff d WHERE d.kpi IS NOT NULL AND t.id = d.old_id""",
    # ON CONFLICT only as a guard: the tenant's advisory lock keeps other runs out
    f"""INSERT INTO scorecards_kpisnapshot AS t ({", ".join(_KEY + _VALUES)}, computed_at)
        SELECT {", ".join(_KEY + _VALUES)}, %(now)s FROM kpi_diff WHERE old_id IS NULL
        ON CONFLICT ({", ".join(_KEY)}) DO UPDATE SET
            ({", ".join(_VALUES)}, computed_at) = ({_EXCLUDED}, EXCLUDED.computed_at)""",
]


def upsert(*, groups: str, values: list[str], extra: str = "", every_period: bool = False) -> str:
    from .catalogue import ALL_SCOPES, KPIS

    codes = [re.match(r"\s*\('(\w+)'", v).group(1) for v in values]
    by_kpis: dict[tuple[str, ...], list[str]] = {}
    for scope in ALL_SCOPES:
        present = tuple(c for c in codes if scope in KPIS[c].scopes)
        if present:
            by_kpis.setdefault(present, []).append(scope)
    parts = [UPSERT_PART.format(values=",\n    ".join(v for v, c in zip(values, codes, strict=True) if c in present),
                                scopes=", ".join(f"'{s}'" for s in scopes),
                                contained="true" if every_period else CONTAINED, extra=extra)
             for present, scopes in by_kpis.items()]
    return UPSERT.format(groups=groups, parts="UNION ALL".join(parts))


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
    -- COLLATE "C": the same partitions (equality is bytewise either way), a far cheaper sort.
    -- local_at: the one time-zone conversion per contact (day, hour and quarter use it).
    SELECT i.id, i.case_id, i.missed_by, i.offered_at, i.initiated_at, i.answered_at, i.ended_at, i.agent_id,
           i.queue_id, i.interaction_type_id, i.channel, i.outcome, i.callback_requested,
           i.wait_seconds, i.handle_seconds, i.talk_seconds, i.hold_seconds, i.acw_seconds,
           i.transferred, i.resolved, i.cost, i.customer_id, i.offered_at AT TIME ZONE %(tz)s AS local_at,
           count(*) FILTER (WHERE i.outcome = 'answered') OVER (
               PARTITION BY i.customer_id COLLATE "C" ORDER BY i.offered_at
               RANGE BETWEEN make_interval(days => %(window_days)s) PRECEDING AND CURRENT ROW EXCLUDE GROUP
           ) AS before_n,
           count(*) FILTER (WHERE i.outcome = 'answered') OVER (
               PARTITION BY i.customer_id COLLATE "C" ORDER BY i.offered_at
               RANGE BETWEEN CURRENT ROW AND make_interval(days => %(window_days)s) FOLLOWING EXCLUDE GROUP
           ) AS after_n
      FROM interactions_interaction i
     WHERE i.offered_at >= %(lo)s - make_interval(days => %(window_days)s)
       AND i.offered_at < %(hi)s + make_interval(days => %(window_days)s)
       {exclusions}
)
SELECT b.id, b.case_id, b.missed_by, b.offered_at,
       b.local_at::date AS day, extract(hour FROM b.local_at)::int AS hour,
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
       b.cost,
       -- for cases (queries_cases.py): when the contact opened it, and when it resolved it
       COALESCE(b.initiated_at, b.offered_at) AS opened_at,
       CASE WHEN b.resolved THEN COALESCE(b.ended_at, b.answered_at, b.offered_at) END AS resolved_at
  FROM base b
  LEFT JOIN accounts_agent a ON a.id = b.agent_id
  LEFT JOIN accounts_team tm ON tm.id = a.team_id
  LEFT JOIN interactions_queue q ON q.id = b.queue_id
  LEFT JOIN interactions_interactiontype it ON it.id = b.interaction_type_id
  LEFT JOIN kpi_expected e ON e.itype_id = b.interaction_type_id
        AND e.quarter = date_trunc('quarter', b.local_at)::date
 WHERE b.offered_at >= %(lo)s AND b.offered_at < %(hi)s
"""

# --- 2. contacts per scope and day -------------------------------------------------------

def store_contacts(everything: bool) -> list[str]:
    return store(CONTACTS, "kpi_facts", everything=everything, via_agents=True)


def contacts() -> str:
    groups = rolled(CONTACTS)
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

def store_agent_types(everything: bool) -> list[str]:
    return store(AGENT_TYPES, "(SELECT * FROM kpi_facts WHERE handled AND itype IS NOT NULL) f",
                 everything=everything)


def store_surveys(everything: bool) -> list[str]:
    return store(SURVEYS, "surveys_surveyresponse r JOIN kpi_facts f ON f.id = r.interaction_id",
                 everything=everything)


def surveys() -> str:
    groups = rolled(SURVEYS)
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

def store_peak_hour(everything: bool) -> list[str]:
    return store(PEAK_HOUR, "(SELECT * FROM kpi_facts WHERE offered OR short_abandon OR blocked) f",
                 everything=everything)


def peak_hour() -> str:
    # Ties go to the earliest hour (kpis.md).
    groups = f"""
        SELECT DISTINCT ON (scope, key, period, period_start) scope, key, period, period_start, hour,
               arrivals, sum(arrivals) OVER (PARTITION BY scope, key, period, period_start) AS total
          FROM ({rolled(PEAK_HOUR)}) h
         ORDER BY scope, key, period, period_start, arrivals DESC, hour"""
    values = ["('peak_hour', g.hour::float8, g.arrivals::float8, NULL::float8, g.total::int, "
              "NULL::float8, NULL::float8)"]
    return upsert(groups=groups, values=values)


def store_missed(everything: bool) -> list[str]:
    """Contacts offered to an agent who missed them, and (from the stored contact sums) those
    she handled: agents who handled contacts but missed none get a 0, not a gap."""
    missed = """(
        SELECT m.login AS agent, tm.name AS team, f.day
          FROM kpi_facts f CROSS JOIN LATERAL unnest(f.missed_by) AS m(login)
          LEFT JOIN accounts_agent a ON a.acd_login = m.login
          LEFT JOIN accounts_team tm ON tm.id = a.team_id
         WHERE cardinality(f.missed_by) > 0) x"""
    scopes = ", ".join(f"'{s}'" for s in MISSED.scopes)
    return [clear(MISSED.table, everything, "day >= %(ch_lo)s AND day < %(ch_hi)s"), f"""
        INSERT INTO {MISSED.table} (scope, key, day, missed, offered_to)
        SELECT COALESCE(m.scope, c.scope), COALESCE(m.key, c.key), COALESCE(m.day, c.day),
               COALESCE(m.missed, 0), COALESCE(m.missed, 0) + COALESCE(c.handled, 0)
          FROM ({by_day(missed, MISSED.scopes, {"missed": ("count(*)", "sum")})}) m
          FULL JOIN (SELECT scope, key, day, handled FROM {CONTACTS.table}
                      WHERE scope IN ({scopes}) AND day >= %(ch_lo)s AND day < %(ch_hi)s) c
            ON c.scope = m.scope AND c.key = m.key AND c.day = m.day
         WHERE COALESCE(m.key, c.key) IS NOT NULL"""]


def missed() -> str:
    values = ["('missed_calls', g.missed::float8, g.missed::float8, NULL::float8, g.offered_to::int, "
              "NULL::float8, NULL::float8)"]
    return upsert(groups=rolled(MISSED), values=values)


# --- people: activity and schedule --------------------------------------------------------

# Intervals overlapping the range, split at local midnight (kpis.md: an interval crossing a
# period boundary is split at it; days are the smallest period, so days suffice).
_SPLIT = """
SELECT agent_id, {plain}, day, ps, pe, date_part('epoch', pe - ps) AS secs
  FROM (
  SELECT agent_id, {plain}, day,
         CASE WHEN day = d0 THEN s ELSE day::timestamp AT TIME ZONE %(tz)s END AS ps,
         CASE WHEN day = d1 THEN e ELSE (day + 1)::timestamp AT TIME ZONE %(tz)s END AS pe
  FROM (
    -- one row per local day the interval touches (nearly always one)
    SELECT agent_id, {plain}, s, e, d0, d1, generate_series(d0::timestamp, d1::timestamp, interval '1 day')::date AS day
      FROM (SELECT x.agent_id, {columns}, greatest(x.start, %(lo)s) AS s, least(x."end", %(hi)s) AS e,
                   (greatest(x.start, %(lo)s) AT TIME ZONE %(tz)s)::date AS d0,
                   ((least(x."end", %(hi)s) - interval '1 microsecond') AT TIME ZONE %(tz)s)::date AS d1
              FROM {table} x
             WHERE {overlap}
            OFFSET 0) b  -- OFFSET 0: compute d0 and d1 once per row, not once per use
  ) p
  ) q
"""

# A few changed days find their intervals through the GiST index on the range; every day
# (a full run) is a plain scan, where building a range per row only costs.
_OVERLAP_INDEXED = 'tstzrange(x.start, x."end") && tstzrange(%(lo)s, %(hi)s)'
_OVERLAP_SCAN = 'x.start < %(hi)s AND x."end" > %(lo)s AND x."end" > x.start'


def pieces(everything: bool) -> list[str]:
    """Activity and schedule intervals of the changed days, split at local midnight. An
    activity's ``kind`` is the scheduled activity it adheres to (ready, on a contact and
    wrap-up are all "work")."""
    overlap = _OVERLAP_SCAN if everything else _OVERLAP_INDEXED
    kind = "CASE WHEN x.state IN ('ready', 'on_contact', 'acw') THEN 'work' ELSE x.state END AS kind"
    return ["CREATE TEMP TABLE kpi_activity ON COMMIT DROP AS " + _SPLIT.format(
                columns=f"x.state, {kind}", plain="state, kind", table="interactions_agentactivity",
                overlap=overlap),
            "CREATE TEMP TABLE kpi_schedule ON COMMIT DROP AS " + _SPLIT.format(
                columns="x.activity", plain="activity", table="interactions_scheduleentry", overlap=overlap)]


# Adherence: the seconds of each scheduled piece during which the agent's actual state
# matched it; both sides are split by day, so the join is a hash join on (agent, day, the
# activity scheduled). Seconds are float8 (date_part): numeric sums of millions of pieces
# cost seconds and change nothing at the precision shown.
PEOPLE_GRAIN = """
CREATE TEMP TABLE kpi_people ON COMMIT DROP AS
WITH activity AS (
    SELECT agent_id, day,
           sum(secs) FILTER (WHERE state IN ('on_contact', 'acw')) AS busy,
           sum(secs) FILTER (WHERE state = 'ready') AS ready,
           sum(secs) FILTER (WHERE state <> 'offline') AS logged_in,
           count(*) FILTER (WHERE state <> 'offline') AS activity_pieces
      FROM kpi_activity GROUP BY agent_id, day
), planned AS (
    SELECT agent_id, day,
           sum(secs) FILTER (WHERE activity <> 'off') AS scheduled,
           sum(secs) FILTER (WHERE activity NOT IN ('lunch', 'off')) AS paid,
           count(*) FILTER (WHERE activity <> 'off') AS schedule_pieces
      FROM kpi_schedule GROUP BY agent_id, day
), matched AS (
    SELECT s.agent_id, s.day, sum(date_part('epoch', least(a.pe, s.pe) - greatest(a.ps, s.ps))) AS adherent
      FROM kpi_schedule s
      JOIN kpi_activity a ON a.agent_id = s.agent_id AND a.day = s.day AND a.kind = s.activity
     WHERE s.activity <> 'off' AND a.ps < s.pe AND a.pe > s.ps
     GROUP BY s.agent_id, s.day
), schedule AS (
    SELECT p.*, m.adherent FROM planned p
      LEFT JOIN matched m ON m.agent_id = p.agent_id AND m.day = p.day
), contacts AS (
    SELECT key AS agent, day, handled, handle, cost, costed FROM scorecards_kpiday_contacts
     WHERE scope = 'agent' AND day >= %(ch_lo)s AND day < %(ch_hi)s
)
SELECT ag.acd_login AS agent, tm.name AS team, k.day,
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


def store_people(everything: bool) -> list[str]:
    return store(PEOPLE, "kpi_people", everything=everything)


def people() -> str:
    groups = rolled(PEOPLE)
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


# --- survey response rate and agent effort ------------------------------------------------

def store_responses(everything: bool) -> list[str]:
    """Invitations answered / invitations sent, in the scopes and period of the contact."""
    invitations = """(
        SELECT f.*, r.id IS NOT NULL AS answered
          FROM surveys_surveyinvitation v JOIN kpi_facts f ON f.id = v.interaction_id
          LEFT JOIN surveys_surveyresponse r ON r.invitation_id = v.id) f"""
    return store(RESPONSES, invitations, everything=everything)


def response_rate() -> str:
    return upsert(groups=rolled(RESPONSES), values=[ratio("survey_response_rate", "g.answered", "g.invited",
                                                          interval="wilson")])


# Agent effort is shown only for groups of at least ANONYMITY_MIN agents who answered in the
# period (surveys.models): a smaller group's mean would all but name its members, so the
# row is never written and no page, API or export can show it. Distinct respondents do not
# add up over days, so each period is counted from the answers themselves.
def effort() -> str:
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
                 WHERE e.submitted_at >= %(roll_lo)s AND e.submitted_at < %(roll_hi)s) x
         GROUP BY GROUPING SETS ((team, day), (team, week), (team, month), (day), (week), (month))"""
    answers = f"CASE WHEN g.respondents >= {ANONYMITY_MIN} THEN g.answers ELSE 0 END"
    return upsert(groups=groups, values=[ratio("aes", "g.effort", answers, "g.answers", pct=False,
                                               interval="mean", squares="g.effort_sq")])


# --- QA ---------------------------------------------------------------------------------

def store_qa(everything: bool) -> list[str]:
    """Submitted evaluations (not drafts, not calibration) in the scopes and period of the
    contact they evaluate, as survey answers are."""
    evaluations = """(
        SELECT f.*, e.score_pct, e.compliance_failed
          FROM scorecards_qaevaluation e JOIN kpi_facts f ON f.id = e.interaction_id
         WHERE e.status <> 'draft' AND e.calibration_id IS NULL AND e.score_pct IS NOT NULL) f"""
    return store(QA, evaluations, everything=everything)


def qa() -> str:
    return upsert(groups=rolled(QA), values=[
        ratio("qa_score", "g.score", "g.evaluations", pct=False, interval="mean", squares="g.score_sq"),
        ratio("qa_compliance_rate", "g.compliant", "g.evaluations", interval="wilson"),
    ])
