"""Cases (avg_resolution_time, avg_query_age): contacts grouped by case_id, however far apart.

A case opens at its first contact's initiated_at (else offered_at) and is resolved when its
last contact is resolved, at that contact's ended_at (else answered_at, else offered_at).
Resolution time: cases resolved in the period, in the scopes of their last contact. Query age:
at the period's end (now for a period not over), the mean age of the cases not resolved by
then that opened on one of the LOOKBACK_DAYS local days up to the period's last day (today
for a period not over), in the scopes of their first contact (docs/kpis.md)."""

from __future__ import annotations

from .common import NOT_AGENT, grouping, periods_of, struct, unpivot, value

LOOKBACK_DAYS = 90  # docs/kpis.md, "avg_query_age"


def cases(tz: str) -> str:
    first_last = ", ".join(
        f"arg_min_null({c}, (offered_at, id)) AS first_{c}, arg_max_null({c}, (offered_at, id)) AS last_{c}"
        for c in ("team", "queue", "itype", "channel")
    )
    return f"""
CREATE OR REPLACE TABLE d_cases AS
WITH contacts AS (
    SELECT c.id, c.case_id, c.offered_at, COALESCE(c.initiated_at, c.offered_at) AS opened_at,
           c.resolved, COALESCE(c.ended_at, c.answered_at, c.offered_at) AS done_at,
           tm.name AS team, q.name AS queue, it.name AS itype, c.channel
      FROM d_counted c
      LEFT JOIN agents a ON a.id = c.agent_id
      LEFT JOIN teams tm ON tm.id = a.team_id
      LEFT JOIN queues q ON q.id = c.queue_id
      LEFT JOIN itypes it ON it.id = c.interaction_type_id
     WHERE c.case_id IS NOT NULL
), summary AS (
    SELECT case_id, arg_min_null(opened_at, (offered_at, id)) AS opened_at,
           CASE WHEN arg_max_null(resolved, (offered_at, id))
                THEN arg_max_null(done_at, (offered_at, id)) END AS resolved_at,
           {first_last}
      FROM contacts GROUP BY case_id
)
SELECT *, timezone('{tz}', opened_at)::DATE AS opened_day, timezone('{tz}', resolved_at)::DATE AS resolved_day
  FROM summary"""


def resolution_time(tz: str) -> str:
    scopes = {s: f"last_{c}" for s, c in NOT_AGENT.items()}
    select, group_by = grouping(scopes)
    rows = f"""
        SELECT *, {periods_of("resolved_day")}, epoch(resolved_at - opened_at) AS took
          FROM d_cases WHERE resolved_at IS NOT NULL"""
    groups = (
        f"SELECT {select}, count(*) AS cases, sum(took) AS seconds, sum(took ^ 2) AS squares FROM ({rows}) r {group_by}"
    )
    return unpivot(
        "d_resolution",
        groups,
        [value("avg_resolution_time", "g.seconds", "g.cases", pct=False, interval="mean", squares="g.squares")],
    )


def query_age(p: dict) -> str:
    tz, today, now = p["tz"], p["today"], p["now"].isoformat()
    scopes = {s: f"first_{c}" for s, c in NOT_AGENT.items()}
    # grouping() sets each scope with day, week and month: a case is open at the end of a
    # period of one kind, so its row carries that period's start in one of them
    select, group_by = grouping(scopes)
    periods = f"""
        WITH first AS (SELECT min(opened_day) AS d FROM d_cases),
        starts AS (
            SELECT 'day' AS period, s::DATE AS period_start, s::DATE AS last_day
              FROM first, generate_series(first.d::TIMESTAMP, DATE '{today}'::TIMESTAMP, INTERVAL 1 DAY) t(s)
            UNION ALL
            SELECT 'week', s::DATE, least(s::DATE + 6, DATE '{today}')
              FROM first, generate_series(date_trunc('week', first.d)::TIMESTAMP, DATE '{today}'::TIMESTAMP,
                                          INTERVAL 7 DAY) t(s)
            UNION ALL
            SELECT 'month', s::DATE, least((s + INTERVAL 1 MONTH)::DATE - 1, DATE '{today}')
              FROM first, generate_series(date_trunc('month', first.d)::TIMESTAMP, DATE '{today}'::TIMESTAMP,
                                          INTERVAL 1 MONTH) t(s)
        )
        SELECT period, period_start, last_day,
               least(TIMESTAMPTZ '{now}', timezone('{tz}', (last_day + 1)::TIMESTAMP)) AS period_end
          FROM starts WHERE timezone('{tz}', period_start::TIMESTAMP) < TIMESTAMPTZ '{now}'"""
    # cases of the same scopes, opening day and closing day (resolved, or out of the lookback)
    grouped = f"""
        SELECT first_team, first_queue, first_itype, first_channel, opened_day,
               least(COALESCE(resolved_day, DATE '9999-12-31'), opened_day + {LOOKBACK_DAYS}) AS until_day,
               count(*) AS cases, sum(epoch(opened_at)) AS opened
          FROM d_cases GROUP BY ALL"""
    open_at = f"""
        SELECT c.*, p.period, p.period_start,
               CASE p.period WHEN 'day' THEN p.period_start END AS day,
               CASE p.period WHEN 'week' THEN p.period_start END AS week,
               CASE p.period WHEN 'month' THEN p.period_start END AS month,
               epoch(p.period_end) AS period_end
          FROM ({grouped}) c JOIN ({periods}) p
            ON c.opened_day <= p.last_day AND p.last_day < c.until_day"""
    groups = f"""
        SELECT * FROM (
            SELECT {select}, sum(cases) AS open_cases, sum(cases * period_end - opened) AS age
              FROM ({open_at}) o {group_by}) x
         WHERE period_start IS NOT NULL"""
    return unpivot(
        "d_query_age",
        groups,
        [struct("avg_query_age", "g.age / g.open_cases", "g.age", "g.open_cases", "g.open_cases", "NULL", "NULL")],
    )


def statements(p: dict) -> list[tuple[str, str]]:
    tz = p["tz"]
    return [
        ("cases: one row per case", cases(tz)),
        ("avg_resolution_time", resolution_time(tz)),
        ("avg_query_age", query_age(p)),
    ]
