"""Personal milestones, computed set-based: one SQL statement per kind over the whole tenant.

``milestones_recompute()`` runs after every KPI recompute (pipeline/followups.py), which an
import, a survey answer, a QA submit and the nightly run all ask for, so new milestones show
up with the numbers that earned them.

Every rule compares an agent with their own past only:
* best month (FCR, CSAT): a finished month whose value beats every earlier month of theirs
  with enough data (``insufficient_data`` false); the first such month is no milestone, a
  personal best needs a past;
* CSAT run: CSAT_RUN_LENGTH top-box answers (5 of 5) in a row, in answering order;
* QA streak: QA_STREAK_LENGTH evaluations in a row at or above their form's passing score.

Each statement upserts on (agent, kind, key), keeping the agent's privacy choice, and drops
the occurrences of its kind that the data no longer supports (a month recomputed lower, an
answer imported into the middle of a run).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from common.periods import local_date, local_days_range, month_start
from tenants.current import current_tenant

from .models import Milestone, MilestoneKind

CSAT_RUN_LENGTH = 10
QA_STREAK_LENGTH = 5
TOP_BOX_CSAT = 5

_TABLE = Milestone._meta.db_table

# fresh(agent_id, key, achieved_at, facts) is the kind's complete set; the upsert and the
# delete share one snapshot, so the delete never sees (or drops) the rows just inserted.
_APPLY = f"""
WITH fresh AS ({{fresh}}),
upserted AS (
    INSERT INTO {_TABLE} (agent_id, kind, key, achieved_at, facts, private, created_at)
    SELECT agent_id, %(kind)s, key, achieved_at, facts, false, now() FROM fresh
    ON CONFLICT (agent_id, kind, key) DO UPDATE
       SET achieved_at = EXCLUDED.achieved_at, facts = EXCLUDED.facts
     WHERE ({_TABLE}.achieved_at, {_TABLE}.facts) IS DISTINCT FROM (EXCLUDED.achieved_at, EXCLUDED.facts)
    RETURNING 1
)
DELETE FROM {_TABLE} m
 WHERE m.kind = %(kind)s AND {{replaced}}
   AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.agent_id = m.agent_id AND f.key = m.key)
"""

# Months that beat every earlier month of the same agent; the snapshot's key is the ACD login.
_BEST_MONTH = """
SELECT agent_id, to_char(period_start, 'YYYY-MM') AS key,
       (period_start + interval '1 month')::timestamp AT TIME ZONE %(tz)s AS achieved_at,
       jsonb_build_object('kpi', kpi, 'month', to_char(period_start, 'YYYY-MM'), 'value', value,
                          'n', n, 'previous_best', best_before) AS facts
  FROM (
    SELECT a.id AS agent_id, s.kpi, s.period_start, s.value, s.n,
           max(s.value) OVER (PARTITION BY a.id ORDER BY s.period_start
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best_before
      FROM scorecards_kpisnapshot s
      JOIN accounts_agent a ON a.acd_login = s.key
     WHERE s.kpi = %(kpi)s AND s.scope = 'agent' AND s.period = 'month'
       AND s.period_start < %(this_month)s
       AND NOT s.insufficient_data AND s.value IS NOT NULL
  ) months
 WHERE best_before IS NOT NULL AND value > best_before AND period_start >= %(from_month)s
"""

# Gaps and islands: within an agent's items in order, the difference of the overall row
# number and the row number among passing items is constant along a run of passing items.
_RUNS = """
SELECT agent_id, min(item_id)::text AS key,
       (array_agg(at ORDER BY at, item_id))[%(length)s] AS achieved_at,
       jsonb_build_object('length', count(*), 'since', min(at), 'until', max(at)) AS facts
  FROM (
    SELECT agent_id, item_id, at, passed,
           row_number() OVER (PARTITION BY agent_id ORDER BY at, item_id)
         - row_number() OVER (PARTITION BY agent_id, passed ORDER BY at, item_id) AS island
      FROM ({items}) items
  ) numbered
 WHERE passed
 GROUP BY agent_id, island
HAVING count(*) >= %(length)s
"""


# Each kind of item: (agent_id, item_id, at, passed) rows; {where} narrows them (the
# incremental pass) and must keep to the columns of i (the interaction) and ``at``/``id``.
@dataclass(frozen=True)
class _Items:
    sql: str
    at: str  # the column the items are ordered by
    id: str

    def where(self, condition: str = "true") -> str:
        return self.sql.format(where=condition)


_CSAT_ANSWERS = _Items(
    """
SELECT i.agent_id, r.id AS item_id, r.responded_at AS at, r.score = %(top)s AS passed
  FROM surveys_surveyresponse r
  JOIN interactions_interaction i ON i.id = r.interaction_id
 WHERE r.survey = 'csat' AND i.agent_id IS NOT NULL AND {where}
""",
    at="r.responded_at",
    id="r.id",
)

# Evaluations that count: submitted (acknowledged or disputed included), not calibration.
_QA_EVALUATIONS = _Items(
    """
SELECT i.agent_id, e.id AS item_id, e.evaluated_at AS at, e.score_pct >= f.passing_pct AS passed
  FROM scorecards_qaevaluation e
  JOIN scorecards_qaformversion v ON v.id = e.version_id
  JOIN scorecards_qaform f ON f.id = v.form_id
  JOIN interactions_interaction i ON i.id = e.interaction_id
 WHERE e.status <> 'draft' AND e.calibration_id IS NULL
   AND e.score_pct IS NOT NULL AND e.evaluated_at IS NOT NULL AND i.agent_id IS NOT NULL AND {where}
""",
    at="e.evaluated_at",
    id="e.id",
)

# How far before the first changed item an agent's runs are read again: far enough that
# nearly every agent has a failing item there (a run cannot cross it), so the runs after it
# are complete. An agent with items since then but no failing one before the changes
# (a long run, a new agent) is read whole.
RESCAN_DAYS = 14

# After a recompute of some days, runs are rebuilt only from each agent's first failing item
# in the last RESCAN_DAYS before the first item those days could have changed (t0): runs
# after it are exactly those a full pass finds. The milestones replaced are those of the
# agents read whose run starts after that item (its key item, the run's lowest id, is later),
# or whose key item is gone or belongs to another agent now.
_INCREMENTAL_RUNS = """
WITH recent AS MATERIALIZED ({recent}),
anchors AS (
    SELECT DISTINCT ON (agent_id) agent_id, at, item_id FROM recent
     WHERE NOT passed AND at < %(t0)s ORDER BY agent_id, at, item_id
),
whole AS (SELECT DISTINCT agent_id FROM recent EXCEPT SELECT agent_id FROM anchors),
scoped AS (
    SELECT r.* FROM recent r JOIN anchors a USING (agent_id) WHERE (r.at, r.item_id) > (a.at, a.item_id)
    UNION ALL
    SELECT * FROM ({whole}) w
),
fresh AS MATERIALIZED ({runs}),
upserted AS (
    INSERT INTO {table} (agent_id, kind, key, achieved_at, facts, private, created_at)
    SELECT agent_id, %(kind)s, key, achieved_at, facts, false, now() FROM fresh
    ON CONFLICT (agent_id, kind, key) DO UPDATE
       SET achieved_at = EXCLUDED.achieved_at, facts = EXCLUDED.facts
     WHERE ({table}.achieved_at, {table}.facts) IS DISTINCT FROM (EXCLUDED.achieved_at, EXCLUDED.facts)
    RETURNING 1
)
DELETE FROM {table} m
 WHERE m.kind = %(kind)s
   AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.agent_id = m.agent_id AND f.key = m.key)
   AND (m.agent_id IN (SELECT agent_id FROM whole)
        OR NOT EXISTS (
            SELECT 1 FROM ({key_item}) k
             WHERE NOT EXISTS (SELECT 1 FROM anchors a
                                WHERE a.agent_id = m.agent_id AND (k.at, k.item_id) > (a.at, a.item_id))))
