"""What a scorecard report says: pure reads of the KPI snapshots, as the recipient may see them.

``report_content(recipient=mona, cadence="week", start=date(2026, 3, 9))`` is the context of
her email, CSV and PDF: one section per group of her subscriptions of that cadence (each of her
teams, or the whole center for an admin) with the north-star KPIs against their targets, the
other KPIs that have a value, and for a team its agents by name (never ranked). Values are the
snapshots the scorecard pages show, read through the same who-is-asking selectors, so a
manager's report never holds another team's agents and the engine's privacy rules (the effort
pulse's minimum group size) apply as they do on the pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.selectors import agents_visible_to, teams_visible_to
from coaching.digest import tenant_url
from common.periods import next_period_start, period_last_day
from scorecards import selectors_scorecards as snapshots
from scorecards.catalogue import KPIS
from scorecards.formatting import kpi_card
from scorecards.targets import target_in_force
from scorecards.views_scorecards import AGENT_COLUMNS
from tenants.current import current_tenant

from .models import ReportSubscription, Scope


@dataclass
class AgentRow:
    name: str
    login: str
    cards: list[dict]


@dataclass
class Section:
    title: str
    scope: str  # the snapshots' scope: "team" or "tenant"
    key: str
    link: str
    north_star: list[dict] = field(default_factory=list)
    others: list[dict] = field(default_factory=list)
    agents: list[AgentRow] = field(default_factory=list)
    has_values: bool = False


def _section(recipient: User, *, team: Team | None, period: str, start: dt.date) -> Section:
    scope, key = ("team", team.name) if team else ("tenant", "all")
    values = snapshots.group_snapshots(fetched_by=recipient, scope=scope, key=key, period=period, start=start)
    in_scope = [k for k in KPIS.values() if scope in k.scopes]
    cards = {
        k.code: kpi_card(
            k.code,
            values.get(k.code),
            target=target_in_force(kpi=k.code, team=team, on=start) if k.north_star else None,
        )
        for k in in_scope
        if k.north_star or k.code in values
    }
    query = f"?period={period}&date={start.isoformat()}" + (f"&team={team.pk}" if team else "&team=all")
    section = Section(
        title=team.name if team else _("Whole contact center"),
        scope=scope,
        key=key,
        link=tenant_url(reverse("scorecard") + query),
        north_star=[card for code, card in cards.items() if KPIS[code].north_star],
        others=[card for code, card in cards.items() if not KPIS[code].north_star],
        has_values=bool(values),
    )
    if team is not None:
        agents = sorted(
            agents_visible_to(fetched_by=recipient).filter(team=team), key=lambda a: (str(a).lower(), a.acd_login)
        )
        rows = snapshots.agent_snapshots(
            fetched_by=recipient,
            logins=[a.acd_login for a in agents],
            kpis=list(AGENT_COLUMNS),
            period=period,
            start=start,
        )
        section.agents = [
            AgentRow(str(a), a.acd_login, [kpi_card(code, rows.get((a.acd_login, code))) for code in AGENT_COLUMNS])
            for a in agents
        ]
    return section


def _teams_of(subscription: ReportSubscription, recipient: User) -> list[Team | None]:
    """The groups of one subscription as they stand today: None is the whole center. A team
    the recipient may no longer see (a manager moved elsewhere) is left out."""
    visible = teams_visible_to(fetched_by=recipient).order_by("name")
    if subscription.scope == Scope.CENTER:
        return [None]
    if subscription.scope == Scope.MY_TEAMS:
        return list(visible.filter(managers=recipient))
    if subscription.team_id is None:  # the model's check constraint rules it out
        return []
    return list(visible.filter(pk=subscription.team_id))


def period_label(cadence: str, start: dt.date) -> str:
    """ "the week of Mon 9 Mar to Sun 15 Mar 2026" or "March 2026", in the active language."""
    if cadence == "month":
        return date_format(start, "F Y")
    return _("the week of %(first)s to %(last)s") % {
        "first": date_format(start, "D j M"),
        "last": date_format(period_last_day(cadence, start), "D j M Y"),
    }


def report_content(*, recipient: User, cadence: str, start: dt.date) -> dict:
    """The report of one recipient and period (``cadence`` "week" or "month", ``start`` its first day)."""
    tenant = current_tenant()
    groups: list[Team | None] = []
    subscriptions = ReportSubscription.objects.filter(recipient=recipient, cadence=cadence)
    for subscription in subscriptions.order_by("scope", "team__name"):
        groups += [g for g in _teams_of(subscription, recipient) if g not in groups]
    return {
        "tenant_name": tenant.name,
        "recipient": recipient,
        "cadence": cadence,
        "start": start,
        "last_day": period_last_day(cadence, start),
        "period_label": period_label(cadence, start),
        "end": next_period_start(cadence, start),
        "min_sample": tenant.min_sample,
        "timezone": tenant.timezone,
        "agent_columns": [KPIS[code] for code in AGENT_COLUMNS],
        "sections": [_section(recipient, team=g, period=cadence, start=start) for g in groups],
        "subscriptions_link": tenant_url(reverse("report_subscriptions")),
    }
