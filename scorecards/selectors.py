"""Reads of KPI snapshots, scoped to who is asking ("not yours" looks like "not there").

Admins and API keys read every snapshot. Managers read their teams and their teams'
agents, plus the groups that describe no person (queue, interaction type, channel, tenant).
Agents read their own agent rows only; their pages show teammates only as bands of 5 or more
(selectors_scorecards.team_distributions).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.models import Agent, Role, Team
from common.access import INTEGRATION
from common.periods import period_start

from .models import KpiSnapshot

REPORT_FIELDS = (
    "kpi",
    "scope",
    "key",
    "period",
    "period_start",
    "value",
    "numerator",
    "denominator",
    "n",
    "ci_low",
    "ci_high",
    "insufficient_data",
)
IMPERSONAL_SCOPES = ("queue", "interaction_type", "channel", "tenant")


def snapshots_visible_to(*, fetched_by) -> QuerySet[KpiSnapshot]:
    rows = KpiSnapshot.objects.all()
    role = getattr(fetched_by, "role", None)
    if role in (Role.ADMIN, INTEGRATION):
        return rows
    if role == Role.MANAGER:
        if not Team.objects.filter(managers=fetched_by).exists():
            # A manager of no team (new, or between teams) sees nothing of the center either: the
            # whole center's values and their contacts are every team's work, not hers.
            return rows.none()
        teams = Team.objects.filter(managers=fetched_by).values("name")
        agents = Agent.objects.filter(team__managers=fetched_by).values("acd_login")
        return rows.filter(
            Q(scope__in=IMPERSONAL_SCOPES) | Q(scope="team", key__in=teams) | Q(scope="agent", key__in=agents)
        )
    if role == Role.AGENT:
        return rows.filter(scope="agent", key__in=Agent.objects.filter(user=fetched_by).values("acd_login"))
    return rows.none()


def agent_week_snapshot(*, fetched_by, kpi: str, agent: Agent, week_start: dt.date) -> KpiSnapshot | None:
    """One KPI's value for one agent in the week starting on ``week_start`` (a Monday), or None
    when there is none or the caller may not read it."""
    return (
        snapshots_visible_to(fetched_by=fetched_by)
        .filter(kpi=kpi, scope="agent", key=agent.acd_login, period="week", period_start=week_start)
        .first()
    )


def kpi_report(
    *,
    fetched_by,
    scope: str,
    period: str,
    start: dt.date,
    end: dt.date,
    kpis: list[str] | None = None,
    key: str | None = None,
) -> QuerySet[KpiSnapshot]:
    """Snapshots of every period that overlaps [start, end], ordered for reading."""
    rows = snapshots_visible_to(fetched_by=fetched_by).filter(
        scope=scope, period=period, period_start__gte=period_start(period, start), period_start__lte=end
    )
    if kpis:
        rows = rows.filter(kpi__in=kpis)
    if key is not None:
        rows = rows.filter(key=key)
    return rows.order_by("period_start", "key", "kpi")


def report_row(snapshot: KpiSnapshot) -> dict:
    row = {field: getattr(snapshot, field) for field in REPORT_FIELDS}
    row["period_start"] = snapshot.period_start.isoformat()
    return row
