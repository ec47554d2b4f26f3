"""The facts of the KPI engine: one row per contact that counts (scorecards.counting) offered
on a changed day, into the temp table ``kpi_facts`` that every contact-based family sums
(queries_contacts.py, queries_surveys.py, queries_qa.py) and the full run's cases read.

Each row has the contact's local day and hour, its scope keys (names) and the per-interaction
derivations of kpis.md (handled, offered, short abandon, wait, repeat, first contact, FCR...).
Repeat and FCR look ``repeat_window_days`` beyond both ends, so a contact imported today can
flip an earlier contact's FCR.
"""

from __future__ import annotations

from .counting import counted_sql
from .sql import TempTable

# The median handle time per interaction type and quarter, for the types with no expected
# handle time configured (aht_index), over the handled contacts that count: one a manager
# left out (an outage's hour-long calls) must not move every other contact's expected time.
_EXPECTED = """
SELECT i.interaction_type_id AS itype_id,
       date_trunc('quarter', i.offered_at AT TIME ZONE %(tz)s)::date AS quarter,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY i.handle_seconds) AS median
  FROM interactions_interaction i
  JOIN interactions_interactiontype it ON it.id = i.interaction_type_id
 WHERE it.expected_handle_seconds IS NULL AND i.outcome = 'answered'
   AND i.offered_at >= %(quarter_lo)s AND i.offered_at < %(quarter_hi)s AND {counted}
 GROUP BY 1, 2
"""


def expected() -> TempTable:
    # a function, as facts(): the rule is registered when Django starts, after this import
    return TempTable("kpi_expected", _EXPECTED.format(counted=counted_sql("i")))


_FACTS = """
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
       AND {counted}
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


def facts() -> TempTable:
    # The rule applies before the repeat windows count: a contact left out is nobody's repeat.
    return TempTable("kpi_facts", _FACTS.format(counted=counted_sql("i")))
