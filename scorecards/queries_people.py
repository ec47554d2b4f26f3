"""The people family of the KPI engine (calls_per_hour, occupancy, availability, utilization,
adherence and cost per contact for agents, teams and the center): agent activity and schedule
split at local midnight, one row per agent and day (``kpi_people``), with the handled contacts
from the stored contact sums. The shared shape (store, rolled, upsert) is in queries.py.
"""

from __future__ import annotations

from .families import PEOPLE
from .queries import ratio, rolled, store, upsert
from .sql import KpiValues, TempTable

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


def pieces(everything: bool) -> list[TempTable]:
    """Activity and schedule intervals of the changed days, split at local midnight. An
    activity's ``kind`` is the scheduled activity it adheres to (ready, on a contact and
    wrap-up are all "work")."""
    overlap = _OVERLAP_SCAN if everything else _OVERLAP_INDEXED
    kind = "CASE WHEN x.state IN ('ready', 'on_contact', 'acw') THEN 'work' ELSE x.state END AS kind"
    return [
        TempTable(
            "kpi_activity",
            _SPLIT.format(
                columns=f"x.state, {kind}", plain="state, kind", table="interactions_agentactivity", overlap=overlap
            ),
        ),
        TempTable(
            "kpi_schedule",
            _SPLIT.format(columns="x.activity", plain="activity", table="interactions_scheduleentry", overlap=overlap),
        ),
    ]


# Adherence: the seconds of each scheduled piece during which the agent's actual state
# matched it; both sides are split by day, so the join is a hash join on (agent, day, the
# activity scheduled). Seconds are float8 (date_part): numeric sums of millions of pieces
# cost seconds and change nothing at the precision shown.
PEOPLE_GRAIN = TempTable(
    "kpi_people",
    """
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
""",
)


def store_people(everything: bool) -> list[str]:
    return store(PEOPLE, "kpi_people", everything=everything)


def people() -> str:
    groups = rolled(PEOPLE)
    cost = (
        "CASE WHEN g.costed > 0 THEN g.cost ELSE g.paid / 3600.0 * %(cost_per_paid_hour)s "
        "+ g.handle / 60.0 * %(cost_per_contact_minute)s END"
    )
    has_cost = "(g.costed > 0 OR %(cost_per_paid_hour)s > 0 OR %(cost_per_contact_minute)s > 0)"
    values = [
        KpiValues(
            "calls_per_hour",
            value="g.handled::float8 / NULLIF(g.logged_in / 3600.0, 0)",
            numerator="g.handled::float8",
            denominator="g.logged_in / 3600.0",
            n="CASE WHEN g.logged_in > 0 THEN g.activity_pieces ELSE 0 END::int",
        ),
        ratio("occupancy", "g.busy", "g.busy + g.ready", "g.activity_pieces"),
        ratio("availability", "g.ready", "g.logged_in", "g.activity_pieces"),
        ratio("utilization", "g.handle", "g.paid", "g.schedule_pieces"),
        ratio("adherence", "g.adherent", "g.scheduled", "g.schedule_pieces"),
        KpiValues(
            "cost_per_call",
            value=f"({cost})::float8 / NULLIF(g.handled, 0)",
            numerator=f"({cost})::float8",
            denominator="g.handled::float8",
            n=f"CASE WHEN {has_cost} THEN g.handled ELSE 0 END::int",
        ),
    ]
    return upsert(groups=groups, values=values)
