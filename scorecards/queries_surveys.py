"""The survey families of the KPI engine: answers (csat, nps, ces, ces_mean) and the response
rate in the scopes and period of the contact they are about (from ``kpi_facts``:
queries_facts.py), and agent effort (aes) per team, published only for groups large enough.
The shared shape (store, rolled, upsert) is in queries.py.
"""

from __future__ import annotations

from common.privacy import ANONYMITY_MIN

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
    return upsert(
        groups=groups,
        values=[ratio("aes", "g.effort", answers, "g.answers", pct=False, interval="mean", squares="g.effort_sq")],
    )
