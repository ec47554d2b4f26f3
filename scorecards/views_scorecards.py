"""Manager and agent scorecard pages: KPI values of one group and period with n, interval and
target band, a team's agents by name, weekly trends. The drill-down lives in
views_scorecards_drilldown.py. Reads go through selectors_scorecards (who-is-asking scoped).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Agent
from accounts.selectors import agents_visible_to, own_agent, teams_visible_to
from common import periods
from common.access import ADMIN, AGENT, MANAGER, role_required
from common.charts import ChartPoint, ChartSeries, chart
from common.privacy import TEAM_DISTRIBUTION_MIN_TEAMMATES
from interactions.models import Channel, InteractionType, Queue
from tenants.current import current_tenant

from . import page_cache
from . import selectors_scorecards as selectors
from .catalogue import KPIS
from .formatting import PERIOD_LINKS, chart_axis, chart_value, distribution, group_label, kpi_card, period_text
from .models import Period
from .targets import target_in_force

# The team table's columns: outcomes first; AHT and its index are there to explain them and
# the table is never sorted by them (it is sorted by name).
AGENT_COLUMNS = ("fcr", "csat", "nps", "qa_score", "repeat_rate", "transfer_rate", "adherence", "aht", "aht_index")
DEFAULT_TREND = "fcr"


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, initial=Period.WEEK)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Any day in the period; empty: the last complete one."),
    )
    kpi = forms.ChoiceField(label=_("Trend of"), required=False)

    def __init__(self, *args, scope: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # An agent's page offers the KPIs measured per agent; the manager's page every KPI.
        kpi_field = self.fields["kpi"]
        assert isinstance(kpi_field, forms.ChoiceField)  # declared above
        kpi_field.choices = [(k.code, k.label) for k in KPIS.values() if scope is None or scope in k.scopes]

    def resolve(self, today: dt.date) -> tuple[str, dt.date, str]:
        """(period, its first day, trend KPI): the defaults where the form is empty or wrong."""
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that are valid, even if one is not
        data = getattr(self, "cleaned_data", {})
        period = data.get("period") or Period.WEEK
        day = data.get("date")
        start = periods.period_start(period, day) if day else periods.last_complete_period_start(period, today)
        return period, start, data.get("kpi") or DEFAULT_TREND


class ScorecardForm(PeriodForm):
    team = forms.ChoiceField(label=_("Team"), required=False)
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.all(),
        to_field_name="name",
        required=False,
        empty_label=_("All queues"),
    )
    interaction_type = forms.ModelChoiceField(
        label=_("Interaction type"),
        queryset=InteractionType.objects.all(),
        to_field_name="name",
        required=False,
        empty_label=_("All types"),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All channels")), *Channel.choices], required=False)
    field_order = ["team", "queue", "interaction_type", "channel", "period", "date", "kpi"]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(str(t.pk), t.name) for t in teams] + [("all", _("Whole contact center"))]

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("queue", "interaction_type", "channel") if data.get(name)]
        if len(chosen) > 1:
            # Snapshots describe one group at a time: "queue Billing AND chat" was never computed.
            raise forms.ValidationError(
                _("Choose one of queue, interaction type or channel: KPIs are computed for one group at a time.")
            )
        return data


def drill_url(*, kpi: str, scope: str, key: str, period: str, start: dt.date) -> str | None:
    if not selectors.drillable(kpi):
        return None
    query = {"scope": scope, "key": key, "period": period, "start": start.isoformat(), "kpi": kpi}
    return reverse("kpi_drilldown") + "?" + urlencode(query)


def _cards(codes, snapshots, targets, **group) -> list[dict]:
    return [
        kpi_card(code, snapshots.get(code), target=targets.get(code), drill_url=drill_url(kpi=code, **group))
        for code in codes
    ]


def _sections(scope: str, snapshots: dict, targets: dict, **group) -> dict:
    """North-star KPIs against targets, diagnostics beside them, then the other KPIs that
    have a value (a long list of dashes helps nobody)."""
    in_scope = [k for k in KPIS.values() if scope in k.scopes]
    north = [k.code for k in in_scope if k.north_star]
    diagnostic = [k.code for k in in_scope if k.diagnostic]
    other = [k.code for k in in_scope if not (k.north_star or k.diagnostic) and k.code in snapshots]
    return {
        "north_star": _cards(north, snapshots, targets, scope=scope, **group),
        "diagnostics": _cards(diagnostic, snapshots, targets, scope=scope, **group),
        "others": _cards(other, snapshots, targets, scope=scope, **group),
    }


class Trend(TypedDict):
    kpi: str
    label: str
    measured: bool
    rows: list[dict[str, Any]]  # a kpi_card and its week_start
    chart: dict[str, Any] | None  # common.charts.chart


def _trend_point(kpi: str, week_start: dt.date, card: dict) -> ChartPoint:
    """One week of the trend: plotted only when reliable (a point would look like a fact), but
    the table and tooltip keep its value, interval and n with the words "insufficient data"."""
    snapshot = card["snapshot"]
    reliable = snapshot is not None and not snapshot.insufficient_data
    return ChartPoint(
        label=formats.date_format(week_start, "j M"),
        value=chart_value(kpi, snapshot.value) if reliable else None,
        text=card["value"],
        n=card["n"],
        low=chart_value(kpi, snapshot.ci_low) if reliable else None,
        high=chart_value(kpi, snapshot.ci_high) if reliable else None,
        interval=card["interval"],
        date=week_start,
        note=gettext("insufficient data") if card["state"] == "insufficient" else "",
        url=card["drill_url"],
    )


def _trend(*, fetched_by, scope: str, key: str, kpi: str, end: dt.date) -> Trend:
    """The 12 weeks up to the one holding the period's last day ``end - 1``, as table rows and chart data."""
    entry = KPIS[kpi]
    trend: Trend = {"kpi": kpi, "label": str(entry.label), "measured": scope in entry.scopes, "rows": [], "chart": None}
    if not trend["measured"]:
        return trend
    last_week = periods.week_start(end - dt.timedelta(days=1))
    points = selectors.weekly_trend(fetched_by=fetched_by, scope=scope, key=key, kpi=kpi, last_week=last_week)
    for point in points:
        trend["rows"].append(
            {
                "week_start": point.week_start,
                **kpi_card(
                    kpi,
                    point.snapshot,
                    drill_url=drill_url(kpi=kpi, scope=scope, key=key, period=Period.WEEK, start=point.week_start),
                ),
            }
        )
    if any(p.snapshot for p in points):
        series = ChartSeries(entry.label, [_trend_point(kpi, row["week_start"], row) for row in trend["rows"]])
        trend["chart"] = chart(
            "trend",
            title=gettext("%(kpi)s by week, last 12 weeks") % {"kpi": entry.label},
            series=[series],
            axis=chart_axis(kpi),
            x_title=gettext("Week starting"),
            period_header=gettext("Week of"),
            value_header=gettext("Value"),
        )
    return trend


