"""SQL of the case KPIs: avg_resolution_time and avg_query_age (the shared shape: queries.py).

A case is as old as its first contact and as resolved as its last one, however long ago
they were, so the engine keeps one row per case (scorecards_kpicase) and, per group and
local day, what each case adds (scorecards_kpicaseday): +1 open case (and its opening time)
on the day it opened, -1 on the day it was resolved or left the query-age lookback, and a
resolved case with its duration on the day it was resolved. A run rebuilds only the cases
with a contact on a changed day, takes their old contribution away and adds the new one;
the KPIs of every period are then a running sum over a few thousand day rows.
"""

from __future__ import annotations

from .counting import counted_sql
from .families import DayFamily
from .queries import CASE_PERIODS, by_day, ratio, rolled, upsert
from .sql import KpiValues, Statement, TempTable

# A case whose first contact is more than this long before a period's end is left out of
# that period's query age: without a "closed" event, a case nobody resolved would stay
# open forever and every later period's age would grow with the history (a choice of ours;
# the spec is silent, see docs/kpis.md).
QUERY_AGE_LOOKBACK_DAYS = 90

CASE_SCOPES = ("team", "queue", "interaction_type", "channel", "tenant")
CASE_COLUMNS = (
    "case_id, opened_at, opened_day, closed_day, resolved_at, resolved_day, first_team, "
    "first_queue, first_itype, first_channel, last_team, last_queue, last_itype, last_channel"
)

# The contacts of the cases touched by the changed days, whenever they were, with what the
# case summary needs (the names as kpi_facts has them).
TOUCHED_CONTACTS = """(
    SELECT i.id, i.case_id, i.offered_at, COALESCE(i.initiated_at, i.offered_at) AS opened_at,
           CASE WHEN i.resolved THEN COALESCE(i.ended_at, i.answered_at, i.offered_at) END AS resolved_at,
           tm.name AS team, q.name AS queue, it.name AS itype, i.channel
      FROM {contacts} i
      LEFT JOIN accounts_agent a ON a.id = i.agent_id
      LEFT JOIN accounts_team tm ON tm.id = a.team_id
      LEFT JOIN interactions_queue q ON q.id = i.queue_id
      LEFT JOIN interactions_interactiontype it ON it.id = i.interaction_type_id)"""
# A few thousand cases (after an import): one probe of the case index each (LATERAL keeps
# the planner to it); more (a month of days): one pass over the contacts.
FEW_CASES = 20_000
_PROBED = (
    "(SELECT i.* FROM kpi_touched t CROSS JOIN LATERAL (SELECT * FROM interactions_interaction i "
    "WHERE i.case_id = t.case_id AND {counted}) i)"
)
_SCANNED = (
    "(SELECT * FROM interactions_interaction i WHERE i.case_id IN (SELECT case_id FROM kpi_touched) AND {counted})"
)

# The cases of every contact of the changed days (excluded ones too: their case must be
# rebuilt without them), or, when the caller knows (an import), of the contacts written
# since it began: the only cases that can have changed.
TOUCHED = """
SELECT DISTINCT case_id FROM interactions_interaction
 WHERE case_id IS NOT NULL AND {changed}
"""
CHANGED_DAYS = "offered_at >= %(lo)s AND offered_at < %(hi)s"
CHANGED_ROWS = "updated_at >= %(changed_since)s"

# One sort by (case, time): the first contact gives the scopes of query age, the last one
# those of resolution time and whether (and when) the case was resolved.
CASE_NEW = """
WITH ordered AS (
    -- COLLATE "C": bytewise, as case ids are compared anyway, and a far cheaper sort
    -- one window pass: the first contact is the case's 1st row, the last has no next one
    SELECT c.*, row_number() OVER w = 1 AS first, lead(id) OVER w IS NULL AS last
      FROM {source} c
    WINDOW w AS (PARTITION BY case_id COLLATE "C" ORDER BY offered_at, id)
), cases AS (
    -- opened when its first contact (by offered_at, as for its scopes) was initiated (kpis.md):
    -- not the earliest initiation of any of its contacts, which a later contact can precede
    SELECT case_id COLLATE "C" AS case_id, max(opened_at) FILTER (WHERE first) AS opened_at,
           max(resolved_at) FILTER (WHERE last) AS resolved_at,
           max(team) FILTER (WHERE first) AS first_team, max(queue) FILTER (WHERE first) AS first_queue,
           max(itype) FILTER (WHERE first) AS first_itype, max(channel) FILTER (WHERE first) AS first_channel,
           max(team) FILTER (WHERE last) AS last_team,
           max(queue) FILTER (WHERE last) AS last_queue,
           max(itype) FILTER (WHERE last) AS last_itype,
           max(channel) FILTER (WHERE last) AS last_channel
      FROM ordered GROUP BY case_id COLLATE "C"
)
SELECT case_id, opened_at, opened_day, least(resolved_day, opened_day + %(lookback_days)s) AS closed_day,
       resolved_at, resolved_day,
       first_team, first_queue, first_itype, first_channel, last_team, last_queue, last_itype, last_channel,
       {seconds}
  FROM (SELECT *, (opened_at AT TIME ZONE %(tz)s)::date AS opened_day,
               (resolved_at AT TIME ZONE %(tz)s)::date AS resolved_day
          FROM cases OFFSET 0) c  -- OFFSET 0: each time-zone conversion once per case
"""

