"""Reads of the agent effort pulse (AES).

Wellbeing first: an agent reads only her own answers; managers (their teams) and admins
(every team) read aggregates, published by the one rule of common/privacy.py
(``effort_disclosure``, which the aes snapshots of the KPI engine follow too; docs/kpis.md,
"Agent effort: what is published"). More rules keep aggregates from being taken apart:
* an answer belongs to the team the agent was in when answering (EffortResponse.team): a move
  never recomputes a past week, which would differ from the published one by her answer alone;
* only complete weeks are shown, so a figure never moves when one more agent answers
  (comparing Tuesday's team mean with Wednesday's would reveal Wednesday's answer);
* means are rounded as published (one decimal), everywhere alike;
* each mean is gated on the agents who answered that very question (the friction questions
  are optional: five respondents but one tools answer must not show that one answer).
Comments are never read here for managers: free text identifies its writer by its words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import Agent, Role, Team
from common.periods import local_date, local_midnight, week_start
from common.privacy import effort_disclosure, effort_rounded
from interactions.models import Interaction, InteractionType
from tenants.current import current_tenant

from .models import ANONYMITY_MIN, EffortPulseSettings, EffortResponse, SurveyResponse

QUESTIONS = ("effort", "tools", "knowledge_base", "process")


def tenant_tz() -> ZoneInfo:
    return current_tenant().tz


def this_monday(now: dt.datetime | None = None) -> dt.date:
    """The Monday of the current week, tenant time: figures stop before it (complete weeks only)."""
    return week_start(local_date(now or timezone.now(), tenant_tz()))


# --- the pulse itself ----------------------------------------------------------------------

SETTINGS_PK = 1  # the one settings row of a tenant


def effort_pulse_settings() -> EffortPulseSettings:
    """The settings; until an admin first saves them (effort_settings_update writes the row), the
    defaults: weekly, on. Unsaved, so that reading them never writes."""
    return EffortPulseSettings.objects.filter(pk=SETTINGS_PK).first() or EffortPulseSettings()


def effort_next_due(*, agent: Agent, settings: EffortPulseSettings | None = None) -> dt.datetime | None:
    """When the agent may answer again; None when she never has."""
    settings = settings or effort_pulse_settings()
    last = agent.effort_responses.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    return None if last is None else last + dt.timedelta(days=settings.every_days)


def effort_pulse_due(*, agent: Agent, now: dt.datetime | None = None) -> bool:
    settings = effort_pulse_settings()
    if not settings.is_active:
        return False
    next_due = effort_next_due(agent=agent, settings=settings)
    return next_due is None or (now or timezone.now()) >= next_due


# --- an agent's own answers (used by that agent only) ----------------------------------------


def effort_agent_history(agent: Agent) -> QuerySet[EffortResponse]:
    return agent.effort_responses.prefetch_related("hardest_types").order_by("-submitted_at")


@dataclass(frozen=True)
class WeekMean:
    week_start: dt.date
    mean: float
    n: int


def effort_agent_trend(agent: Agent) -> list[WeekMean]:
    """The agent's weekly mean effort (weeks start on Monday, tenant time), oldest first."""
    rows = (
        agent.effort_responses.annotate(week=TruncWeek("submitted_at", tzinfo=tenant_tz()))
        .values("week")
        .annotate(mean=Avg("effort"), n=Count("id"))
        .order_by("week")
    )
    return [WeekMean(row["week"].date(), float(row["mean"]), row["n"]) for row in rows]


# --- aggregates for managers and admins ------------------------------------------------------


def effort_teams_visible_to(*, fetched_by) -> QuerySet[Team]:
    """Admins every team, managers their own; agents none (they see their own answers only)."""
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return Team.objects.all()
    if role == Role.MANAGER:
        return Team.objects.filter(managers=fetched_by)
    return Team.objects.none()


@dataclass
class TeamWeek:
    team: Team
    week_start: dt.date
    respondents: int
    suppressed: bool  # not published (effort_disclosure: under ANONYMITY_MIN): nothing below is shown
    means: dict[str, float | None] = field(default_factory=dict)  # by QUESTIONS; None = withheld
    hardest: list[tuple[str, float]] = field(default_factory=list)  # (type name, share), largest first

    @property
    def mean_list(self) -> list[float | None]:
        return [self.means.get(name) for name in QUESTIONS]


def _tables() -> dict[str, str]:
    through = EffortResponse.hardest_types.through._meta
    return {
        "resp": EffortResponse._meta.db_table,
        "agent": Agent._meta.db_table,
        "hardest": through.db_table,
        "itype": InteractionType._meta.db_table,
    }


