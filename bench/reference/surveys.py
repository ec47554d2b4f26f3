"""Survey answers (csat, nps, ces, ces_mean) and the response rate in the scopes and period of
the contact they are about; agent effort (aes) per team and complete week, published by the
disclosure rule of docs/kpis.md ("Agent effort: what is published"), written here in SQL."""

from __future__ import annotations

from .common import CONTACT_SCOPES, grouping, struct, unpivot, value

# docs/kpis.md: a team needs this many respondents in a week; the center too, and its
# respondents outside the published teams must number 0 or at least this many.
ANONYMITY_MIN = 5


def surveys() -> str:
    select, group_by = grouping(CONTACT_SCOPES)
    rows = "SELECT f.*, r.survey, r.score FROM responses r JOIN d_facts f ON f.id = r.interaction_id"
    groups = f"""
        SELECT {select},
               count(*) FILTER (survey = 'csat') AS csat_n,
               count(*) FILTER (survey = 'csat' AND score >= 4) AS csat_pos,
               count(*) FILTER (survey = 'nps') AS nps_n, count(*) FILTER (survey = 'nps' AND score >= 9) AS nps_pos,
               count(*) FILTER (survey = 'nps' AND score <= 6) AS nps_neg,
               count(*) FILTER (survey = 'ces') AS ces_n, count(*) FILTER (survey = 'ces' AND score >= 5) AS ces_pos,
               count(*) FILTER (survey = 'ces' AND score <= 3) AS ces_neg,
               sum(score) FILTER (survey = 'ces') AS ces_sum, sum(score::DOUBLE ^ 2) FILTER (survey = 'ces') AS ces_sq
          FROM ({rows}) r {group_by}"""

    def net(kpi: str) -> str:
        pos, neg, n = f"g.{kpi}_pos", f"g.{kpi}_neg", f"g.{kpi}_n"
        return struct(
            kpi, f"({pos} - {neg}) / NULLIF({n}, 0) * 100", f"{pos} - {neg}", n, n,
            f"net_low({pos}, {neg}, {n})", f"net_high({pos}, {neg}, {n})",
        )  # fmt: skip

    return unpivot(
        "d_surveys",
        groups,
        [
            value("csat", "g.csat_pos", "g.csat_n", interval="wilson"),
            net("nps"),
            net("ces"),
            value("ces_mean", "g.ces_sum", "g.ces_n", pct=False, interval="mean", squares="g.ces_sq"),
        ],
    )


def response_rate() -> str:
    """Invitations answered (a response names the invitation) / invitations sent."""
    select, group_by = grouping(CONTACT_SCOPES)
    rows = """
        SELECT f.*, EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = v.id) AS answered
          FROM invitations v JOIN d_facts f ON f.id = v.interaction_id"""
    groups = f"SELECT {select}, count(*) AS invited, count(*) FILTER (answered) AS answered FROM ({rows}) r {group_by}"
    return unpivot("d_responses", groups, [value("survey_response_rate", "g.answered", "g.invited", interval="wilson")])


def _half_up(x: str) -> str:
    """One decimal, half up, of the shortest decimal of a double (as the pages round)."""
    return f"round(({x})::DECIMAL(18, 9), 1)::DOUBLE"


def effort(p: dict) -> str:
    tz, today = p["tz"], p["today"]
    minimum = ANONYMITY_MIN
    return f"""
CREATE OR REPLACE TABLE d_effort AS
WITH agent_weeks AS (
    -- each agent's week: her mean, in the team of her last answer that week
    SELECT agent_id, date_trunc('week', timezone('{tz}', submitted_at))::DATE AS week,
           arg_max_null(team_id, (submitted_at, id)) AS team_id, avg(effort) AS effort
      FROM effort GROUP BY ALL
), complete AS (
    SELECT * FROM agent_weeks WHERE week + 7 <= DATE '{today}'
), teams_ AS (
    SELECT week, team_id, count(*) AS n, sum(effort) AS total, sum(effort ^ 2) AS squares
      FROM complete WHERE team_id IS NOT NULL GROUP BY ALL
), center AS (
    SELECT week, count(*) AS n, sum(effort) AS total, sum(effort ^ 2) AS squares FROM complete GROUP BY ALL
), published AS (
    SELECT 'team' AS scope, t.name AS key, g.week, g.n, g.total, g.squares
      FROM teams_ g JOIN teams t ON t.id = g.team_id WHERE g.n >= {minimum}
    UNION ALL
    SELECT 'tenant', 'all', c.week, c.n, c.total, c.squares
      FROM center c
     WHERE c.n >= {minimum}
       AND (c.n - COALESCE((SELECT sum(g.n) FROM teams_ g WHERE g.week = c.week AND g.n >= {minimum}), 0)) NOT IN
           {tuple(range(1, minimum))}
)
SELECT scope, key, 'week' AS period, week AS period_start, 'aes' AS kpi,
       {_half_up("total / n")} AS value, NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator, n,
       {_half_up("mean_low(total, squares, n)")} AS ci_low, {_half_up("mean_high(total, squares, n)")} AS ci_high
  FROM published"""


def statements(p: dict) -> list[tuple[str, str]]:
    return [("surveys", surveys()), ("survey_response_rate", response_rate()), ("aes", effort(p))]