def _neighbours(period: str, start: dt.date, end: dt.date, today: dt.date) -> dict:
    """Dates for the previous / next period links (no next period that has not begun)."""
    return {
        "previous_date": periods.previous_period_start(period, start).isoformat(),
        "next_date": end.isoformat() if end <= today else None,
    }


def _chosen_team(raw: str | None, teams: list):
    """The team of the URL: empty picks the caller's first team, "all" the whole contact
    center; an id that is not one of the caller's teams is a 404 (not yours = not there)."""
    if not raw:
        return teams[0] if teams else None
    if raw == "all":
        return None
    by_id = {str(t.pk): t for t in teams}
    if raw not in by_id:
        raise Http404("No such team.")
    return by_id[raw]


@role_required(ADMIN, MANAGER)
def scorecard(request):
    tenant = current_tenant()
    today = timezone.localdate(timezone=tenant.tz)
    teams = list(teams_visible_to(fetched_by=request.user).prefetch_related(None))
    if request.user.role == MANAGER and not teams:
        return render(request, "scorecards/no_team.html")
    team = _chosen_team(request.GET.get("team"), teams)
    # Read on every request: the cached content is keyed by them (scorecards/page_cache.py).
    agents = _team_agents(request.user, team)
    version = page_cache.data_version()
    key = page_cache.content_key(
        version=version or "",
        today=today,
        scope=(
            request.user.role,
            tuple((t.pk, t.name) for t in teams),
            tuple((a.pk, a.acd_login, str(a), a.user_id) for a in agents),
        ),
        query=sorted(request.GET.lists()),
    )
    content = cache.get(key) if version else None
    if content is None:
        context = _scorecard_content(request, tenant, today, teams, team, agents)
        content = {
            "html": render_to_string("scorecards/scorecard_content.html", context, request=request),
            "has_chart": bool(context["trend"]["chart"]),
        }
        if version:
            cache.set(key, content, page_cache.CONTENT_SECONDS)
    return render(
        request,
        "scorecards/scorecard.html",
        {"content": mark_safe(content["html"]), "has_chart": content["has_chart"]},  # noqa: S308  (our own rendering)
    )


def _team_agents(user, team) -> list[Agent]:
    """The team's agents by name (never ranked); none for the whole contact center."""
    if team is None:
        return []
    return sorted(agents_visible_to(fetched_by=user).filter(team=team), key=lambda a: (str(a).lower(), a.acd_login))