# Seconds (numeric, exact) for the day sums: the opening time, and how long it took to resolve.
_SECONDS = "extract(epoch FROM opened_at) AS opened, extract(epoch FROM resolved_at - opened_at) AS took"

CASE_OLD = TempTable(
    "kpi_case_old",
    f"""
WITH gone AS (DELETE FROM scorecards_kpicase c WHERE c.case_id = ANY (ARRAY(SELECT case_id FROM kpi_touched))
              RETURNING c.*)
SELECT {CASE_COLUMNS}, {_SECONDS} FROM gone
""",
)

CASE_STORE = f"INSERT INTO scorecards_kpicase ({CASE_COLUMNS}) SELECT {CASE_COLUMNS} FROM kpi_case_new"

_DAY_SUMS = {
    name: (f"sum({name})", "sum") for name in ("open_delta", "opened_sum", "resolved", "seconds", "seconds_sq")
}

# The new rows count +1, the rows they replace -1 (numeric: exact however often it runs).
# A case adds to three days (opened, closed, resolved): each is summed straight from the
# case rows per finest group and day, so that the grouping sets run over a few thousand
# rows, not millions.
_CASES = "(SELECT 1 AS sign, * FROM kpi_case_new UNION ALL SELECT -1, * FROM kpi_case_old) c"
_FIRST = "first_team, first_queue, first_itype, first_channel"
_LAST = "last_team, last_queue, last_itype, last_channel"
_EVENTS = f"""(
    SELECT team, queue, itype, channel, day, sum(open_delta) AS open_delta, sum(opened_sum) AS opened_sum,
           sum(resolved) AS resolved, sum(seconds) AS seconds, sum(seconds_sq) AS seconds_sq
      FROM (SELECT {_FIRST}, opened_day, sign * count(*), sign * sum(opened), 0, 0, 0
              FROM {_CASES} GROUP BY sign, {_FIRST}, opened_day
            UNION ALL
            SELECT {_FIRST}, closed_day, -sign * count(*), -sign * sum(opened), 0, 0, 0
              FROM {_CASES} GROUP BY sign, {_FIRST}, closed_day
            UNION ALL
            SELECT {_LAST}, resolved_day, 0, 0, sign * count(*), sign * sum(took), sign * sum(took * took)
              FROM {_CASES} WHERE resolved_day IS NOT NULL GROUP BY sign, {_LAST}, resolved_day
      ) x(team, queue, itype, channel, day, open_delta, opened_sum, resolved, seconds, seconds_sq)
     GROUP BY team, queue, itype, channel, day
) e"""

CASE_DAYS_ADD = f"""
INSERT INTO scorecards_kpicaseday AS t (scope, key, day, open_delta, opened_sum, resolved, seconds, seconds_sq)
SELECT * FROM ({by_day(_EVENTS, CASE_SCOPES, _DAY_SUMS, cast="numeric")}) x WHERE key IS NOT NULL
ON CONFLICT (scope, key, day) DO UPDATE SET
    open_delta = t.open_delta + EXCLUDED.open_delta, opened_sum = t.opened_sum + EXCLUDED.opened_sum,
    resolved = t.resolved + EXCLUDED.resolved, seconds = t.seconds + EXCLUDED.seconds,
    seconds_sq = t.seconds_sq + EXCLUDED.seconds_sq
"""

CASE_DAYS_TIDY = """DELETE FROM scorecards_kpicaseday
 WHERE open_delta = 0 AND opened_sum = 0 AND resolved = 0 AND seconds = 0 AND seconds_sq = 0"""


# The first day whose case sums this run changes: the cases rebuilt add to (and the rows they
# replace took from) their opening, closing and resolution days.
FIRST_CHANGED_DAY = """
SELECT min(least(opened_day, closed_day, resolved_day)) FROM (
    SELECT opened_day, closed_day, resolved_day FROM kpi_case_new
    UNION ALL SELECT opened_day, closed_day, resolved_day FROM kpi_case_old) c"""


def touched(*, by_update: bool) -> TempTable:
    """The cases touched by the changed days (``by_update``: by the contacts written since
    ``changed_since``), into kpi_touched."""
    return TempTable("kpi_touched", TOUCHED.format(changed=CHANGED_ROWS if by_update else CHANGED_DAYS))


