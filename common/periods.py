"""Periods in a tenant's local time: days, weeks, months and quarters.

kpis.md: "periods (day/week/month, week starts Monday) and hours are local to the tenant";
aht_index's expected handle time is per calendar quarter, local time. Pages, tasks, signals
and the KPI engine all ask this one module where a period starts and ends, so that a week
on a page is the week the engine computed.

Pure date arithmetic (zoneinfo, no database), tested without one. Two layers:

* local dates: ``period_start("week", day)`` and friends work on ``datetime.date`` only;
* aware datetimes: a local period is [local midnight of its first day, local midnight of
  the first day of the next one). Across a DST change that is 23 or 25 hours: ranges are
  always built from local dates, never by adding hours to an aware datetime. (Python adds
  to and subtracts datetimes of one ZoneInfo as wall clocks: measure elapsed time in UTC.)

A period is named by the same strings as ``scorecards.models.Period`` ("day", "week",
"month"), plus "quarter"; ``Period.WEEK`` works too, being a ``str``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DAY, WEEK, MONTH, QUARTER = "day", "week", "month", "quarter"
PERIODS = (DAY, WEEK, MONTH, QUARTER)

_ONE_DAY = dt.timedelta(days=1)


# --- local dates ---------------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (ISO weeks, as PostgreSQL's ``date_trunc('week', ...)``)."""
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def quarter_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s calendar quarter (Jan, Apr, Jul, Oct)."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(first: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after the month of ``first`` (a first of a month)."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_start(period: str, day: dt.date) -> dt.date:
    """The first day of the ``period`` ("day", "week", "month" or "quarter") containing ``day``."""
    if period == DAY:
        return day
    if period == WEEK:
        return week_start(day)
    if period == MONTH:
        return month_start(day)
    if period == QUARTER:
        return quarter_start(day)
    raise ValueError(f"unknown period {period!r} (one of {', '.join(PERIODS)})")


def next_period_start(period: str, day: dt.date) -> dt.date:
    """The first day of the period after the one containing ``day`` (any day of it will do)."""
    start = period_start(period, day)
    if period == DAY:
        return start + _ONE_DAY
    if period == WEEK:
        return start + dt.timedelta(days=7)
    return _add_months(start, 1 if period == MONTH else 3)


def previous_period_start(period: str, day: dt.date) -> dt.date:
    """The first day of the period before the one containing ``day``."""
    return period_start(period, period_start(period, day) - _ONE_DAY)


def period_last_day(period: str, day: dt.date) -> dt.date:
    """The last day of the period containing ``day`` (a week's Sunday): for "1–7 March" labels."""
    return next_period_start(period, day) - _ONE_DAY


def last_complete_period_start(period: str, today: dt.date) -> dt.date:
    """Yesterday, last week, last month or last quarter: the latest period that is over on ``today``."""
    return previous_period_start(period, today)


def week_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays of every week that overlaps the dates [first, last], oldest first ([] if last < first)."""
    monday = week_start(first)
    return [monday + dt.timedelta(weeks=k) for k in range((last - monday).days // 7 + 1)] if first <= last else []


# --- aware datetimes -----------------------------------------------------------------------


def local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """00:00 of ``day`` in ``tz``, as an aware datetime: where a local day starts.

    A midnight that a DST gap skips (a few zones move their clocks at 00:00) resolves as
    zoneinfo does with fold=0, i.e. with the offset before the change."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def local_days_range(first: dt.date, last: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight of ``first``, local midnight of the day after ``last``): the local dates
    first..last (both included) as aware datetimes, for ``offered_at__gte`` / ``__lt`` filters."""
    return local_midnight(first, tz), local_midnight(last + _ONE_DAY, tz)


def local_period_range(period: str, day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes of the local ``period`` containing ``day``."""
    return local_midnight(period_start(period, day), tz), local_midnight(next_period_start(period, day), tz)


def local_date(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The local date in ``tz`` of an aware instant (which day, and so which period, it belongs to)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        # astimezone() would read a naive datetime as the server's local time, silently.
        raise ValueError(f"{moment!r} is naive: a local date needs an aware datetime")
    return moment.astimezone(tz).date()
