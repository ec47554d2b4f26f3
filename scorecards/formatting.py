"""KPI values as people read them, by the catalogue's unit. Pure: no ORM, no request.

Seconds read as "42 s", "4:05" (m:ss) or "1:02:05" (h:mm:ss); percentages with one decimal;
NPS/CES points with one decimal; ratios and currency with two; counts as integers.
The currency has no symbol: tenants carry no currency setting yet.
"""

from __future__ import annotations

import datetime as dt
import statistics

from .catalogue import KPIS, band

UNIT_NAMES = {
    "%": "percent",
    "s": "time",
    "points": "points",
    "ratio": "ratio",
    "count": "count",
    "/h": "per hour",
    "hour": "hour of day",
    "score": "score",
    "currency": "currency",
}


def format_seconds(value: float) -> str:
    seconds = round(value)
    if abs(seconds) < 60:
        return f"{seconds} s"
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    if seconds >= 2 * 86400:  # case ages and resolution times: days read better than 1001:51:16
        days, rest = divmod(seconds, 86400)
        return f"{sign}{days} d {rest // 3600} h"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def format_hour(value: float) -> str:
    hour = int(value)
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


_BY_UNIT = {
    "s": format_seconds,
    "%": lambda v: f"{v:.1f} %",
    "points": lambda v: f"{v:.1f} points",
    "ratio": lambda v: f"{v:.2f}",
    "currency": lambda v: f"{v:,.2f}",
    "count": lambda v: f"{v:,.0f}",
    "/h": lambda v: f"{v:.1f} /h",
    "hour": format_hour,
    "score": lambda v: f"{v:.2f}",
}


def unit_of(kpi: str) -> str:
    entry = KPIS.get(kpi)
    return entry.unit if entry else ""


def format_value(kpi: str, value: float | None) -> str:
    """``format_value("aht", 245) == "4:05"``; "—" when there is no value."""
    if value is None:
        return "—"
    return _BY_UNIT.get(unit_of(kpi), lambda v: f"{v:g}")(value)


def format_interval(kpi: str, low: float | None, high: float | None) -> str:
    """ "61.2 % – 80.1 %"; empty when the KPI carries no interval."""
    if low is None or high is None:
        return ""
    return f"{format_value(kpi, low)} – {format_value(kpi, high)}"


def chart_value(kpi: str, value: float | None) -> float | None:
    """A number for the trend chart's axis: minutes for times (m:ss does not plot), else as is."""
    if value is None:
        return None
    if unit_of(kpi) == "s":
        return round(value / 60, 2)
    return round(value, 2)


def chart_axis(kpi: str) -> str:
    unit = unit_of(kpi)
    return "minutes" if unit == "s" else UNIT_NAMES.get(unit, unit)


# --- cards: one KPI value as the scorecard pages show it -------------------------------------

BAND_WORDS = {"green": "Green: on target", "amber": "Amber: close to target", "red": "Red: off target"}


def target_text(kpi: str, target) -> str:
    """ "target: green ≥ 80.0 %, amber ≥ 70.0 %" for a Target (anything with direction, green, amber)."""
    if target is None:
        return ""
    sign = "≥" if target.direction == "higher" else "≤"
    return f"target: green {sign} {format_value(kpi, target.green)}, amber {sign} {format_value(kpi, target.amber)}"


def kpi_card(kpi: str, snapshot, *, target=None, drill_url: str | None = None) -> dict:
    """What a page needs to show one value: its text, n, interval, band (north-star KPIs with a
    target and enough data only: diagnostics never carry pass/fail colour) and drill link."""
    entry = KPIS[kpi]
    card = {
        "code": kpi,
        "label": entry.label,
        "diagnostic": entry.diagnostic,
        "north_star": entry.north_star,
        "snapshot": snapshot,
        "state": "missing",
        "value": "—",
        "interval": "",
        "n": None,
        "band": None,
        "band_words": "",
        "target": "",
        "drill_url": None,
    }
    if snapshot is None:
        return card
    card.update(
        value=format_value(kpi, snapshot.value),
        n=snapshot.n,
        interval=format_interval(kpi, snapshot.ci_low, snapshot.ci_high),
        drill_url=drill_url,
        state="insufficient" if snapshot.insufficient_data else "ok",
    )
    if entry.north_star and target is not None:
        card["target"] = target_text(kpi, target)
        if card["state"] == "ok":
            card["band"] = band(entry, snapshot.value, target.green, target.amber, target.direction)
            card["band_words"] = BAND_WORDS.get(card["band"] or "", "")
    return card


def period_text(period: str, start, end) -> str:
    """ "Monday 2 March 2026", "week of Mon 2 Mar – Sun 8 Mar 2026" or "March 2026" (end exclusive)."""
    if period == "day":
        return f"{start:%A} {start.day} {start:%B %Y}"
    if period == "month":
        return f"{start:%B %Y}"
    last = end - dt.timedelta(days=1)
    return f"week of {start:%a} {start.day} {start:%b} – {last:%a} {last.day} {last:%b %Y}"


# Fewer values than this and a teammate's number could be worked out from the strip.
MIN_DISTRIBUTION = 3


def distribution(values: list[float], own, kpi: str) -> dict:
    """min / median / max of the team's sorted values and their places on a 0–100 strip, no names;
    ``own`` (the agent's snapshot) is marked on it when its value is reliable."""
    if len(values) < MIN_DISTRIBUTION:
        return {"count": len(values), "shown": False}
    low, high = values[0], values[-1]
    span = (high - low) or 1.0

    def position(value: float) -> float:
        return round(4 + 92 * (value - low) / span, 2)

    own_value = own.value if own is not None and not own.insufficient_data and own.value is not None else None
    return {
        "count": len(values),
        "shown": True,
        "min": format_value(kpi, low),
        "median": format_value(kpi, statistics.median(values)),
        "max": format_value(kpi, high),
        "points": [position(v) for v in values],
        "own": position(min(max(own_value, low), high)) if own_value is not None else None,
    }