def case_statements(*, everything: bool, touched: int = 0) -> list[Statement]:
    """Bring the stored cases and their day sums up to date: every case from kpi_facts
    (``everything``: kpi_facts then holds every contact), else the ``touched`` cases in
    kpi_touched, from all their contacts."""
    if everything:
        source = (
            "(SELECT id, case_id, offered_at, opened_at, resolved_at, team, queue, itype, channel "
            "FROM kpi_facts WHERE case_id IS NOT NULL)"
        )
        return [
            "TRUNCATE scorecards_kpicase, scorecards_kpicaseday",
            TempTable("kpi_case_new", CASE_NEW.format(source=source, seconds=_SECONDS)),
            # nothing to take away: every case is new
            TempTable("kpi_case_old", "SELECT * FROM kpi_case_new LIMIT 0"),
            CASE_STORE,
            CASE_DAYS_ADD,
            CASE_DAYS_TIDY,
        ]
    # A case's contacts are read here, whenever they were, not from kpi_facts (where the rule
    # was applied already): those left out must not open, resolve or route a case either.
    contacts = (_PROBED if touched <= FEW_CASES else _SCANNED).format(counted=counted_sql("i"))
    return [
        TempTable("kpi_case_new", CASE_NEW.format(source=TOUCHED_CONTACTS.format(contacts=contacts), seconds=_SECONDS)),
        CASE_OLD,
        CASE_STORE,
        CASE_DAYS_ADD,
        CASE_DAYS_TIDY,
    ]


# The resolved cases' sums, shaped as a day family to roll up like the others.
RESOLVED = DayFamily("resolved", CASE_SCOPES, {"cases": ("", "sum"), "seconds": ("", "sum"), "seconds_sq": ("", "sum")})


def resolution_time() -> str:
    groups = rolled(
        RESOLVED,
        every_day=True,
        stored=(
            "SELECT scope, key, day, resolved::float8 AS cases, seconds::float8 AS seconds, "
            "seconds_sq::float8 AS seconds_sq FROM scorecards_kpicaseday WHERE resolved <> 0 "
            # every day of the weeks and months that CASE_PERIODS keeps
            "AND (%(case_lo)s::date IS NULL OR day >= least(date_trunc('week', %(case_lo)s::timestamp), "
            "date_trunc('month', %(case_lo)s::timestamp))::date)"
        ),
    )
    values = [ratio("avg_resolution_time", "g.seconds", "g.cases", pct=False, interval="mean", squares="g.seconds_sq")]
    return upsert(groups=groups, values=values, every_period=True)


# Open cases and the sum of their opening times at every local midnight, per group.
CASE_DAYS = TempTable(
    "kpi_case_days",
    """
SELECT scope, key, day, sum(open_delta) OVER w AS open_cases, sum(opened_sum) OVER w AS opened_sum
  FROM scorecards_kpicaseday
WINDOW w AS (PARTITION BY scope, key ORDER BY day)
""",
)

CASE_DAYS_INDEX = "CREATE INDEX ON kpi_case_days (scope, key, day)"


def query_age() -> str:
    """At each period's end E (midnight, or now for a period not over yet) the open cases are
    those opened in [E - lookback, E) and not resolved by then: the running sums of the last
    day before E, for every period from the first case to the last day a case is open (at
    most the lookback after the last case was opened) or today, whichever is earlier."""
    groups = f"""
        SELECT k.scope, k.key, p.period, p.period_start, e.open_cases,
               (extract(epoch FROM p.period_end) * e.open_cases - e.opened_sum)::float8 AS age_sum
          FROM (SELECT DISTINCT scope, key FROM kpi_case_days) k
          CROSS JOIN (
              SELECT period, period_start,
                     least(%(now)s, ((period_start + step)::timestamp AT TIME ZONE %(tz)s)) AS period_end,
                     least((%(now)s AT TIME ZONE %(tz)s)::date + 1, (period_start + step)::date) AS end_day
                FROM (SELECT min(day)::timestamp AS first,
                             least(max(day), (%(now)s AT TIME ZONE %(tz)s)::date)::timestamp AS last
                        FROM kpi_case_days) f
               CROSS JOIN LATERAL (
                      SELECT 'day' AS period, d::date AS period_start, interval '1 day' AS step
                        FROM generate_series(f.first, f.last, interval '1 day') d
                      UNION ALL
                      SELECT 'week', d::date, interval '1 week'
                        FROM generate_series(date_trunc('week', f.first), f.last,
                                             interval '1 week') d
                      UNION ALL
                      SELECT 'month', d::date, interval '1 month'
                        FROM generate_series(date_trunc('month', f.first), f.last,
                                             interval '1 month') d) ps
               WHERE (period_start::timestamp AT TIME ZONE %(tz)s) < %(now)s
                 AND {CASE_PERIODS.replace("g.", "ps.")}
          ) p
          CROSS JOIN LATERAL (
              SELECT open_cases, opened_sum FROM kpi_case_days e
               WHERE e.scope = k.scope AND e.key = k.key AND e.day < p.end_day
               ORDER BY e.day DESC LIMIT 1
          ) e
         WHERE e.open_cases > 0"""
    values = [
        KpiValues(
            "avg_query_age",
            value="g.age_sum / g.open_cases",
            numerator="g.age_sum",
            denominator="g.open_cases::float8",
            n="g.open_cases::int",
        )
    ]
    return upsert(groups=groups, values=values, every_period=True)
