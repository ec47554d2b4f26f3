"""One shape for every chart: what static/js/charts.js draws and what the table beside it lists.

A view turns its figures into ChartSeries of ChartPoints (already formatted as the page shows
them) and passes ``chart(...)`` to templates/charts/_chart.html. The same points become the
JSON of the canvas and the rows of its table, so the two cannot disagree. Pure: no ORM.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChartPoint:
    label: str  # the x-axis tick
    value: float | None  # plotted; None leaves a gap (no value, or too little data to draw)
    text: str = "—"  # the value as the page writes it
    n: float | None = None  # the sample behind the value; None where it means nothing
    low: float | None = None  # interval bounds on the plotted scale; None: no interval
    high: float | None = None
    interval: str = ""  # the interval as the page writes it ("61.2 % – 80.1 %")
    date: dt.date | None = None  # the period's first day, for the table (localised there)
    period: str = ""  # the period as text where it is not a day
    note: str = ""  # e.g. "insufficient data"
    url: str | None = None  # where the value's contacts are listed


@dataclass(frozen=True)
class ChartSeries:
    label: str
    points: list[ChartPoint] = field(default_factory=list)


def chart(
    name: str,
    *,
    title: str,
    series: list[ChartSeries],
    axis: str,
    x_title: str,
    period_header: str,
    value_header: str | None = None,
    kind: str = "line",
    y_min: float | None = None,
    y_max: float | None = None,
    begin_at_zero: bool = False,
    integer_ticks: bool = False,
    stepped: bool = False,
    canvas_id: str | None = None,
    data_id: str | None = None,
    table_id: str | None = None,
) -> dict[str, Any]:
    """``chart("trend", title=..., series=[ChartSeries("FCR", points)], ...)``: the context of
    templates/charts/_chart.html. Every series has the same number of points, one per tick."""
    labels = [p.label for p in series[0].points] if series else []
    points = [p for s in series for p in s.points]
    has_interval = any(p.interval for p in points)
    has_n = any(p.n is not None for p in points)
    data = {
        "type": kind,
        "axis": axis,
        "x_title": x_title,
        "labels": labels,
        "y": {"min": y_min, "max": y_max, "begin_at_zero": begin_at_zero, "integer": integer_ticks},
        "stepped": stepped,
        "datasets": [
            {
                "label": s.label,
                "values": [p.value for p in s.points],
                # The band: drawn only where the value is (a band round a gap would be a guess).
                "low": [p.low if p.value is not None else None for p in s.points] if has_interval else None,
                "high": [p.high if p.value is not None else None for p in s.points] if has_interval else None,
                "texts": [p.text for p in s.points],
                "intervals": [p.interval for p in s.points],
                "n": [p.n for p in s.points],
            }
            for s in series
        ],
    }
    rows = [{"series": s.label, **p.__dict__} for s in series for p in s.points]
    first, last = (labels[0], labels[-1]) if labels else ("", "")
    summary = _("%(title)s, %(first)s to %(last)s.") % {"title": title, "first": first, "last": last}
    return {
        "canvas_id": canvas_id or f"{name}-chart",
        "data_id": data_id or f"{name}-data",
        "table_id": table_id or f"{name}-table",
        "title": title,
        "summary": summary,
        "period_header": period_header,
        "value_header": value_header or axis,
        "multi": len(series) > 1,
        "has_interval": has_interval,
        "has_n": has_n,
        "rows": rows,
        "data": data,
    }
