"""Reads of the Operations and Staffing pages, in the tenant's local time.

KPI values come from the engine's snapshots; arrivals by hour and the staffing inputs are
one set-based aggregate each over contacts and schedules. Operations data has no agent
dimension (unanswered contacts have no agent), so admins and managers see the same numbers:
the views' role gate is the whole access rule and no ``fetched_by`` is needed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Avg, Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from common.periods import local_midnight, week_start
from interactions.models import Interaction, Outcome, ScheduleActivity, ScheduleEntry

from .calculators import StaffingResult, staffing_required
from .models import KpiSnapshot, Scope

OPERATIONS_KPIS = ("service_level", "asa", "abandonment_rate", "longest_wait", "arrivals", "peak_hour")
# kpis.md: arrivals = offered + short abandons + blocked, i.e. every answered, abandoned
# (whatever the wait) or blocked contact; callbacks and deflections never reached a queue.
ARRIVAL_OUTCOMES = (Outcome.ANSWERED, Outcome.ABANDONED, Outcome.BLOCKED)
STAFFING_WEEKS = 4


def operations_snapshots(*, period: str, period_start: dt.date, queue: str | None = None) -> dict[str, KpiSnapshot]:
    """The engine's operations KPIs of one period, for the tenant or one queue, by KPI code."""
    scope, key = (Scope.QUEUE, queue) if queue else (Scope.TENANT, "all")
    rows = KpiSnapshot.objects.filter(
        kpi__in=OPERATIONS_KPIS, scope=scope, key=key, period=period, period_start=period_start
    )
    return {row.kpi: row for row in rows}


def arrivals_by_hour(*, since: dt.datetime, until: dt.datetime, tz: ZoneInfo, queue: str | None = None) -> list[int]:
    """Arrivals in [since, until) per local hour of day 0–23 (uses the offered_at index)."""
    contacts = Interaction.objects.filter(offered_at__gte=since, offered_at__lt=until, outcome__in=ARRIVAL_OUTCOMES)
    if queue:
        contacts = contacts.filter(queue__name=queue)
    rows = (
        contacts.annotate(hour=ExtractHour("offered_at", tzinfo=tz)).values("hour").annotate(n=Count("pk")).order_by()
    )
    counts = [0] * 24
    for row in rows:
        counts[row["hour"]] = row["n"]
    return counts


def arrivals_by_hour_of_week(*, since: dt.datetime, until: dt.datetime, tz: ZoneInfo) -> dict[tuple[int, int], int]:
    """Arrivals in [since, until) per local (ISO weekday 1–7, hour 0–23)."""
    rows = (
        Interaction.objects.filter(offered_at__gte=since, offered_at__lt=until, outcome__in=ARRIVAL_OUTCOMES)
        .annotate(weekday=ExtractIsoWeekDay("offered_at", tzinfo=tz), hour=ExtractHour("offered_at", tzinfo=tz))
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["weekday"], row["hour"]): row["n"] for row in rows}


def handled_aht(*, since: dt.datetime, until: dt.datetime) -> tuple[float | None, int]:
    """(mean handle_seconds, count) of the handled contacts offered in [since, until)."""
    result = Interaction.objects.filter(
        offered_at__gte=since, offered_at__lt=until, outcome=Outcome.ANSWERED
    ).aggregate(aht=Avg("handle_seconds"), n=Count("pk"))
    return result["aht"], result["n"]