# One row per agent and week first (an agent who answered twice in a week counts once, with her
# mean), in the team stored with her last answer of the week (the team she was in when
# answering: history never moves with her); then the figures per team and week, with how many
# agents answered each question. Every team is read (and agents with no team, team_id NULL):
# the disclosure rule looks at a whole week of the center.
AGENT_WEEKS_CTE = """
WITH agent_weeks AS (
    SELECT r.agent_id, (date_trunc('week', r.submitted_at AT TIME ZONE %(tz)s))::date AS week,
           (array_agg(r.team_id ORDER BY r.submitted_at DESC, r.id DESC))[1] AS team_id,
           avg(r.effort) AS effort, avg(r.tools) AS tools,
           avg(r.knowledge_base) AS knowledge_base, avg(r.process) AS process
    FROM {resp} r
    WHERE r.submitted_at >= %(since)s AND r.submitted_at < %(until)s
    GROUP BY 1, 2)
"""
TEAM_WEEKS_SQL = (
    AGENT_WEEKS_CTE
    + """
SELECT team_id, week, count(*),
       avg(effort), count(effort), avg(tools), count(tools),
       avg(knowledge_base), count(knowledge_base), avg(process), count(process)
FROM agent_weeks GROUP BY 1, 2
"""
)
# A type named in any of the agent's answers of the week counts once for her week's team.
TEAM_HARDEST_SQL = (
    AGENT_WEEKS_CTE
    + """
SELECT w.team_id, w.week, t.name, count(DISTINCT w.agent_id)
FROM agent_weeks w
JOIN {resp} r ON r.agent_id = w.agent_id AND r.submitted_at >= %(since)s AND r.submitted_at < %(until)s
     AND (date_trunc('week', r.submitted_at AT TIME ZONE %(tz)s))::date = w.week
JOIN {hardest} h ON h.effortresponse_id = r.id
JOIN {itype} t ON t.id = h.interactiontype_id
WHERE w.team_id = ANY(%(teams)s)
GROUP BY 1, 2, 3
"""
)


def _week_params(since: dt.date, until: dt.date, teams: list[int]) -> dict:
    tz = tenant_tz()
    return {"tz": str(tz), "teams": teams, "since": local_midnight(since, tz), "until": local_midnight(until, tz)}


def _team_weeks(params: dict) -> tuple[list[tuple], set[tuple[int, dt.date]]]:
    """Every team's week rows of TEAM_WEEKS_SQL, and the (team, week) pairs the disclosure rule
    publishes (common.privacy.effort_disclosure, the rule of the aes snapshots too)."""
    with connection.cursor() as cur:
        cur.execute(TEAM_WEEKS_SQL.format(**_tables()), params)
        rows = cur.fetchall()
    by_week: dict[dt.date, dict[int, int]] = {}
    totals: dict[dt.date, int] = {}
    for team_id, week, respondents, *_ in rows:
        totals[week] = totals.get(week, 0) + respondents
        if team_id is not None:
            by_week.setdefault(week, {})[team_id] = respondents
    published = {
        (team_id, week)
        for week, total in totals.items()
        for team_id in effort_disclosure(by_week.get(week, {}), total).groups
    }
    return rows, published


def effort_by_team(*, fetched_by, weeks: int = 12, now: dt.datetime | None = None) -> list[TeamWeek]:
    """Per visible team and complete week (oldest first): respondents, mean effort, tools,
    knowledge base and process, and the share of respondents naming each type hardest.
    Weeks without answers are absent; weeks the disclosure rule does not publish are suppressed.
    Means are rounded as published (common.privacy.effort_rounded), as in the aes snapshots."""
    teams = {team.pk: team for team in effort_teams_visible_to(fetched_by=fetched_by)}
    if not teams:
        return []
    until = this_monday(now)
    params = _week_params(until - dt.timedelta(weeks=weeks), until, list(teams))
    week_rows, published = _team_weeks(params)
    with connection.cursor() as cur:
        cur.execute(TEAM_HARDEST_SQL.format(**_tables()), params)
        hardest_rows = cur.fetchall()
    result: dict[tuple[int, dt.date], TeamWeek] = {}
    for team_id, week, respondents, *pairs in week_rows:
        if team_id not in teams:
            continue
        suppressed = (team_id, week) not in published
        means = {}
        for name, (mean, answered) in zip(QUESTIONS, zip(pairs[::2], pairs[1::2], strict=True), strict=True):
            means[name] = None if suppressed or answered < ANONYMITY_MIN else effort_rounded(float(mean))
        result[(team_id, week)] = TeamWeek(teams[team_id], week, respondents, suppressed, means)
    for team_id, week, type_name, namers in hardest_rows:
        row = result[(team_id, week)]
        if not row.suppressed:
            row.hardest.append((type_name, namers / row.respondents))
    for row in result.values():
        row.hardest.sort(key=lambda pair: (-pair[1], pair[0]))
    return sorted(result.values(), key=lambda row: (row.team.name, row.week_start))


# --- the effort gap: agents' effort beside customers' CES, per interaction type -------------

# Fixed four-week blocks from a Monday epoch: a sliding window would differ from yesterday's by
# one week, and comparing the two would expose that week's few answers.
GAP_WEEKS = 4
GAP_EPOCH = dt.date(2024, 1, 1)  # a Monday
# "Customers struggle": mean CES at or below the scale's middle ("neither easy nor hard").
CES_STRUGGLE = 4.0
# "Agents struggle": at least a third of the respondents name the type among the hardest.
AGENT_STRUGGLE_SHARE = 1 / 3