def _scorecard_content(request, tenant, today: dt.date, teams: list, team, agents: list[Agent]) -> dict:
    form = ScorecardForm(request.GET or None, teams=teams)
    period, start, trend_kpi = form.resolve(today)
    # With two groups chosen at once (a form error) the page falls back to the team view.
    data = form.cleaned_data if form.is_bound and not form.non_field_errors() else {}
    queue, itype, channel = data.get("queue"), data.get("interaction_type"), data.get("channel") or None
    if queue:
        scope, key = "queue", queue.name
    elif itype:
        scope, key = "interaction_type", itype.name
    elif channel:
        scope, key = "channel", channel
    elif team:
        scope, key = "team", team.name
    else:
        scope, key = "tenant", "all"
    if not form.errors:  # show what the page shows: the resolved team and period
        form = ScorecardForm(
            teams=teams,
            initial={
                "team": str(team.pk) if team else "all",
                "queue": queue,
                "interaction_type": itype,
                "channel": channel or "",
                "period": period,
                "date": start,
                "kpi": trend_kpi,
            },
        )
    end = periods.next_period_start(period, start)
    snapshots = selectors.group_snapshots(fetched_by=request.user, scope=scope, key=key, period=period, start=start)
    # The most specific target of the group shown; a channel has no target of its own.
    team_for_target = team if scope == "team" else None
    targets = {
        k.code: target_in_force(kpi=k.code, team=team_for_target, queue=queue, interaction_type=itype, on=start)
        for k in KPIS.values()
        if k.north_star
    }
    group = {"key": key, "period": period, "start": start}
    table = _team_table(request.user, agents, targets, **group) if scope == "team" else None
    return {
        "form": form,
        "period_links": PERIOD_LINKS[period],
        "team": team,
        "scope": scope,
        "key": key,
        "group_label": group_label(scope, key),
        "period": period,
        "start": start,
        "period_text": period_text(period, start, end),
        "has_snapshots": bool(snapshots),
        **_sections(scope, snapshots, targets, **group),
        "agent_columns": [KPIS[c] for c in AGENT_COLUMNS],
        "agents": table,
        "single_dimension": scope in ("queue", "interaction_type", "channel"),
        "trend": _trend(fetched_by=request.user, scope=scope, key=key, kpi=trend_kpi, end=end),
        **_neighbours(period, start, end, today),
        "timezone": tenant.timezone,
        "min_sample": tenant.min_sample,
    }


def _team_table(user, agents: list[Agent], targets: dict, *, key: str, period: str, start: dt.date) -> list[dict]:
    """One row per agent of the team (_team_agents), one card per key KPI."""
    snapshots = selectors.agent_snapshots(
        fetched_by=user, logins=[a.acd_login for a in agents], kpis=list(AGENT_COLUMNS), period=period, start=start
    )
    return [
        {
            "agent": agent,
            "cards": [
                kpi_card(
                    code,
                    snapshots.get((agent.acd_login, code)),
                    target=targets.get(code),
                    drill_url=drill_url(kpi=code, scope="agent", key=agent.acd_login, period=period, start=start),
                )
                for code in AGENT_COLUMNS
            ],
        }
        for agent in agents
    ]


# --- the agent's own page ----------------------------------------------------------------


@role_required(ADMIN, MANAGER, AGENT)
def agent_scorecard(request, pk: int):
    agent = get_object_or_404(agents_visible_to(fetched_by=request.user), pk=pk)
    return _agent_page(request, agent)


@role_required(AGENT)
def my_scorecard(request):
    agent = own_agent(fetched_by=request.user)
    if agent is None:
        raise Http404("No agent record is linked to this login.")
    return _agent_page(request, agent)


def _agent_page(request, agent: Agent):
    tenant = current_tenant()
    today = timezone.localdate(timezone=tenant.tz)
    form = PeriodForm(request.GET or None, scope="agent")
    period, start, trend_kpi = form.resolve(today)
    if not form.errors:
        form = PeriodForm(scope="agent", initial={"period": period, "date": start, "kpi": trend_kpi})
    end = periods.next_period_start(period, start)
    snapshots = selectors.group_snapshots(
        fetched_by=request.user, scope="agent", key=agent.acd_login, period=period, start=start
    )
    codes = [k.code for k in KPIS.values() if "agent" in k.scopes]
    targets = {code: target_in_force(kpi=code, team=agent.team, on=start) for code in codes if KPIS[code].north_star}
    sections = _sections("agent", snapshots, targets, key=agent.acd_login, period=period, start=start)
    values = selectors.team_distributions(agent=agent, kpis=codes, period=period, start=start)
    for cards in sections.values():
        for card in cards:
            card["distribution"] = distribution(values.get(card["code"], []), card["snapshot"], card["code"])
    return render(
        request,
        "scorecards/agent_scorecard.html",
        {
            "agent": agent,
            "form": form,
            "period_links": PERIOD_LINKS[period],
            "period": period,
            "start": start,
            "period_text": period_text(period, start, end),
            "has_snapshots": bool(snapshots),
            **sections,
            "trend": _trend(fetched_by=request.user, scope="agent", key=agent.acd_login, kpi=trend_kpi, end=end),
            "own_page": agent.user_id == request.user.pk,
            **_neighbours(period, start, end, today),
            "timezone": tenant.timezone,
            "min_sample": tenant.min_sample,
            "min_teammates": TEAM_DISTRIBUTION_MIN_TEAMMATES,
        },
    )
