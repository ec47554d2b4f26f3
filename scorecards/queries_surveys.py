"""The survey families of the KPI engine: answers (csat, nps, ces, ces_mean) and the response
rate in the scopes and period of the contact they are about (from ``kpi_facts``:
queries_facts.py), and agent effort (aes) per team and week, published by common/privacy.py.
The shared shape (store, rolled, upsert) is in queries.py.
"""

from __future__ import annotations

from collections import defaultdict

from common.privacy import effort_disclosure, effort_rounded

from .calculators import mean_interval
from .families import RESPONSES, SURVEYS
from .queries import ratio, rolled, store, upsert
from .sql import KpiValues


def store_surveys(everything: bool) -> list[str]:
    return store(SURVEYS, "surveys_surveyresponse r JOIN kpi_facts f ON f.id = r.interaction_id", everything=everything)


def _net_score(kpi: str, name: str) -> KpiValues:
    """Promoters minus detractors, per 100 answers (NPS, CES), with its multinomial interval."""
    pos, neg, n = f"g.{name}_pos", f"g.{name}_neg", f"g.{name}_n"
    return KpiValues(
        kpi,
        value=f"({pos} - {neg})::float8 / NULLIF({n}, 0) * 100",
        numerator=f"({pos} - {neg})::float8",
        denominator=f"{n}::float8",
        n=f"{n}::int",
        ci_low=f"cw_net_low({pos}, {neg}, {n})",
        ci_high=f"cw_net_high({pos}, {neg}, {n})",
    )


def surveys() -> str:
    groups = rolled(SURVEYS)
    values = [
        ratio("csat", "g.csat_pos", "g.csat_n", interval="wilson"),
        _net_score("nps", "nps"),
        _net_score("ces", "ces"),
        ratio("ces_mean", "g.ces_sum", "g.ces_n", pct=False, interval="mean", squares="g.ces_sq"),
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
    return upsert(
        groups=rolled(RESPONSES), values=[ratio("survey_response_rate", "g.answered", "g.invited", interval="wilson")]
    )


# --- agent effort (aes): published by the rule of common/privacy.py ---------------------------
#
# Not a roll-up of stored day sums like the other families: effort has one grain, the complete
# local week, and its figures go through effort_disclosure (the same function the effort pages
# call), which looks at a whole week's teams and center together. The rows are few (a handful
# of teams per week), so the rule runs in Python between one SELECT and one INSERT.

# One row per agent and week (her mean that week, so answering twice does not weigh twice), in
# the team of her last answer of the week: the team stored with the answer, never her current
# one (kpis.md). Then per week: each team (no team: team_id NULL) and the center.
EFFORT_WEEKS = """
WITH agent_weeks AS (
    SELECT e.agent_id, date_trunc('week', e.submitted_at AT TIME ZONE %(tz)s)::date AS week,
           (array_agg(e.team_id ORDER BY e.submitted_at DESC, e.id DESC))[1] AS team_id,
           avg(e.effort)::float8 AS effort
      FROM surveys_effortresponse e
     WHERE e.submitted_at >= %(roll_lo)s AND e.submitted_at < %(roll_hi)s
     GROUP BY 1, 2)
SELECT w.week, GROUPING(w.team_id) = 1 AS whole, w.team_id, min(t.name), count(*),
       sum(w.effort), sum(w.effort ^ 2)
  FROM agent_weeks w LEFT JOIN accounts_team t ON t.id = w.team_id
 WHERE w.week + 7 <= (%(now)s AT TIME ZONE %(tz)s)::date  -- complete weeks only
   AND w.week > %(ch_lo)s - 7 AND w.week < %(ch_hi)s      -- the weeks this run writes
 GROUP BY GROUPING SETS ((w.week, w.team_id), (w.week))
"""
EFFORT_INSERT = """
INSERT INTO kpi_new (kpi, scope, key, period, period_start, value, numerator, denominator, n, ci_low, ci_high,
                     insufficient_data)
VALUES ('aes', %s, %s, 'week', %s, %s, NULL, NULL, %s, %s, %s, %s)
"""


def effort_snapshots(rows, min_sample: int) -> list[tuple]:
    """The aes rows of EFFORT_WEEKS that the disclosure rule publishes, as EFFORT_INSERT's
    parameters: the mean rounded as pages show it, no numerator or denominator (exact sums
    would let a total minus its parts give back what the rule suppressed), n = respondents."""
    weeks: dict = defaultdict(lambda: {"teams": {}, "names": {}, "whole": None})
    for week, whole, team_id, name, respondents, total, squares in rows:
        figures = (respondents, total, squares)
        if whole:
            weeks[week]["whole"] = figures
        elif team_id is not None:
            weeks[week]["teams"][team_id] = figures
            weeks[week]["names"][team_id] = name
    out = []
    for week, found in sorted(weeks.items()):
        teams, whole = found["teams"], found["whole"]
        rule = effort_disclosure({team: figures[0] for team, figures in teams.items()}, whole[0])
        published = [("team", found["names"][team], teams[team]) for team in sorted(rule.groups)]
        published += [("tenant", "all", whole)] if rule.total else []
        for scope, key, (respondents, total, squares) in published:
            low, high = mean_interval(total, squares, respondents) or (None, None)
            out.append(
                (
                    scope,
                    key,
                    week,
                    effort_rounded(total / respondents),
                    respondents,
                    effort_rounded(low),
                    effort_rounded(high),
                    respondents < min_sample,
                )
            )
    return out


def write_effort(cur, params: dict) -> int:
    """Add the published aes rows of the run's complete weeks to kpi_new; returns how many."""
    cur.execute(EFFORT_WEEKS, params)
    rows = effort_snapshots(cur.fetchall(), params["min_sample"])
    if rows:
        cur.executemany(EFFORT_INSERT, rows)
    return len(rows)