# Each work entry is cut into the local clock hours it touches; an hour contributes the share
# of it the entry covers, so an agent on a 15-minute break is 0.75 of an agent for that hour:
# the time-averaged number of agents working, which is what Erlang C's "agents" means.
# Dividing by the hour's real length keeps that true on DST days (PostgreSQL maps a skipped
# local hour to zero length, which never overlaps anything, and a repeated one to two hours).
_SCHEDULED_SQL = f"""
WITH work AS (
    SELECT GREATEST(start, %(since)s) AS s, LEAST("end", %(until)s) AS f
    FROM {ScheduleEntry._meta.db_table}
    -- the overlap test in this form uses schedule_period_gist
    WHERE tstzrange(start, "end") && tstzrange(%(since)s, %(until)s) AND activity = %(work)s
), pieces AS (
    SELECT slot, w.s, w.f,
           slot AT TIME ZONE %(tz)s AS slot_from,
           (slot + interval '1 hour') AT TIME ZONE %(tz)s AS slot_to
    FROM work w,
         generate_series(date_trunc('hour', w.s AT TIME ZONE %(tz)s), w.f AT TIME ZONE %(tz)s,
                         interval '1 hour') AS slot
)
SELECT EXTRACT(ISODOW FROM slot)::int AS weekday, EXTRACT(HOUR FROM slot)::int AS hour,
       SUM(EXTRACT(EPOCH FROM LEAST(f, slot_to) - GREATEST(s, slot_from))
           / EXTRACT(EPOCH FROM slot_to - slot_from)) AS agents
FROM pieces
WHERE LEAST(f, slot_to) > GREATEST(s, slot_from)
GROUP BY 1, 2
"""


def scheduled_by_hour_of_week(*, since: dt.datetime, until: dt.datetime, tz: ZoneInfo) -> dict[tuple[int, int], float]:
    """Agent-hours of scheduled work in [since, until) per local (ISO weekday, hour)."""
    with connection.cursor() as cursor:
        cursor.execute(_SCHEDULED_SQL, {"since": since, "until": until, "tz": str(tz), "work": ScheduleActivity.WORK})
        return {(weekday, hour): float(agents) for weekday, hour, agents in cursor.fetchall()}


@dataclass(frozen=True)
class HourOfWeek:
    weekday: int  # ISO: 1 = Monday
    hour: int
    arrivals: float  # mean per week
    scheduled: float  # mean agents working
    required: StaffingResult

    @property
    def gap(self) -> float:
        """Scheduled minus required agents: negative is understaffed."""
        return self.scheduled - self.required.agents


@dataclass(frozen=True)
class StaffingPlan:
    first_day: dt.date
    last_day: dt.date
    weeks: int
    aht_seconds: float | None
    handled: int
    arrivals_total: int
    hours: list[HourOfWeek]  # 168, Monday 00 first; empty when there is nothing to plan

    def by_hour(self) -> list[list[HourOfWeek]]:
        """Rows of the table: one per hour of day, one cell per weekday (none without a plan)."""
        if not self.hours:
            return []
        return [[self.hours[(weekday - 1) * 24 + hour] for weekday in range(1, 8)] for hour in range(24)]


def staffing_plan(
    *, today: dt.date, tz: ZoneInfo, target_pct: float, target_seconds: float, weeks: int = STAFFING_WEEKS
) -> StaffingPlan:
    """Erlang C per hour of the week from the last ``weeks`` complete local weeks."""
    until_day = week_start(today)
    since_day = until_day - dt.timedelta(weeks=weeks)
    since, until = local_midnight(since_day, tz), local_midnight(until_day, tz)
    arrivals = arrivals_by_hour_of_week(since=since, until=until, tz=tz)
    aht, handled = handled_aht(since=since, until=until)
    scheduled = scheduled_by_hour_of_week(since=since, until=until, tz=tz)
    hours = []
    if aht:  # without a handled contact there is no handle time to plan with
        for weekday in range(1, 8):
            for hour in range(24):
                calls = arrivals.get((weekday, hour), 0) / weeks
                required = staffing_required(
                    calls=calls,
                    interval_seconds=3600,
                    aht_seconds=aht,
                    target_pct=target_pct,
                    target_seconds=target_seconds,
                )
                hours.append(
                    HourOfWeek(
                        weekday=weekday,
                        hour=hour,
                        arrivals=calls,
                        scheduled=scheduled.get((weekday, hour), 0.0) / weeks,
                        required=required,
                    )
                )
    return StaffingPlan(
        first_day=since_day,
        last_day=until_day - dt.timedelta(days=1),
        weeks=weeks,
        aht_seconds=aht,
        handled=handled,
        arrivals_total=sum(arrivals.values()),
        hours=hours,
    )
