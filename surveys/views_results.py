"""Manager pages of customer survey results: per group over time, response rate, score
distribution, comments with filters, and a streamed CSV export of the responses.

Managers see their teams' responses (plus the tenant-wide figure, unnamed); agents get 403.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts.selectors import agents_visible_to, teams_visible_to
from common.access import ADMIN, MANAGER, role_required
from common.charts import ChartPoint, ChartSeries, chart
from common.csv_export import csv_download, csv_line_writer, text_cell
from tenants.current import current_tenant

from . import scoring
from .forms import ResultsForm
from .models import SCORE_RANGES
from .selectors import ResponseFilter, responses_filtered, results

DEFAULT_DAYS = 12 * 7
CHART_GROUPS = 8  # more lines than this are unreadable; the table lists every group


def _filters(request) -> tuple[ResultsForm, ResponseFilter, str]:
    form = ResultsForm(
        request.GET or None,
        teams=teams_visible_to(fetched_by=request.user),
        agents=agents_visible_to(fetched_by=request.user),
    )
    data = form.cleaned_data if form.is_valid() else {}
    tz = current_tenant().tz
    end = data.get("end") or timezone.localdate(timezone=tz)
    start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    f = ResponseFilter(
        kind=data.get("kind") or "csat",
        start=min(start, end),
        end=end,
        tz=tz,
        team=data.get("team") or None,
        agent=data.get("agent") or None,
        score_min=data.get("score_min"),
        score_max=data.get("score_max"),
    )
    return form, f, data.get("group_by") or "team"


def _fmt(kind: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}%" if kind == "csat" else f"{value:+.0f}"


def _week_point(kind: str, week: dt.date, value: float | None, dist: dict[int, int]) -> ChartPoint:
    bounds = scoring.headline_interval(kind, dist) if value is not None else None
    low, high = (round(bounds[0], 1), round(bounds[1], 1)) if bounds else (None, None)
    return ChartPoint(
        label=formats.date_format(week, "j M"),
        value=None if value is None else round(value, 1),
        text=_fmt(kind, value),
        n=sum(dist.values()),
        low=low,
        high=high,
        interval=f"{_fmt(kind, low)} – {_fmt(kind, high)}" if bounds else "",
        date=week,
    )


def _weekly_chart(kind: str, res, group_by: str) -> dict:
    label = {"csat": "CSAT %", "nps": "NPS", "ces": _("CES (net)")}[kind]
    series = [
        ChartSeries(g.key, [_week_point(kind, w, res.value(g.weeks.get(w, {})), g.weeks.get(w, {})) for w in res.weeks])
        for g in res.groups[:CHART_GROUPS]
    ]
    return chart(
        "survey",
        title=_("%(kpi)s by week and %(group)s") % {"kpi": label, "group": group_by.replace("_", " ")},
        series=series,
        axis=label,
        x_title=_("Week starting (contacts of that week)"),
        period_header=_("Week of"),
        canvas_id="survey-chart",
        data_id="survey-chart-data",
        table_id="survey-chart-table",
    ) | {"label": label, "weeks": res.weeks}


@role_required(ADMIN, MANAGER)
def survey_results(request):
    form, f, group_by = _filters(request)
    res = results(fetched_by=request.user, f=f, group_by=group_by)
    rows = [
        {
            "key": g.key,
            "n": g.n,
            "value": _fmt(f.kind, res.value(g.dist)),
            "mean": number_format(round(scoring.ces_mean(g.dist) or 0.0, 2), 2) if f.kind == "ces" and g.n else "",
        }
        for g in res.groups
    ]
    chart = _weekly_chart(f.kind, res, group_by)
    low, high = SCORE_RANGES[f.kind]
    total = sum(res.distribution.values())
    distribution = [
        {"score": s, "n": res.distribution.get(s, 0), "pct": res.distribution.get(s, 0) / total * 100 if total else 0}
        for s in range(low, high + 1)
    ]
    return render(
        request,
        "surveys/results.html",
        {
            "form": form,
            "f": f,
            "group_by": group_by,
            "group_label": {
                "team": gettext("team"),
                "agent": gettext("agent"),
                "queue": gettext("queue"),
                "interaction_type": gettext("interaction type"),
            }.get(group_by, group_by),
            "rows": rows,
            "chart": chart,
            "distribution": distribution,
            "overall": _fmt(f.kind, res.value(res.distribution)),
            "n": total,
            "tenant_value": _fmt(f.kind, res.value(res.tenant_dist)),
            "tenant_n": sum(res.tenant_dist.values()),
            "invitations": res.invitations,
            "answered": res.answered,
            "rate": scoring.response_rate(res.answered, res.invitations),
            "query": request.GET.urlencode(),
        },
    )


@role_required(ADMIN, MANAGER)
def survey_comments(request):
    form, f, _ = _filters(request)
    f.comments_only = True
    rows = responses_filtered(fetched_by=request.user, f=f).order_by("-responded_at", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "surveys/comments.html", {"form": form, "f": f, "page": page, "query": request.GET.urlencode()}
    )


COLUMNS = [
    "responded_at",
    "survey",
    "score",
    "comment",
    "source",
    "language",
    "interaction",
    "offered_at",
    "channel",
    "queue",
    "interaction_type",
    "agent",
    "team",
]


def _csv_lines(rows, tz):
    writer = csv_line_writer()
    yield writer.writerow(COLUMNS)
    for r in rows.iterator(chunk_size=2000):  # never hold a year of answers in memory
        i = r.interaction
        yield writer.writerow(
            [
                text_cell(v)
                for v in (
                    timezone.localtime(r.responded_at, tz).strftime("%Y-%m-%d %H:%M:%S"),
                    r.survey,
                    r.score,
                    r.comment,
                    r.source,
                    r.language,
                    i.external_id,
                    timezone.localtime(i.offered_at, tz).strftime("%Y-%m-%d %H:%M:%S"),
                    i.channel,
                    i.queue.name if i.queue_id else "",
                    i.interaction_type.name if i.interaction_type_id else "",
                    i.agent.acd_login if i.agent_id else "",
                    i.agent.team.name if i.agent_id and i.agent.team_id else "",
                )
            ]
        )


@role_required(ADMIN, MANAGER)
def survey_export(request):
    _, f, _ = _filters(request)
    rows = responses_filtered(fetched_by=request.user, f=f).order_by("responded_at", "pk")
    return csv_download(_csv_lines(rows, f.tz), f"{f.kind}-responses-{f.start}-{f.end}.csv")
