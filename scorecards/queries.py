"""Set-based SQL of the KPI engine: the shape every family shares, over all groups at once.

The engine (scorecards/engine.py) runs the statements inside one transaction. Parameters are
named (``%(tz)s``...; see engine._params): ``lo``/``hi`` (and the dates ``ch_lo``/``ch_hi``)
bound the local days that changed; ``lo_day``/``hi_day`` are those days widened to whole
weeks and months.

1. ``facts()`` (queries_facts.py): one row per contact that counts offered on a changed day,
   with its local day and hour, its scope keys and the per-interaction derivations of kpis.md.
2. ``store()``: per family (scorecards.families) the changed days' sums per (scope, key,
   day), GROUPING SETS over every scope, replace the stored ones. Every KPI of these
   families is a ratio of sums (or a max), so weeks and months are roll-ups of the stored
   day rows (``rolled``), never a second pass over interactions.
3. ``upsert()``: those rows unpivoted into one snapshot per KPI (a ``KpiValues`` each), into
   the temp table ``kpi_new``; ``SNAPSHOTS_WRITE`` then writes what changed.

The families, one module each: queries_contacts.py (contacts, agent types, peak hour, missed
contacts), queries_people.py (activity and schedule), queries_surveys.py (surveys, response
rate, agent effort), queries_qa.py, queries_cases.py (resolution time, query age).

Scope keys are names (the ACD login, the team's name...), as the report and API show them.
"""

from __future__ import annotations

from .families import DayFamily
from .sql import NULL, KpiValues, Statement, TempTable

SCOPE_COLUMNS = {"agent": "agent", "team": "team", "queue": "queue", "interaction_type": "itype", "channel": "channel"}


def by_day(
    source: str,
    scopes: tuple[str, ...],
    aggregates: dict[str, tuple[str, str]],
    extra: tuple[str, ...] = (),
    cast: str = "float8",
    agent_team: bool = False,
) -> str:
    """One row per (scope, key, local day[, extra]) with ``aggregates`` ({name: (SQL over the
    source's rows, how it rolls up: "sum" or "max")}). Every aggregate rolls up, so weeks and
    months come from these rows (``rolled``) instead of a second pass over the facts.

    ``agent_team``: the agent rows carry the agent's team too (a ``team`` column)."""
    columns = [SCOPE_COLUMNS[s] for s in scopes if s != "tenant"]
    tail = "".join(f", {e}" for e in extra)
    sets = [f"({c}, {'team, ' if agent_team and c == 'agent' else ''}day{tail})" for c in columns]
    sets += ["(day" + tail + ")"] if "tenant" in scopes else []
    tail += ", team" if agent_team else ""
    scope_case = " ".join(
        f"WHEN GROUPING({c}) = 0 THEN '{s}'" for s, c in zip([s for s in scopes if s != "tenant"], columns, strict=True)
    )
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
    grouped = (
        by_day_via_agents(source, family.scopes, family.aggregates)
        if via_agents
        else by_day(source, family.scopes, family.aggregates, family.extra)
    )
    return [
        clear(family.table, everything, "day >= %(ch_lo)s AND day < %(ch_hi)s"),
        f"INSERT INTO {family.table} ({columns}) SELECT * FROM ({grouped}) x WHERE key IS NOT NULL",
    ]


# The periods a run writes: the changed days and every week and month that overlaps them.
CONTAINED = """
    ((g.period = 'day' AND g.period_start >= %(ch_lo)s AND g.period_start < %(ch_hi)s)
     OR (g.period = 'week' AND g.period_start > %(ch_lo)s - 7 AND g.period_start < %(ch_hi)s)
     OR (g.period = 'month' AND g.period_start >= date_trunc('month', %(ch_lo)s::timestamp)::date
         AND g.period_start < %(ch_hi)s))"""

# KPIs written for every period from %(case_lo)s on (a few groups, from stored case sums):
# a contact today can change a case opened months ago, and query age is a running sum that
# moves on every later day. case_lo (engine._case_lo) is the first day whose case sums this
# run changed, or the day of the last run (its periods not over then are refreshed), or the
# changed days, whichever is earliest; NULL in a full run: every period.
EVERY_PERIOD_KPIS = ("avg_resolution_time", "avg_query_age")
CASE_PERIODS = """
    (%(case_lo)s::date IS NULL
     OR (g.period = 'day' AND g.period_start >= %(case_lo)s)
     OR (g.period = 'week' AND g.period_start > %(case_lo)s::date - 7)
     OR (g.period = 'month' AND g.period_start >= date_trunc('month', %(case_lo)s::timestamp)::date))"""

# Every family adds its rows to kpi_new; ``SNAPSHOTS_WRITE`` then writes them in one go.
NEW = TempTable(
    "kpi_new",
    columns="""
    kpi text, scope text, key text, period text, period_start date, value float8, numerator float8,
    denominator float8, n int, ci_low float8, ci_high float8, insufficient_data bool
""",
)

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
DIFF = TempTable(
    "kpi_diff",
    f"""
        SELECT s.id AS old_id, n.*
          FROM kpi_new n
          FULL JOIN (SELECT * FROM scorecards_kpisnapshot g
                      WHERE %(full)s OR {CONTAINED} OR (g.kpi IN {EVERY_PERIOD_KPIS} AND {CASE_PERIODS})) s
            ON {_SAME_KEY}
         WHERE s.id IS NULL OR n.kpi IS NULL
            OR ({", ".join(f"s.{c}" for c in _VALUES)}) IS DISTINCT FROM ({", ".join(f"n.{c}" for c in _VALUES)})""",
)
SNAPSHOTS_WRITE: list[Statement] = [
    DIFF,
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


def upsert(*, groups: str, values: list[KpiValues], extra: str = "", every_period: bool = False) -> str:
    from .catalogue import ALL_SCOPES, KPIS

    by_kpis: dict[tuple[str, ...], list[str]] = {}
    for scope in ALL_SCOPES:
        present = tuple(v.code for v in values if scope in KPIS[v.code].scopes)
        if present:
            by_kpis.setdefault(present, []).append(scope)
    parts = [
        UPSERT_PART.format(
            values=",\n    ".join(v.sql() for v in values if v.code in present),
            scopes=", ".join(f"'{s}'" for s in scopes),
            contained=CASE_PERIODS if every_period else CONTAINED,
            extra=extra,
        )
        for present, scopes in by_kpis.items()
    ]
    return UPSERT.format(groups=groups, parts="UNION ALL".join(parts))


def ratio(
    kpi: str,
    num: str,
    den: str,
    n: str | None = None,
    *,
    pct: bool = True,
    interval: str = "none",
    squares: str | None = None,
) -> KpiValues:
    """A KPI that is ``num`` / ``den`` (× 100 when ``pct``).

    interval: "wilson" (proportions), "mean" (needs ``squares``: Σx² of the numerator's
    items, n = their count) or "none".
    """
    # n is 0 (the row is left out) when the denominator is: no data, not a zero
    n = f"CASE WHEN ({den}) > 0 THEN {n or den} ELSE 0 END"
    scale = " * 100" if pct else ""
    value = f"({num})::float8 / NULLIF({den}, 0){scale}"
    if interval == "wilson":
        ci = (f"cw_wilson_low({num}, {den})", f"cw_wilson_high({num}, {den})")
    elif interval == "mean":
        ci = (f"cw_mean_low({num}, {squares}, {n})", f"cw_mean_high({num}, {squares}, {n})")
    else:
        ci = (NULL, NULL)
    return KpiValues(kpi, value, f"({num})::float8", f"({den})::float8", f"({n})::int", *ci)
