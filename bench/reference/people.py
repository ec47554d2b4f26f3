"""The people family of the reference (calls_per_hour, occupancy, availability, utilization,
adherence, and cost per contact for agents, teams and the center): activity and schedule
intervals split at local midnight, one row per agent and day."""

from __future__ import annotations

from .common import PEOPLE_SCOPES, grouping, struct, unpivot, value


def split(name: str, table: str, column: str, tz: str) -> str:
    """Each interval as one piece per local day it touches (ps, pe: the piece's bounds)."""
    return f"""
CREATE OR REPLACE TABLE {name} AS
WITH x AS (
    SELECT agent_id, {column}, start, "end",
           unnest(generate_series(timezone('{tz}', start)::DATE::TIMESTAMP,
                                  timezone('{tz}', "end" - INTERVAL 1 MICROSECOND)::DATE::TIMESTAMP,
                                  INTERVAL 1 DAY)) AS g
      FROM {table} WHERE "end" > start
)
SELECT agent_id, {column}, g::DATE AS day,
       greatest(start, timezone('{tz}', g)) AS ps, least("end", timezone('{tz}', g + INTERVAL 1 DAY)) AS pe
  FROM x"""


def grain() -> str:
    secs = "date_diff('microsecond', ps, pe) / 1e6"
    return f"""
CREATE OR REPLACE TABLE d_people AS
WITH activity AS (
    SELECT agent_id, day,
           sum({secs}) FILTER (state IN ('on_contact', 'acw')) AS busy,
           sum({secs}) FILTER (state = 'ready') AS ready,
           sum({secs}) FILTER (state <> 'offline') AS logged_in,
           count(*) FILTER (state <> 'offline') AS activity_pieces
      FROM d_activity GROUP BY agent_id, day
), planned AS (
    SELECT agent_id, day,
           sum({secs}) FILTER (activity <> 'off') AS scheduled,
           sum({secs}) FILTER (activity NOT IN ('lunch', 'off')) AS paid,
           count(*) FILTER (activity <> 'off') AS schedule_pieces
      FROM d_schedule GROUP BY agent_id, day
), matched AS (
    -- work matches ready, on_contact and acw; break, lunch, training, meeting match themselves
    SELECT s.agent_id, s.day, sum(date_diff('microsecond', greatest(a.ps, s.ps), least(a.pe, s.pe)) / 1e6) AS adherent
      FROM d_schedule s JOIN d_activity a ON a.agent_id = s.agent_id AND a.day = s.day
     WHERE s.activity <> 'off' AND a.ps < s.pe AND a.pe > s.ps
       AND CASE WHEN s.activity = 'work' THEN a.state IN ('ready', 'on_contact', 'acw')
                ELSE a.state = s.activity END
     GROUP BY s.agent_id, s.day
), schedule AS (
    SELECT p.*, m.adherent FROM planned p LEFT JOIN matched m USING (agent_id, day)
), contacts AS (
    SELECT agent, day, sum(handled) AS handled, sum(handle) AS handle, sum(cost) AS cost, sum(costed) AS costed
      FROM d_grain WHERE agent IS NOT NULL GROUP BY agent, day
)
SELECT ag.acd_login AS agent, tm.name AS team, k.day,
       date_trunc('week', k.day)::DATE AS week, date_trunc('month', k.day)::DATE AS month,
       COALESCE(ac.busy, 0) AS busy, COALESCE(ac.ready, 0) AS ready,
       COALESCE(ac.logged_in, 0) AS logged_in, COALESCE(ac.activity_pieces, 0) AS activity_pieces,
       COALESCE(sc.scheduled, 0) AS scheduled, COALESCE(sc.paid, 0) AS paid,
       COALESCE(sc.adherent, 0) AS adherent, COALESCE(sc.schedule_pieces, 0) AS schedule_pieces,
       COALESCE(c.handled, 0) AS handled, COALESCE(c.handle, 0) AS handle,
       COALESCE(c.cost, 0) AS cost, COALESCE(c.costed, 0) AS costed
  FROM (SELECT agent_id, day FROM activity UNION SELECT agent_id, day FROM schedule
        UNION SELECT a.id, c.day FROM contacts c JOIN agents a ON a.acd_login = c.agent) k
  JOIN agents ag ON ag.id = k.agent_id
  LEFT JOIN teams tm ON tm.id = ag.team_id
  LEFT JOIN activity ac ON ac.agent_id = k.agent_id AND ac.day = k.day
  LEFT JOIN schedule sc ON sc.agent_id = k.agent_id AND sc.day = k.day
  LEFT JOIN contacts c ON c.agent = ag.acd_login AND c.day = k.day"""


def people(p: dict) -> str:
    select, group_by = grouping(PEOPLE_SCOPES)
    columns = "busy ready logged_in activity_pieces scheduled paid adherent schedule_pieces handled handle cost costed"
    sums = ", ".join(f"sum({c}) AS {c}" for c in columns.split())
    hour_rate, minute_rate = float(p["cost_per_paid_hour"]), float(p["cost_per_contact_minute"])
    # explicit costs when the contacts carry any, else paid hours and handle minutes at the rates
    cost = (
        f"CASE WHEN g.costed > 0 THEN g.cost ELSE g.paid / 3600.0 * {hour_rate} + g.handle / 60.0 * {minute_rate} END"
    )
    cost_n = f"CASE WHEN g.costed > 0 OR {hour_rate} > 0 OR {minute_rate} > 0 THEN g.handled ELSE 0 END"
    return unpivot(
        "d_people_out",
        f"SELECT {select}, {sums} FROM d_people {group_by}",
        [
            struct(
                "calls_per_hour",
                "g.handled / NULLIF(g.logged_in / 3600.0, 0)",
                "g.handled",
                "g.logged_in / 3600.0",
                "CASE WHEN g.logged_in > 0 THEN g.activity_pieces ELSE 0 END",
                "NULL",
                "NULL",
            ),
            value("occupancy", "g.busy", "g.busy + g.ready", "g.activity_pieces"),
            value("availability", "g.ready", "g.logged_in", "g.activity_pieces"),
            value("utilization", "g.handle", "g.paid", "g.schedule_pieces"),
            value("adherence", "g.adherent", "g.scheduled", "g.schedule_pieces"),
            struct("cost_per_call", f"({cost}) / NULLIF(g.handled, 0)", cost, "g.handled", cost_n, "NULL", "NULL"),
        ],
    )


def statements(p: dict) -> list[tuple[str, str]]:
    tz = p["tz"]
    return [
        ("people: activity split at local midnight", split("d_activity", "activity", "state", tz)),
        ("people: schedule split at local midnight", split("d_schedule", "schedule", "activity", tz)),
        ("people: agent-day grain, adherence join", grain()),
        ("people: scopes x periods", people(p)),
    ]