"""

_FIRST_CHANGED = "SELECT least(%(lo)s, min(at)) FROM ({changed}) c"


def milestones_recompute(*, since: dt.date | None = None, until: dt.date | None = None) -> None:
    """Bring every agent's milestones in line with the data (safe to run any number of times).

    After a recompute of the days [since, until] (their contacts, answers and evaluations
    changed, nothing else), only what those days can change is read again: the months from
    since's on, and each agent's runs from shortly before the first item on a contact of those
    days (tested to give what a full pass gives). Without dates: everything (a full run's)."""
    tenant = current_tenant()
    this_month = month_start(local_date(timezone.now(), tenant.tz))
    from_month = dt.date(1, 1, 1) if since is None else month_start(since)
    with connection.cursor() as cur:
        for kind, kpi in ((MilestoneKind.BEST_FCR_MONTH, "fcr"), (MilestoneKind.BEST_CSAT_MONTH, "csat")):
            cur.execute(
                _APPLY.format(fresh=_BEST_MONTH, replaced="m.key >= %(from_key)s"),
                {
                    "kind": kind.value,
                    "kpi": kpi,
                    "this_month": this_month,
                    "tz": tenant.timezone,
                    "from_month": from_month,
                    "from_key": f"{from_month.year:04d}-{from_month.month:02d}",
                },
            )
        runs: tuple[tuple[MilestoneKind, _Items, dict[str, Any]], ...] = (
            (MilestoneKind.CSAT_RUN, _CSAT_ANSWERS, {"length": CSAT_RUN_LENGTH, "top": TOP_BOX_CSAT}),
            (MilestoneKind.QA_STREAK, _QA_EVALUATIONS, {"length": QA_STREAK_LENGTH}),
        )
        for kind, items, kind_params in runs:
            params = {**kind_params, "kind": kind.value}
            if since is None or until is None:
                cur.execute(_APPLY.format(fresh=_RUNS.format(items=items.where()), replaced="true"), params)
                continue
            lo, hi = local_days_range(since, until, tenant.tz)
            changed = items.where("i.offered_at >= %(lo)s AND i.offered_at < %(hi)s")
            cur.execute(_FIRST_CHANGED.format(changed=changed), {**params, "lo": lo, "hi": hi})
            t0 = cur.fetchone()[0]
            params.update(t0=t0, rescan_from=t0 - dt.timedelta(days=RESCAN_DAYS))
            cur.execute(
                _INCREMENTAL_RUNS.format(
                    recent=items.where(f"{items.at} >= %(rescan_from)s"),
                    whole=items.where("i.agent_id IN (SELECT agent_id FROM whole)"),
                    runs=_RUNS.format(items="SELECT * FROM scoped"),
                    table=_TABLE,
                    key_item=items.where(f"{items.id} = m.key::bigint AND i.agent_id = m.agent_id"),
                ),
                params,
            )
