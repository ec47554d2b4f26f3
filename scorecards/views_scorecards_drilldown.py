"""The contacts behind one KPI value: a page of 50 and the same list as a streamed CSV.

``/kpis/drilldown/?scope=team&key=North&period=week&start=2026-03-02&kpi=aht[&format=csv]``.
Anything that does not name a group the caller may see is a 404 (selectors_scorecards).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Agent, Team
from common.access import ADMIN, AGENT, MANAGER, role_required
from common.csv_export import csv_download, csv_line_writer, text_cell
from tenants.current import current_tenant

from . import selectors_scorecards as selectors
from .catalogue import ALL_SCOPES, KPIS
from .formatting import group_label, kpi_card, period_text
from .models import Period

PAGE_SIZE = 50


class DrilldownForm(forms.Form):
    scope = forms.ChoiceField(choices=[(s, s) for s in ALL_SCOPES])
    key = forms.CharField(max_length=200)
    period = forms.ChoiceField(choices=Period.choices)
    start = forms.DateField()
    kpi = forms.ChoiceField(choices=[(code, code) for code in KPIS])


def _group_and_back(request, drill: selectors.Drilldown) -> tuple[str, str]:
    """How the page names the group, and the scorecard the value came from (same period)."""
    period = {"period": drill.period, "date": drill.start.isoformat()}
    if request.user.role == AGENT:
        return _("you (%(login)s)") % {"login": drill.key}, reverse("my_scorecard") + "?" + urlencode(period)
    if drill.scope == "agent":
        agent = Agent.objects.filter(acd_login=drill.key).first()
        if agent and str(agent) != drill.key:
            label = _("agent %(agent)s (%(login)s)") % {"agent": agent, "login": drill.key}
        else:
            label = _("agent %(login)s") % {"login": drill.key}
        if agent is None:
            return label, reverse("scorecard") + "?" + urlencode(period)
        return label, reverse("agent_scorecard", args=[agent.pk]) + "?" + urlencode(period)
    if drill.scope == "team":
        team = Team.objects.filter(name=drill.key).first()
        filters = {"team": team.pk if team else "all"}
    elif drill.scope == "tenant":
        filters = {"team": "all"}
    else:
        filters = {drill.scope: drill.key}
    label = group_label(drill.scope, drill.key)
    return label, reverse("scorecard") + "?" + urlencode({**filters, **period})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(round(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return text_cell(value)


def _csv_lines(drill: selectors.Drilldown, tz):
    writer = csv_line_writer()
    yield writer.writerow(selectors.COLUMNS)
    # iterator(): a month of a busy queue is many thousand rows; never hold them all.
    for contact in drill.contacts.iterator(chunk_size=2000):
        row = selectors.drilldown_row(drill, contact, tz)
        yield writer.writerow([_cell(row[column]) for column in selectors.COLUMNS])


@role_required(ADMIN, MANAGER, AGENT)
def kpi_drilldown(request):
    form = DrilldownForm(request.GET)
    if not form.is_valid():
        raise Http404("Not a KPI value.")
    tenant = current_tenant()
    params = form.cleaned_data
    drill = selectors.drilldown(
        fetched_by=request.user,
        kpi=params["kpi"],
        scope=params["scope"],
        key=params["key"],
        period=params["period"],
        start=params["start"],
        tenant=tenant,
    )
    if request.GET.get("format") == "csv":
        name = slugify(f"{drill.kpi}-{drill.scope}-{drill.key}-{drill.period}-{drill.start:%Y-%m-%d}")
        return csv_download(_csv_lines(drill, tenant.tz), f"{name}.csv")
    snapshot = selectors.group_snapshots(
        fetched_by=request.user, scope=drill.scope, key=drill.key, period=drill.period, start=drill.start
    ).get(drill.kpi)
    page = Paginator(drill.contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.drilldown_row(drill, contact, tenant.tz) for contact in page.object_list]
    group_label, back_url = _group_and_back(request, drill)
    return render(
        request,
        "scorecards/drilldown.html",
        {
            "drill": drill,
            "kpi": KPIS[drill.kpi],
            "card": kpi_card(drill.kpi, snapshot),
            "group_label": group_label,
            "back_url": back_url,
            "period_text": period_text(drill.period, drill.start, drill.end),
            "population_label": str(selectors.POPULATION_LABELS[drill.population]),
            "page": page,
            "rows": rows,
            "timezone": tenant.timezone,
            "min_sample": tenant.min_sample,
        },
    )
