"""Operations (service level, ASA, abandonment, arrivals) and Staffing (Erlang C) pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import periods
from common.access import ADMIN, MANAGER, role_required
from common.charts import ChartPoint, ChartSeries, chart
from interactions.models import Queue
from tenants.current import current_tenant

from . import selectors_operations as selectors
from .calculators import staffing_required
from .formatting import PERIOD_LINKS, decimal
from .models import Period

WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
# Erlang C steps up one agent at a time and each step is O(agents): bound the work a single
# request can ask for (1,000 Erlangs is a very large contact center in one interval).
MAX_TRAFFIC_ERLANGS = 1000


class OperationsPeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), choices=[(Period.DAY, _("Day")), (Period.WEEK, _("Week"))], initial=Period.DAY
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a week, any day in it."),
    )
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.all(),
        to_field_name="name",
        required=False,
        empty_label=_("All queues"),
    )


class StaffingCalculatorForm(forms.Form):
    calls = forms.FloatField(min_value=0, max_value=1_000_000, label=_("Contacts in the interval"))
    interval_minutes = forms.FloatField(min_value=1, max_value=1440, initial=30, label=_("Interval (minutes)"))
    aht_seconds = forms.FloatField(min_value=1, max_value=86_400, label=_("Average handle time (seconds)"))
    # 100 % is out of reach: Erlang C's service level only approaches it.
    target_pct = forms.FloatField(min_value=1, max_value=99.9, label=_("Service level target (%)"))
    target_seconds = forms.FloatField(min_value=0, max_value=86_400, label=_("Answered within (seconds)"))
    max_occupancy_pct = forms.FloatField(
        min_value=50, max_value=100, required=False, label=_("Maximum occupancy (%)"), help_text=_("Optional, e.g. 85.")
    )
    shrinkage_pct = forms.FloatField(
        min_value=0,
        max_value=90,
        initial=0,
        required=False,
        label=_("Shrinkage (%)"),
        help_text=_("Breaks, training, absence: time paid but off the phones."),
    )

    def clean(self):
        data = super().clean()
        if {"calls", "interval_minutes", "aht_seconds"} <= data.keys():
            traffic = data["calls"] * data["aht_seconds"] / (data["interval_minutes"] * 60)
            if traffic > MAX_TRAFFIC_ERLANGS:
                raise forms.ValidationError(
                    _(
                        "That is %(traffic)s Erlangs of traffic; the calculator stops at "
                        "%(maximum)s. Split the work into smaller queues or intervals."
                    )
                    % {
                        "traffic": decimal(traffic, 0, grouping=True),
                        "maximum": decimal(MAX_TRAFFIC_ERLANGS, 0, grouping=True),
                    }
                )
        return data

    def result(self):
        data = self.cleaned_data
        occupancy = data.get("max_occupancy_pct")
        return staffing_required(
            calls=data["calls"],
            interval_seconds=data["interval_minutes"] * 60,
            aht_seconds=data["aht_seconds"],
            target_pct=data["target_pct"],
            target_seconds=data["target_seconds"],
            max_occupancy=occupancy / 100 if occupancy else None,
            shrinkage=(data.get("shrinkage_pct") or 0) / 100,
        )


def format_seconds(value: float) -> str:
    seconds = round(value)
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    return _("%(minutes)d min %(seconds)02d s") % {"minutes": seconds // 60, "seconds": seconds % 60}


def format_hour(hour: float) -> str:
    hour = int(hour)
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


# code: (label, formatter of value and interval bounds)
TILES = {
    "service_level": (_("Service level"), lambda v: f"{decimal(v, 1)} %"),
    "asa": (_("Average speed of answer"), format_seconds),
    "abandonment_rate": (_("Abandonment"), lambda v: f"{decimal(v, 1)} %"),
    "longest_wait": (_("Longest wait"), format_seconds),
    "arrivals": (_("Arrivals"), lambda v: decimal(v, 0, grouping=True)),
    "peak_hour": (_("Peak hour"), format_hour),
}


def kpi_tiles(snapshots: dict) -> list[dict]:
    tiles = []
    for code, (label, fmt) in TILES.items():
        snap = snapshots.get(code)
        tile = {
            "code": code,
            "label": label,
            "snapshot": snap,
            "value": None,
            "interval": None,
            "note": "",
            "state": "missing",
        }
        if snap is not None and snap.insufficient_data:
            tile["state"] = "insufficient"
        elif snap is not None and snap.value is not None:
            tile["state"] = "ok"
            tile["value"] = fmt(snap.value)
            if snap.ci_low is not None and snap.ci_high is not None:
                tile["interval"] = f"{fmt(snap.ci_low)} – {fmt(snap.ci_high)}"
            if code == "peak_hour" and snap.numerator is not None:
                tile["note"] = _("%(count)s arrivals") % {"count": decimal(snap.numerator, 0, grouping=True)}
        tiles.append(tile)
    return tiles


def _tenant_settings():
    tenant = current_tenant()
    return tenant, tenant.tz, float(tenant.service_level_target_pct), tenant.service_level_seconds


@role_required(ADMIN, MANAGER)
def operations(request):
    tenant, tz, target_pct, target_seconds = _tenant_settings()
    today = timezone.localdate(timezone=tz)
    form = OperationsPeriodForm(request.GET or None)
    period, day, queue = Period.DAY, None, None
    if form.is_bound and form.is_valid():
        period, day, queue = form.cleaned_data["period"], form.cleaned_data["date"], form.cleaned_data["queue"]
    start = periods.period_start(period, day) if day else periods.last_complete_period_start(period, today)
    queue_name = queue.name if queue else None
    if not form.errors:  # show what the page shows: the resolved period, a week by its Monday
        form = OperationsPeriodForm(initial={"period": period, "date": start, "queue": queue_name})
    since, until = periods.local_period_range(period, start, tz)
    arrivals = selectors.arrivals_by_hour(since=since, until=until, tz=tz, queue=queue_name)
    snapshots = selectors.operations_snapshots(period=period, period_start=start, queue=queue_name)
    next_start = periods.next_period_start(period, start)
    return render(
        request,
        "scorecards/operations.html",
        {
            "form": form,
            "period": period,
            "start": start,
            "end": periods.period_last_day(period, start),
            "queue": queue_name,
            "tiles": kpi_tiles(snapshots),
            "has_snapshots": bool(snapshots),
            "arrivals": [{"hour": h, "label": f"{h:02d}", "count": n} for h, n in enumerate(arrivals)],
            "arrivals_total": sum(arrivals),
            "chart": _arrivals_chart(arrivals),
            "previous_start": periods.previous_period_start(period, start),
            "next_start": next_start if next_start <= today else None,
            "period_links": PERIOD_LINKS[period],
            "target_pct": target_pct,
            "target_seconds": target_seconds,
            "timezone": tenant.timezone,
            "min_sample": tenant.min_sample,
        },
    )


@role_required(ADMIN, MANAGER)
def staffing(request):
    tenant, tz, target_pct, target_seconds = _tenant_settings()
    plan = selectors.staffing_plan(
        today=timezone.localdate(timezone=tz), tz=tz, target_pct=target_pct, target_seconds=target_seconds
    )
    calculator = StaffingCalculatorForm(
        request.GET if "calls" in request.GET else None,
        initial={"target_pct": _plain(target_pct), "target_seconds": target_seconds},
    )
    result = calculator.result() if calculator.is_bound and calculator.is_valid() else None
    labels = [f"{WEEKDAYS[h.weekday - 1]} {h.hour:02d}" for h in plan.hours]
    return render(
        request,
        "scorecards/staffing.html",
        {
            "plan": plan,
            "rows": plan.by_hour(),
            "weekdays": WEEKDAYS,
            "chart": _staffing_chart(plan, labels),
            "calculator": calculator,
            "result": result,
            "target_pct": target_pct,
            "target_seconds": target_seconds,
            "timezone": tenant.timezone,
        },
    )


def _arrivals_chart(arrivals: list[int]) -> dict:
    """Arrivals by local hour as bars; a count is its own n, so the tooltip shows the count alone."""
    points = [
        ChartPoint(label=f"{h:02d}", value=count, text=f"{count:,}", period=f"{h:02d}:00")
        for h, count in enumerate(arrivals)
    ]
    return chart(
        "arrivals",
        title=gettext("Arrivals by hour of day"),
        series=[ChartSeries(gettext("Arrivals"), points)],
        kind="bar",
        axis=gettext("Arrivals"),
        x_title=gettext("Local hour"),
        period_header=gettext("Hour"),
        begin_at_zero=True,
        integer_ticks=True,
    )


def _staffing_chart(plan, labels: list[str]) -> dict:
    """Required (Erlang C, no sampling interval: it is a calculation) against scheduled agents;
    the required agents' n is the arrivals of that hour in the weeks they are computed from."""
    periods_ = [f"{WEEKDAYS[h.weekday - 1]} {h.hour:02d}:00" for h in plan.hours]
    required = [
        ChartPoint(
            label=label,
            value=h.required.agents,
            text=str(h.required.agents),
            n=round(h.arrivals * plan.weeks),
            period=p,
        )
        for label, p, h in zip(labels, periods_, plan.hours, strict=True)
    ]
    scheduled = [
        ChartPoint(label=label, value=round(h.scheduled, 2), text=f"{h.scheduled:.1f}", period=p)
        for label, p, h in zip(labels, periods_, plan.hours, strict=True)
    ]
    return chart(
        "staffing",
        title=gettext("Required and scheduled agents per hour of the week"),
        series=[ChartSeries(gettext("Required (Erlang C)"), required), ChartSeries(gettext("Scheduled"), scheduled)],
        axis=gettext("Agents"),
        x_title="",
        period_header=gettext("Hour of the week"),
        begin_at_zero=True,
        stepped=True,
        table_id="staffing-chart-table",
    )


def _plain(number: float) -> str:
    """80.0 -> "80" for a form's initial value."""
    return format(Decimal(str(number)).normalize(), "f")
