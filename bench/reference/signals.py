"""The three coaching signals per agent and week (docs/kpis.md "Signals (coaching)", the
rules and their constants in coaching/signal_rules.py), from the reference's own KPI rows:
rushing, complexity mismatch and burnout risk, as rows (kind, agent, week, numbers)."""

from __future__ import annotations

from coaching import signal_rules as rules

# Working days are looked for this far back from a week's end (coaching/signals.py).
OCCUPANCY_LOOKBACK_DAYS = 28


def rushing(p: dict) -> str:
    ms = int(p["min_sample"])
    return f"""
CREATE OR REPLACE TABLE d_rushing AS
WITH w AS (
    SELECT s.key AS agent, a.team_id, s.period_start AS week, s.kpi, s.value, s.n
      FROM d_contacts s JOIN agents a ON a.acd_login = s.key
     WHERE s.scope = 'agent' AND s.period = 'week' AND s.kpi IN ('aht_index', 'repeat_rate', 'transfer_rate')
), own AS (
    SELECT agent, team_id, week, value AS aht_index, n FROM w
     WHERE kpi = 'aht_index' AND team_id IS NOT NULL AND n >= {ms} AND value < {rules.RUSHING_AHT_INDEX}
), above AS (
    -- a rate with its own n >= min_sample above the 75th percentile of the teammates with
    -- n >= min_sample that week, when there are at least MIN_PEERS of them
    SELECT o.agent, o.week, r.kpi, r.value,
           (SELECT quantile_cont(t.value, 0.75) FROM w t
             WHERE t.team_id = o.team_id AND t.week = o.week AND t.kpi = r.kpi AND t.agent <> o.agent
               AND t.n >= {ms}) AS p75,
           (SELECT count(*) FROM w t
             WHERE t.team_id = o.team_id AND t.week = o.week AND t.kpi = r.kpi AND t.agent <> o.agent
               AND t.n >= {ms}) AS peers
      FROM own o JOIN w r ON r.agent = o.agent AND r.week = o.week
     WHERE r.kpi IN ('repeat_rate', 'transfer_rate') AND r.n >= {ms}
)
SELECT 'rushing' AS kind, o.agent, o.week, o.aht_index AS number
  FROM own o
 WHERE EXISTS (SELECT 1 FROM above a WHERE a.agent = o.agent AND a.week = o.week
                 AND a.peers >= {rules.MIN_PEERS} AND a.value > a.p75)"""


def complexity(p: dict) -> str:
    ms = int(p["min_sample"])
    return f"""
CREATE OR REPLACE TABLE d_complexity AS
WITH complex AS (
    -- the top third of the types by expected handle time in each quarter (at least one)
    SELECT quarter, itype FROM (
        SELECT quarter, itype, row_number() OVER (PARTITION BY quarter ORDER BY seconds DESC, itype) AS rank,
               count(*) OVER (PARTITION BY quarter) AS types
          FROM d_expected)
     WHERE rank <= greatest(1, types // 3)
), handled AS (
    SELECT a.id AS agent_id, f.agent, a.team_id, f.week, f.itype, f.handle
      FROM d_facts f JOIN agents a ON a.acd_login = f.agent
     WHERE f.handled AND f.itype IS NOT NULL AND a.team_id IS NOT NULL
), agent_weeks AS (
    SELECT h.agent, any_value(h.team_id) AS team_id, h.week, count(*) AS contacts, sum(h.handle) AS handle,
           COALESCE(sum(h.handle) FILTER (c.itype IS NOT NULL), 0) AS complex_handle
      FROM handled h LEFT JOIN complex c ON c.quarter = date_trunc('quarter', h.week)::DATE AND c.itype = h.itype
     GROUP BY h.agent, h.week
), team_weeks AS (
    SELECT team_id, week, sum(contacts) AS contacts, sum(handle) AS handle, sum(complex_handle) AS complex_handle
      FROM agent_weeks GROUP BY ALL
), shares AS (
    SELECT a.agent, a.week, a.contacts, t.contacts - a.contacts AS team_contacts,
           a.complex_handle / NULLIF(a.handle, 0) AS agent_share,
           (t.complex_handle - a.complex_handle) / NULLIF(t.handle - a.handle, 0) AS team_share
      FROM agent_weeks a JOIN team_weeks t USING (team_id, week)
)
SELECT 'complexity_mismatch' AS kind, agent, week, agent_share AS number, team_share AS other
  FROM shares
 WHERE contacts >= {ms} AND team_contacts >= {ms} AND agent_share > 0 AND team_share IS NOT NULL
   AND agent_share > {rules.MISMATCH_FACTOR} * team_share"""


