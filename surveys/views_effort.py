"""Pages of the agent effort pulse: the pulse and history (agents, their own answers only),
aggregated results and the effort gap (managers and admins, never per agent), settings (admins).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.models import Agent
from accounts.selectors import own_agent
from common.access import ADMIN, AGENT, MANAGER, role_required
from common.charts import ChartPoint, ChartSeries
from common.charts import chart as build_chart
from scorecards.selectors import snapshots_visible_to

from . import effort_selectors as selectors
from .effort import effort_response_submit, effort_settings_update
from .forms_effort import EffortPulseForm, EffortSettingsForm
from .middleware import SKIPPED
from .models import ANONYMITY_MIN


def _own_agent(request) -> Agent:
    """The caller's own agent record: there is no way to name another agent on these pages."""
    agent = own_agent(fetched_by=request.user)
    if agent is None:
        raise Http404("No agent record is linked to this login.")
    return agent


def _next_url(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@role_required(AGENT)
def effort_pulse(request):
    agent = _own_agent(request)
    next_url = _next_url(request)
    if request.method == "POST" and "skip" in request.POST:
        request.session[SKIPPED] = True  # "Not now": not asked again until the next login
        return redirect(next_url or "home")
    settings = selectors.effort_pulse_settings()
    next_due = selectors.effort_next_due(agent=agent, settings=settings)
    answered = next_due is not None and timezone.now() < next_due
    form = EffortPulseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            effort_response_submit(
                agent=agent,
                effort=data["effort"],
                tools=data["tools"] or None,
                knowledge_base=data["knowledge_base"] or None,
                process=data["process"] or None,
                hardest_types=data["hardest_types"],
                comment=data["comment"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your answer is in your effort history."))
            return redirect(next_url or "effort_history")
    return render(
        request,
        "surveys/effort_pulse.html",
        {"form": form, "next": next_url or "", "settings": settings, "answered": answered, "next_due": next_due},
    )


@role_required(AGENT)
def effort_history(request):
    agent = _own_agent(request)
    trend = selectors.effort_agent_trend(agent)
    points = [
        ChartPoint(
            label=p.week_start.isoformat(), value=round(p.mean, 2), text=f"{p.mean:.1f}", n=p.n, date=p.week_start
        )
        for p in trend
    ]
    # No interval: one or two answers a week make none worth drawing; the tooltip shows how many.
    chart = build_chart(
        "effort",
        title=_("My mean effort by week"),
        series=[ChartSeries(_("My effort"), points)],
        axis=_("Mean effort (1–7)"),
        x_title=_("Week starting"),
        period_header=_("Week of"),
        y_min=1,
        y_max=7,
    )
    return render(
        request,
        "surveys/effort_history.html",
        {
            "responses": selectors.effort_agent_history(agent),
            "trend": trend,
            "chart": chart,
            "due": selectors.effort_pulse_due(agent=agent),
        },
    )


def _team_chart(user, teams: dict[str, list]) -> dict:
    """Mean effort per team and week as published (rounded, common.privacy), with the interval
    the KPI engine published beside it (its aes snapshot, rounded the same way) where there is one."""
    weeks = sorted({row.week_start for rows in teams.values() for row in rows})
    intervals = {
        (s.key, s.period_start): s
        for s in snapshots_visible_to(fetched_by=user).filter(
            kpi="aes", scope="team", period="week", key__in=list(teams), period_start__in=weeks
        )
    }

    def point(name: str, week, row) -> ChartPoint:
        mean = row.means["effort"] if row is not None else None
        snapshot = intervals.get((name, week)) if mean is not None else None
        low = snapshot.ci_low if snapshot is not None else None
        high = snapshot.ci_high if snapshot is not None else None
        return ChartPoint(
            label=week.isoformat(),
            value=mean,
            text="—" if mean is None else f"{mean:.1f}",
            n=row.respondents if row is not None and not row.suppressed else None,
            low=low,
            high=high,
            interval=f"{low:.1f} – {high:.1f}" if low is not None and high is not None else "",
            date=week,
            note=_("fewer than %(minimum)s") % {"minimum": ANONYMITY_MIN} if row is not None and row.suppressed else "",
        )

    series = []
    for name, team_rows in teams.items():
        by_week = {row.week_start: row for row in team_rows}
        series.append(ChartSeries(name, [point(name, week, by_week.get(week)) for week in weeks]))
    return build_chart(
        "effort",
        title=_("Mean effort per team, last 12 weeks"),
        series=series,
        axis=_("Mean effort (1–7, higher = more)"),
        x_title=_("Week starting"),
        period_header=_("Week of"),
        y_min=1,
        y_max=7,
    )


@role_required(ADMIN, MANAGER)
def effort_results(request):
    rows = selectors.effort_by_team(fetched_by=request.user)
    teams: dict[str, list] = {}
    for row in rows:
        teams.setdefault(row.team.name, []).append(row)
    chart = _team_chart(request.user, teams)
    return render(
        request,
        "surveys/effort_results.html",
        {
            "teams": teams,
            "chart": chart,
            "minimum": ANONYMITY_MIN,
            "visible_teams": selectors.effort_teams_visible_to(fetched_by=request.user),
        },
    )


@role_required(ADMIN, MANAGER)
def effort_gap(request):
    return render(
        request,
        "surveys/effort_gap.html",
        {
            "gap": selectors.effort_gap(fetched_by=request.user),
            "minimum": ANONYMITY_MIN,
            "ces_struggle": selectors.CES_STRUGGLE,
            "agent_share_pct": round(selectors.AGENT_STRUGGLE_SHARE * 100),
        },
    )


@role_required(ADMIN)
def effort_settings(request):
    settings = selectors.effort_pulse_settings()
    form = EffortSettingsForm(
        request.POST or None, initial={"every_days": settings.every_days, "is_active": settings.is_active}
    )
    if request.method == "POST" and form.is_valid():
        effort_settings_update(**form.cleaned_data)
        messages.success(request, _("Effort pulse settings saved."))
        return redirect("effort_settings")
    return render(request, "surveys/effort_settings.html", {"form": form})
