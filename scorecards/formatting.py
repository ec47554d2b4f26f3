"""KPI values as people read them, by the catalogue's unit. Pure: no ORM, no request.

Seconds read as "42 s", "4:05" (m:ss) or "1:02:05" (h:mm:ss); percentages with one decimal;
NPS/CES points with one decimal; ratios and currency with two; counts as integers.
The currency has no symbol: tenants carry no currency setting yet.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.privacy import TEAM_DISTRIBUTION_MIN_TEAMMATES

from .catalogue import KPIS, band

UNIT_NAMES = {
    "%": gettext_lazy("percent"),
    "s": gettext_lazy("time"),
    "points": gettext_lazy("points"),
    "ratio": gettext_lazy("ratio"),
    "count": gettext_lazy("count"),
    "/h": gettext_lazy("per hour"),
    "hour": gettext_lazy("hour of day"),
    "score": gettext_lazy("score"),
    "currency": gettext_lazy("currency"),
}


def decimal(value: float, places: int, *, grouping: bool = False) -> str:
    """A number in the reader's locale: 61.2 in English, 61,2 in German and Spanish."""
    return number_format(round(value, places), places, force_grouping=grouping)


def format_seconds(value: float) -> str:
    seconds = round(value)
    if abs(seconds) < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    if seconds >= 2 * 86400:  # case ages and resolution times: days read better than 1001:51:16
        days, rest = divmod(seconds, 86400)
        return _("%(sign)s%(days)d d %(hours)d h") % {"sign": sign, "days": days, "hours": rest // 3600}
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
    "%": lambda v: f"{decimal(v, 1)} %",
    "points": lambda v: _("%(value)s points") % {"value": decimal(v, 1)},
    "ratio": lambda v: decimal(v, 2),
    "currency": lambda v: decimal(v, 2, grouping=True),
    "count": lambda v: decimal(v, 0, grouping=True),
    "/h": lambda v: f"{decimal(v, 1)} /h",
    "hour": format_hour,
    "score": lambda v: decimal(v, 2),
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
    return _("minutes") if unit == "s" else str(UNIT_NAMES.get(unit, unit))


# --- cards: one KPI value as the scorecard pages show it -------------------------------------

BAND_WORDS = {
    "green": gettext_lazy("Green: on target"),
    "amber": gettext_lazy("Amber: close to target"),
    "red": gettext_lazy("Red: off target"),
}


def target_text(kpi: str, target) -> str:
    """ "target: green ≥ 80.0 %, amber ≥ 70.0 %" for a Target (anything with direction, green, amber)."""
    if target is None:
        return ""
    sign = "≥" if target.direction == "higher" else "≤"
    return _("target: green %(sign)s %(green)s, amber %(sign)s %(amber)s") % {
        "sign": sign,
        "green": format_value(kpi, target.green),
        "amber": format_value(kpi, target.amber),
    }


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
            card["band_words"] = str(BAND_WORDS.get(card["band"] or "", ""))
    return card


def period_text(period: str, start, end) -> str:
    """ "Monday 2 March 2026", "week of Mon 2 Mar – Sun 8 Mar 2026" or "March 2026" (end exclusive),
    with the reader's month and day names and date order (the formats are translatable)."""
    if period == "day":
        # Translators: a date format of Django's date filter (l: weekday, j: day, F: month, Y: year)
        return date_format(start, _("l j F Y"))
    if period == "month":
        # Translators: a date format of Django's date filter (F: month, Y: year)
        return date_format(start, _("F Y"))
    last = end - dt.timedelta(days=1)
    return _("week of %(first)s – %(last)s") % {
        # Translators: date formats of Django's date filter (D: short weekday, j: day, M: short month, Y: year)
        "first": date_format(start, _("D j M")),
        "last": date_format(last, _("D j M Y")),
    }


GROUP_LABELS = {
    "agent": gettext_lazy("agent %(name)s"),
    "team": gettext_lazy("team %(name)s"),
    "queue": gettext_lazy("queue %(name)s"),
    "interaction_type": gettext_lazy("interaction type %(name)s"),
    "channel": gettext_lazy("channel %(name)s"),
}


def group_label(scope: str, key: str) -> str:
    """How a page names the group of a KPI value: "team North", "the whole contact center"."""
    if scope == "tenant":
        return _("the whole contact center")
    return GROUP_LABELS[scope] % {"name": key}


# The words of a period's links and empty states: whole phrases, since their grammar differs by
# period in German and Spanish ("vorheriger Tag", "vorherige Woche"; "otro día", "otra semana").
PERIOD_LINKS = {
    "day": {
        "previous": gettext_lazy("← Previous day"),
        "next": gettext_lazy("Next day →"),
        "another": gettext_lazy("another day"),
    },
    "week": {
        "previous": gettext_lazy("← Previous week"),
        "next": gettext_lazy("Next week →"),
        "another": gettext_lazy("another week"),
    },
    "month": {
        "previous": gettext_lazy("← Previous month"),
        "next": gettext_lazy("Next month →"),
        "another": gettext_lazy("another month"),
    },
}


# --- the team's spread beside an agent's own value -------------------------------------------
#
# An agent's page shows her teammates' spread of a KPI as bands, never as anyone's value: the
# middle half of her teammates (25th to 75th percentile, linear interpolation as
# percentile_cont) as a box, and their median as a line, all three rounded to a step of the
# KPI's unit (5 points of a percentage, 15 s of a handle time...): the box's edges outwards, the
# median to the nearest step. Rounding is what makes them bands: with five teammates the
# quartiles and the median fall exactly on the second, third and fourth of them, so unrounded
# they would be three people's exact numbers. No minimum or maximum, no dot per person: the
# extremes are always one person's value. Only teammates with enough data count, the agent
# herself neither in the figures nor in the minimum (common.privacy).

BAND_STEPS = {"%": 5.0, "points": 10.0, "score": 0.25, "ratio": 0.05, "count": 5.0, "/h": 0.5, "currency": 0.25}
# Times span seconds (holds) to hours (email first responses): the step grows with them.
SECONDS_STEPS = ((120.0, 5.0), (900.0, 15.0), (7200.0, 300.0))
LONG_SECONDS_STEP = 1800.0


def band_step(kpi: str, magnitude: float) -> float:
    """The rounding step of a team's bands: by unit, and for times by their size."""
    if unit_of(kpi) == "s":
        return next((step for upto, step in SECONDS_STEPS if abs(magnitude) <= upto), LONG_SECONDS_STEP)
    return BAND_STEPS.get(unit_of(kpi), 1.0)


def _on_grid(value: float, step: float, rounding) -> float:
    return round(rounding(value / step) * step, 6)


def distribution(teammates: list[float], own, kpi: str) -> dict:
    """The teammates' middle half and median, rounded to bands, and where they and the agent's
    own value (``own``: her snapshot, marked when reliable) sit on a 0–100 strip."""
    count = len(teammates)
    if count < TEAM_DISTRIBUTION_MIN_TEAMMATES:
        return {"count": count, "shown": False}
    q1, median, q3 = statistics.quantiles(teammates, n=4, method="inclusive")
    step = band_step(kpi, max(abs(q1), abs(q3)))
    low = _on_grid(q1, step, math.floor)
    # at least one step wide: a box of no width would say its teammates' value exactly
    high = max(_on_grid(q3, step, math.ceil), round(low + step, 6))
    middle = _on_grid(median, step, round)
    own_value = own.value if own is not None and not own.insufficient_data and own.value is not None else None
    shown = [low, high] + ([own_value] if own_value is not None else [])
    pad = (max(shown) - min(shown)) / 4 or step
    first, span = min(shown) - pad, max(shown) - min(shown) + 2 * pad

    def position(value: float) -> int:  # whole percents: the strip is a picture, not a ruler
        return round(4 + 92 * (value - first) / span)

    place = None
    if own_value is not None:
        place = "below" if own_value < low else "above" if own_value > high else "within"
    return {
        "count": count,
        "shown": True,
        "low": format_value(kpi, low),
        "high": format_value(kpi, high),
        "median": format_value(kpi, middle),
        "box_left": position(low),
        "box_width": position(high) - position(low),
        "median_at": position(middle),
        "own": position(own_value) if own_value is not None else None,
        "own_place": place,
    }
