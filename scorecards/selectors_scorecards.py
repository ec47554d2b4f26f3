"""Reads of the scorecard pages: snapshots of one group, weekly trends, an agent's team
distribution, and the drill-down from a KPI value to its contacts (periods: common.periods).

Snapshot reads go through ``snapshots_visible_to``; a group the caller may not see raises
Http404 (not yours looks like not there). Every read is one query whatever the team's size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Agent, Role
from accounts.selectors import agents_visible_to, teams_visible_to
from common.access import INTEGRATION
from common.periods import local_period_range, next_period_start, period_start
from interactions.models import Interaction, Outcome
from interactions.selectors import interactions_visible_to

from .catalogue import KPIS
from .counting import counted_filter
from .models import KpiSnapshot, Period
from .selectors import IMPERSONAL_SCOPES, snapshots_visible_to

TREND_WEEKS = 12


# --- snapshots -----------------------------------------------------------------------------


def group_snapshots(*, fetched_by, scope: str, key: str, period: str, start: dt.date) -> dict[str, KpiSnapshot]:
    """Every KPI of one group and period, by code (empty when the caller may not see it)."""
    rows = snapshots_visible_to(fetched_by=fetched_by).filter(scope=scope, key=key, period=period, period_start=start)
    return {row.kpi: row for row in rows}


def agent_snapshots(
    *, fetched_by, logins: list[str], kpis: list[str], period: str, start: dt.date
) -> dict[tuple[str, str], KpiSnapshot]:
    """The agent rows of a team table in one query, by (ACD login, KPI code)."""
    rows = snapshots_visible_to(fetched_by=fetched_by).filter(
        scope="agent", key__in=logins, kpi__in=kpis, period=period, period_start=start
    )
    return {(row.key, row.kpi): row for row in rows}


@dataclass(frozen=True)
class TrendPoint:
    week_start: dt.date
    snapshot: KpiSnapshot | None


def weekly_trend(
    *, fetched_by, scope: str, key: str, kpi: str, last_week: dt.date, weeks: int = TREND_WEEKS
) -> list[TrendPoint]:
    """The ``weeks`` weeks ending with the week starting ``last_week``, oldest first; a week
    without a snapshot is kept (as None) so the chart and table show the gap."""
    starts = [last_week - dt.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    rows = snapshots_visible_to(fetched_by=fetched_by).filter(
        scope=scope, key=key, kpi=kpi, period=Period.WEEK, period_start__in=starts
    )
    by_week = {row.period_start: row for row in rows}
    return [TrendPoint(start, by_week.get(start)) for start in starts]


def team_distributions(*, agent: Agent, kpis: list[str], period: str, start: dt.date) -> dict[str, list[float]]:
    """For many KPIs in one query: per KPI, the sorted values of the agent's teammates with
    enough data, without names and without her own (agent pages: formatting.distribution turns
    them into bands; these values never reach a page)."""
    if agent.team_id is None:
        return {}
    logins = Agent.objects.filter(team_id=agent.team_id).exclude(pk=agent.pk).values("acd_login")
    values: dict[str, list[float]] = defaultdict(list)
    rows = KpiSnapshot.objects.filter(
        kpi__in=kpis,
        scope="agent",
        key__in=logins,
        period=period,
        period_start=start,
        insufficient_data=False,
        value__isnull=False,
    ).values_list("kpi", "value")
    for kpi, value in rows:
        if value is not None:  # excluded by the query; the type of the column says nullable
            values[kpi].append(value)
    return {kpi: sorted(found) for kpi, found in values.items()}


# --- drill-down: the contacts behind a KPI value -----------------------------------------------

# Which contacts each KPI is computed over (kpis.md; scorecards/queries_facts.py).
POPULATION = {
    **dict.fromkeys(
        (
            "aht",
            "aht_index",
            "avg_talk",
            "acw",
            "avg_hold",
            "transfer_rate",
            "frt",
            "calls_handled",
            "asa",
            "cost_per_call",
        ),
        "handled",
    ),
    "avg_hold_per_held": "held",
    "fcr": "with_customer",
    "repeat_rate": "with_customer",
    "service_level": "offered",
    "abandonment_rate": "offered",
    "longest_wait": "waited",
    "callback_rate": "offered_or_callback",
    **dict.fromkeys(("arrivals", "peak_hour", "blocked_rate"), "arrivals"),
    "csat": "survey:csat",
    "nps": "survey:nps",
    "ces": "survey:ces",
    "ces_mean": "survey:ces",
    "missed_calls": "missed",
    # activity and schedule KPIs: the handled contacts, for context (see NOTES)
    **dict.fromkeys(("occupancy", "adherence", "utilization", "availability", "calls_per_hour"), "handled"),
}
# QA evaluations, agent-effort answers and cases are not contacts offered in the period:
# those values link nowhere rather than to a list that is not what they count.

POPULATION_LABELS = {
    "handled": _("contacts handled (answered by an agent)"),
    "held": _("handled contacts that were put on hold"),
    "with_customer": _("handled contacts with a customer id"),
    "offered": _("offered contacts (answered, or abandoned after the short-abandon threshold)"),
    "waited": _("contacts answered or abandoned (every wait)"),
    "offered_or_callback": _("offered contacts and callbacks"),
    "arrivals": _("arrivals (answered, abandoned or blocked)"),
    "survey:csat": _("contacts with a CSAT response"),
    "survey:nps": _("contacts with an NPS response"),
    "survey:ces": _("contacts with a CES response"),
    "missed": _("contacts the agent was offered and did not answer"),
}

NOTES = {
    "fcr": _(
        "FCR counts the first contacts among these (no handled contact of the same customer in the "
        "repeat window before); a first contact is resolved when it was not transferred, not marked "
        "unresolved, and the customer did not come back within the window."
    ),
    "aht_index": _("The index uses the handled contacts whose interaction type has an expected handle time."),
    "calls_handled": _("The KPI's n also counts the group's contacts that were not handled."),
    "peak_hour": _("The peak hour is the local hour with the most of these arrivals."),
    "cost_per_call": _("Cost per contact divides the period's cost by these contacts."),
    **dict.fromkeys(
        ("occupancy", "availability", "calls_per_hour"),
        _(
            "This KPI comes from agent activity (time in each state), not from contacts: "
            "the contacts handled in the period are listed for context."
        ),
    ),
    **dict.fromkeys(
        ("adherence", "utilization"),
        _(
            "This KPI comes from the schedule and agent activity, not from contacts: "
            "the contacts handled in the period are listed for context."
        ),
    ),
}


def drillable(kpi: str) -> bool:
    return kpi in POPULATION


def _population(name: str, short_abandon_seconds: int) -> Q:
    handled = Q(outcome=Outcome.ANSWERED)
    # A NULL wait is not a short abandon (as in the engine's COALESCE).
    offered = handled | (Q(outcome=Outcome.ABANDONED) & ~Q(wait_seconds__lt=short_abandon_seconds))
    if name.startswith("survey:"):
        return Q(survey_responses__survey=name.removeprefix("survey:"))
    return {
        "handled": handled,
        "held": handled & Q(hold_seconds__gt=0),
        "with_customer": handled & Q(customer_id__isnull=False),
        "offered": offered,
        "waited": Q(outcome__in=(Outcome.ANSWERED, Outcome.ABANDONED)),
        "offered_or_callback": offered | Q(outcome=Outcome.CALLBACK),
        "arrivals": Q(outcome__in=(Outcome.ANSWERED, Outcome.ABANDONED, Outcome.BLOCKED)),
        "missed": Q(),  # the group filter does it: missed_by names the agent(s)
    }[name]


def _group(scope: str, key: str, *, missed: bool) -> Q:
    """The engine's scope keys: the handling agent's login, that agent's (current) team, the
    queue, type and channel names; missed contacts belong to the agents in missed_by."""
    if missed:
        if scope == "agent":
            return Q(missed_by__contains=[key])
        if scope == "team":
            return Q(missed_by__overlap=list(Agent.objects.filter(team__name=key).values_list("acd_login", flat=True)))
        return Q(missed_by__len__gt=0)
    return {
        "agent": Q(agent__acd_login=key),
        "team": Q(agent__team__name=key),
        "queue": Q(queue__name=key),
        "interaction_type": Q(interaction_type__name=key),
        "channel": Q(channel=key),
        "tenant": Q(),
    }[scope]


def group_visible(*, fetched_by, scope: str, key: str) -> bool:
    """Admins see every group; managers their teams, their teams' agents and the groups that
    describe no person; agents only themselves."""
    role = getattr(fetched_by, "role", None)
    if role in (Role.ADMIN, INTEGRATION):
        return True
    if role == Role.MANAGER:
        if not teams_visible_to(fetched_by=fetched_by).exists():
            return False  # a manager of no team: nothing, not even the center (snapshots_visible_to)
        if scope == "agent":
            return agents_visible_to(fetched_by=fetched_by).filter(acd_login=key).exists()
        if scope == "team":
            return teams_visible_to(fetched_by=fetched_by).filter(name=key).exists()
        return scope in IMPERSONAL_SCOPES
    if role == Role.AGENT:
        return scope == "agent" and Agent.objects.filter(user=fetched_by, acd_login=key).exists()
    return False


@dataclass
class Drilldown:
    kpi: str
    scope: str
    key: str
    period: str
    start: dt.date
    end: dt.date  # first day after the period
    population: str
    note: str
    contacts: QuerySet[Interaction]
    # Agents whose names the caller may read (None: all); the others show as ``hidden_label``.
    named_agent_ids: set[int] | None
    hidden_label: str = "(another team)"
    # An agent sees contacts someone else handled (the ones she missed) without how they went:
    # handle time, transfer and resolution would be a colleague's performance.
    hide_others_work: bool = False

    def hidden(self, contact: Interaction) -> bool:
        return (
            contact.agent_id is not None
            and self.named_agent_ids is not None
            and contact.agent_id not in self.named_agent_ids
        )

    def agent_label(self, contact: Interaction) -> str:
        if contact.agent_id is None:
            return ""
        return self.hidden_label if self.hidden(contact) else str(contact.agent)


def drilldown(*, fetched_by, kpi: str, scope: str, key: str, period: str, start: dt.date, tenant) -> Drilldown:
    """The contacts that count (scorecards.counting, as in the engine) of the group whose
    offered_at (local time) falls in the period, limited to the KPI's population. Raises
    Http404 for a KPI without one or a group not visible."""
    entry = KPIS.get(kpi)
    if entry is None or not drillable(kpi) or scope not in entry.scopes or period not in Period.values:
        raise Http404("No contacts behind this KPI.")
    if not group_visible(fetched_by=fetched_by, scope=scope, key=key):
        raise Http404("No such group.")
    start = period_start(period, start)
    end = next_period_start(period, start)
    population = POPULATION[kpi]
    missed = population == "missed"
    # Agent and team scopes are the caller's own contacts anyway; missed contacts and the
    # impersonal scopes include contacts handled elsewhere, listed without the agent's name.
    personal = scope in ("agent", "team") and not missed
    base = (
        interactions_visible_to(fetched_by=fetched_by)
        if personal
        else Interaction.objects.select_related("queue", "interaction_type", "agent")
    )
    lo, hi = local_period_range(period, start, tenant.tz)
    contacts = (
        base.filter(offered_at__gte=lo, offered_at__lt=hi)
        .filter(_group(scope, key, missed=missed))
        .filter(_population(population, tenant.short_abandon_seconds))
        .filter(counted_filter())
        .order_by("offered_at", "pk")
    )
    role = getattr(fetched_by, "role", None)
    named = None
    if role not in (Role.ADMIN, INTEGRATION):
        named = set(agents_visible_to(fetched_by=fetched_by).values_list("pk", flat=True))
    return Drilldown(
        kpi=kpi,
        scope=scope,
        key=key,
        period=period,
        start=start,
        end=end,
        population=population,
        note=str(NOTES.get(kpi, "")),
        contacts=contacts,
        named_agent_ids=named,
        hide_others_work=role == Role.AGENT,
        hidden_label=str(_("(another agent)") if role == Role.AGENT else _("(another team)")),
    )


COLUMNS = (
    "external_id",
    "offered",
    "channel",
    "queue",
    "type",
    "agent",
    "outcome",
    "wait",
    "handle",
    "transferred",
    "resolved",
)


def drilldown_row(drill: Drilldown, contact: Interaction, tz: ZoneInfo) -> dict:
    """One listed contact, the same for the page and the CSV export."""
    others_work = drill.hide_others_work and drill.hidden(contact)
    row = {
        "external_id": contact.external_id,
        "offered": contact.offered_at.astimezone(tz),
        "channel": contact.channel,
        "queue": contact.queue.name if contact.queue is not None else "",
        "type": contact.interaction_type.name if contact.interaction_type is not None else "",
        "agent": drill.agent_label(contact),
        "outcome": contact.outcome,
        "wait": contact.wait_seconds,
        "handle": contact.handle_seconds if contact.outcome == Outcome.ANSWERED else None,
        "transferred": contact.transferred,
        "resolved": contact.resolved,
    }
    if others_work:
        row.update(handle=None, transferred=None, resolved=None)
    return row