def effort_gap_block(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The latest complete block: (first Monday, Monday after the last day)."""
    end = this_monday(now)
    end -= dt.timedelta(weeks=((end - GAP_EPOCH).days // 7) % GAP_WEEKS)
    return end - dt.timedelta(weeks=GAP_WEEKS), end


@dataclass
class GapRow:
    type_name: str
    ces_mean: float | None
    ces_n: int
    share: float | None  # of respondents naming the type hardest; None = withheld
    both_struggle: bool = False


@dataclass
class EffortGap:
    start: dt.date
    end: dt.date  # exclusive
    respondents: int
    suppressed: bool
    rows: list[GapRow]


# The agents' side counts only the team-weeks the disclosure rule publishes (the weeks of the
# results page): a suppressed team-week never enters a figure here, so no page minus another
# gives it back. It shows who names a type, never an effort mean: a mean over "the answers that
# named billing" would be a second split of the published weekly means, and the week's mean
# minus the namers' would give the few who did not name it.
GAP_CELLS_CTE = """,
cells AS (SELECT * FROM unnest(%(cell_teams)s::bigint[], %(cell_weeks)s::date[]) AS c(team_id, week)),
counted AS (SELECT w.* FROM agent_weeks w JOIN cells c ON c.team_id = w.team_id AND c.week = w.week)
"""
GAP_AGENTS_SQL = AGENT_WEEKS_CTE + GAP_CELLS_CTE + "SELECT count(DISTINCT agent_id) FROM counted"
GAP_HARDEST_SQL = (
    AGENT_WEEKS_CTE
    + GAP_CELLS_CTE
    + """
SELECT t.name, count(DISTINCT w.agent_id)
FROM counted w
JOIN {resp} r ON r.agent_id = w.agent_id AND r.submitted_at >= %(since)s AND r.submitted_at < %(until)s
     AND (date_trunc('week', r.submitted_at AT TIME ZONE %(tz)s))::date = w.week
JOIN {hardest} h ON h.effortresponse_id = r.id JOIN {itype} t ON t.id = h.interactiontype_id
GROUP BY t.name
"""
)
# A response belongs to the period of the interaction it rates (kpis.md). Managers see the
# CES of their teams' contacts; admins every contact of the type.
GAP_CES_SQL = """
SELECT t.name, avg(s.score), count(*)
FROM {survey} s JOIN {interaction} i ON i.id = s.interaction_id JOIN {itype} t ON t.id = i.interaction_type_id
LEFT JOIN {agent} a ON a.id = i.agent_id
WHERE s.survey = 'ces' AND i.offered_at >= %(since)s AND i.offered_at < %(until)s
  AND (%(everyone)s OR a.team_id = ANY(%(teams)s))
GROUP BY t.name
"""


def effort_gap(*, fetched_by, now: dt.datetime | None = None) -> EffortGap | None:
    """Per interaction type: customers' mean CES and the share of agents naming it hardest, over
    the latest complete block. None for callers who see no team."""
    teams = list(effort_teams_visible_to(fetched_by=fetched_by).values_list("pk", flat=True))
    if not teams:
        return None
    start, end = effort_gap_block(now)
    params: dict = _week_params(start, end, teams)
    _, published = _team_weeks(params)
    cells = sorted(cell for cell in published if cell[0] in teams)
    params |= {
        "everyone": getattr(fetched_by, "role", None) == Role.ADMIN,
        "cell_teams": [team for team, _ in cells],
        "cell_weeks": [week for _, week in cells],
    }
    tables = {**_tables(), "survey": SurveyResponse._meta.db_table, "interaction": Interaction._meta.db_table}
    with connection.cursor() as cur:
        cur.execute(GAP_AGENTS_SQL.format(**tables), params)
        respondents = cur.fetchone()[0]
        cur.execute(GAP_HARDEST_SQL.format(**tables), params)
        hardest = dict(cur.fetchall())
        cur.execute(GAP_CES_SQL.format(**tables), params)
        ces = {name: (float(mean), n) for name, mean, n in cur.fetchall()}
    suppressed = respondents < ANONYMITY_MIN
    rows = []
    for name in sorted(set(ces) | (set() if suppressed else set(hardest))):
        ces_mean, ces_n = ces.get(name, (None, 0))
        share = None if suppressed else hardest.get(name, 0) / respondents
        row = GapRow(name, ces_mean, ces_n, share)
        row.both_struggle = (
            ces_mean is not None and ces_mean <= CES_STRUGGLE and share is not None and share >= AGENT_STRUGGLE_SHARE
        )
        rows.append(row)
    rows.sort(key=lambda r: (not r.both_struggle, -(r.share or 0), r.ces_mean if r.ces_mean is not None else 8))
    return EffortGap(start, end, respondents, suppressed, rows)