def burnout(p: dict) -> str:
    tz = p["tz"]
    return f"""
CREATE OR REPLACE TABLE d_burnout AS
WITH occupancy AS (
    SELECT key AS agent, period_start AS day, value FROM d_people_out
     WHERE kpi = 'occupancy' AND scope = 'agent' AND period = 'day'
), weeks AS (
    SELECT DISTINCT agent, date_trunc('week', day)::DATE AS week FROM occupancy
), windows AS (
    -- the last OCCUPANCY_DAYS working days up to the week's end, within the lookback
    SELECT w.agent, w.week, o.day, o.value,
           row_number() OVER (PARTITION BY w.agent, w.week ORDER BY o.day DESC) AS recent
      FROM weeks w JOIN occupancy o ON o.agent = w.agent AND o.day <= w.week + 6
       AND o.day > w.week + 6 - {OCCUPANCY_LOOKBACK_DAYS}
), occupancy_risk AS (
    SELECT agent, week FROM windows WHERE recent <= {rules.OCCUPANCY_DAYS}
     GROUP BY agent, week
    HAVING count(*) FILTER (value > {rules.HIGH_OCCUPANCY}) >= {rules.OCCUPANCY_HIGH_DAYS}
       AND max(day) > week - 1
), long AS (
    -- contacts longer than LONG_CONTACT_FACTOR × expected; done: the end of their wrap-up
    SELECT c.id, a.acd_login AS agent, c.agent_id,
           date_trunc('week', timezone('{tz}', c.offered_at))::DATE AS week,
           COALESCE(c.ended_at, c.answered_at + to_seconds(c.talk_seconds + c.hold_seconds))
               + to_seconds(c.acw_seconds) AS done
      FROM d_counted c JOIN agents a ON a.id = c.agent_id
      JOIN d_expected e ON e.itype_id = c.interaction_type_id
       AND e.quarter = date_trunc('quarter', timezone('{tz}', c.offered_at))::DATE
     WHERE c.outcome = 'answered' AND c.handle_seconds > {rules.LONG_CONTACT_FACTOR} * e.seconds
), next_contact AS (
    -- the next contact the agent took, if within 4 hours (else her shift ended: no gap)
    SELECT l.*, n.start AS next_start
      FROM long l ASOF JOIN (SELECT agent_id, start FROM activity WHERE state = 'on_contact') n
        ON n.agent_id = l.agent_id AND n.start >= l.done
     WHERE n.start < l.done + INTERVAL 4 HOUR
), ready AS (
    -- the agent's intervals never overlap, so a ready interval lies in the gap after at most
    -- one long contact: the last one done before it ends
    SELECT g.id, sum(epoch(least(r."end", g.next_start) - greatest(r.start, g.done))) AS seconds
      FROM (SELECT agent_id, start, "end" FROM activity WHERE state = 'ready') r
      ASOF JOIN next_contact g ON g.agent_id = r.agent_id AND g.done < r."end"
     WHERE r.start < g.next_start
     GROUP BY g.id
), recovery AS (
    SELECT g.agent, g.week, count(*) AS long_contacts, median(COALESCE(r.seconds, 0)) AS median
      FROM next_contact g LEFT JOIN ready r ON r.id = g.id GROUP BY g.agent, g.week
)
SELECT 'burnout_risk' AS kind, COALESCE(o.agent, r.agent) AS agent, COALESCE(o.week, r.week) AS week,
       CASE WHEN r.long_contacts >= {rules.RECOVERY_MIN_CONTACTS} THEN r.median END AS number,
       o.agent IS NOT NULL AS occupancy_risk,
       COALESCE(r.long_contacts >= {rules.RECOVERY_MIN_CONTACTS} AND r.median < {rules.RECOVERY_SECONDS}, false)
           AS recovery_risk
  FROM occupancy_risk o FULL JOIN recovery r ON r.agent = o.agent AND r.week = o.week
 WHERE o.agent IS NOT NULL
    OR (r.long_contacts >= {rules.RECOVERY_MIN_CONTACTS} AND r.median < {rules.RECOVERY_SECONDS})"""


SIGNALS = """
CREATE OR REPLACE TABLE d_signals AS
SELECT kind, agent, week, number, NULL::DOUBLE AS other, NULL::BOOLEAN AS occupancy_risk,
       NULL::BOOLEAN AS recovery_risk FROM d_rushing
UNION ALL SELECT kind, agent, week, number, other, NULL, NULL FROM d_complexity
UNION ALL SELECT kind, agent, week, number, NULL, occupancy_risk, recovery_risk FROM d_burnout"""


def statements(p: dict) -> list[tuple[str, str]]:
    return [
        ("signals: rushing", rushing(p)),
        ("signals: complexity mismatch", complexity(p)),
        ("signals: burnout risk", burnout(p)),
        ("signals", SIGNALS),
    ]
