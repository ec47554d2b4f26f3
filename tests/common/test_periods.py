"""common.periods without a database: period starts across month, quarter and year ends and
ISO weeks over New Year; local ranges across the DST changes of 2026 in Berlin and New York."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from common.periods import (
    last_complete_period_start,
    local_date,
    local_days_range,
    local_midnight,
    local_period_range,
    month_start,
    next_period_start,
    period_last_day,
    period_start,
    previous_period_start,
    quarter_start,
    week_start,
    week_starts,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
D = dt.date
HOUR = dt.timedelta(hours=1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def hours(bounds: tuple[dt.datetime, dt.datetime]) -> float:
    """Elapsed hours: two datetimes of one ZoneInfo subtract as wall clocks (24 h a day), so in UTC."""
    return (bounds[1].astimezone(dt.UTC) - bounds[0].astimezone(dt.UTC)) / HOUR


# --- local dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (D(2026, 3, 2), D(2026, 3, 2)),  # a Monday is its own week's start
        (D(2026, 3, 8), D(2026, 3, 2)),  # Sunday ends the week (ISO)
        (D(2026, 1, 1), D(2025, 12, 29)),  # a Thursday: ISO week 1 of 2026 starts in 2025
        (D(2027, 1, 3), D(2026, 12, 28)),  # a Sunday: the last week of 2026 reaches into 2027
    ],
)
def test_a_week_starts_on_its_monday_even_in_the_year_before(day, monday):
    assert week_start(day) == period_start("week", day) == monday
    assert monday.weekday() == 0


def test_a_week_crossing_new_year_is_one_week():
    assert next_period_start("week", D(2025, 12, 31)) == D(2026, 1, 5)
    assert previous_period_start("week", D(2026, 1, 2)) == D(2025, 12, 22)
    assert period_last_day("week", D(2025, 12, 29)) == D(2026, 1, 4)
    assert week_starts(D(2025, 12, 31), D(2026, 1, 12)) == [D(2025, 12, 29), D(2026, 1, 5), D(2026, 1, 12)]


def test_week_starts_lists_every_week_overlapping_the_dates():
    assert week_starts(D(2026, 3, 4), D(2026, 3, 4)) == [D(2026, 3, 2)]
    assert week_starts(D(2026, 3, 8), D(2026, 3, 9)) == [D(2026, 3, 2), D(2026, 3, 9)]
    assert week_starts(D(2026, 3, 9), D(2026, 3, 8)) == []


@pytest.mark.parametrize(
    ("day", "first", "after", "last"),
    [
        (D(2026, 1, 31), D(2026, 1, 1), D(2026, 2, 1), D(2026, 1, 31)),
        (D(2026, 2, 28), D(2026, 2, 1), D(2026, 3, 1), D(2026, 2, 28)),
        (D(2028, 2, 29), D(2028, 2, 1), D(2028, 3, 1), D(2028, 2, 29)),  # leap year
        (D(2026, 12, 31), D(2026, 12, 1), D(2027, 1, 1), D(2026, 12, 31)),  # year end
    ],
)
def test_month_boundaries(day, first, after, last):
    assert month_start(day) == period_start("month", day) == first
    assert next_period_start("month", day) == after
    assert period_last_day("month", day) == last


def test_previous_month_crosses_the_year():
    assert previous_period_start("month", D(2026, 1, 15)) == D(2025, 12, 1)
    assert previous_period_start("month", D(2026, 3, 31)) == D(2026, 2, 1)


@pytest.mark.parametrize(
    ("day", "first", "after"),
    [
        (D(2026, 1, 1), D(2026, 1, 1), D(2026, 4, 1)),
        (D(2026, 3, 31), D(2026, 1, 1), D(2026, 4, 1)),
        (D(2026, 4, 1), D(2026, 4, 1), D(2026, 7, 1)),
        (D(2026, 9, 30), D(2026, 7, 1), D(2026, 10, 1)),
        (D(2026, 12, 31), D(2026, 10, 1), D(2027, 1, 1)),  # year end
    ],
)
def test_quarter_boundaries(day, first, after):
    assert quarter_start(day) == period_start("quarter", day) == first
    assert next_period_start("quarter", day) == after
    assert period_last_day("quarter", day) == after - dt.timedelta(days=1)


def test_previous_quarter_crosses_the_year():
    assert previous_period_start("quarter", D(2026, 2, 10)) == D(2025, 10, 1)


def test_a_day_is_its_own_period():
    assert period_start("day", D(2026, 12, 31)) == D(2026, 12, 31)
    assert next_period_start("day", D(2026, 12, 31)) == D(2027, 1, 1)
    assert previous_period_start("day", D(2026, 1, 1)) == D(2025, 12, 31)


@pytest.mark.parametrize(
    ("period", "today", "start"),
    [
        ("day", D(2026, 1, 1), D(2025, 12, 31)),
        ("week", D(2026, 1, 1), D(2025, 12, 22)),  # this week began on 29 December: the one before
        ("week", D(2026, 3, 9), D(2026, 3, 2)),  # on a Monday, last week is complete
        ("month", D(2026, 1, 1), D(2025, 12, 1)),
        ("quarter", D(2026, 5, 20), D(2026, 1, 1)),
    ],
)
def test_the_last_complete_period_is_over_on_today(period, today, start):
    assert last_complete_period_start(period, today) == start
    assert next_period_start(period, start) <= today


def test_an_unknown_period_is_refused_not_taken_for_a_day():
    with pytest.raises(ValueError, match="unknown period 'year'"):
        period_start("year", D(2026, 3, 2))


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_every_day_of_two_years_lies_in_its_period(period):
    day = D(2025, 1, 1)
    while day < D(2027, 1, 1):
        start, after = period_start(period, day), next_period_start(period, day)
        assert start <= day < after
        assert period_start(period, after) == after and period_start(period, start) == start
        assert next_period_start(period, previous_period_start(period, day)) == start
        day += dt.timedelta(days=1)


# --- aware datetimes across DST --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "start", "end", "length"),
    [
        # Berlin springs forward at 02:00 on 29 March 2026 (CET +1 -> CEST +2): a 23-hour day
        (BERLIN, D(2026, 3, 29), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), 23),
        # and falls back at 03:00 on 25 October 2026 (CEST -> CET): a 25-hour day
        (BERLIN, D(2026, 10, 25), utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), 25),
        # New York springs forward on 8 March 2026 (EST -5 -> EDT -4) ...
        (NEW_YORK, D(2026, 3, 8), utc(2026, 3, 8, 5), utc(2026, 3, 9, 4), 23),
        # ... and falls back on 1 November 2026
        (NEW_YORK, D(2026, 11, 1), utc(2026, 11, 1, 4), utc(2026, 11, 2, 5), 25),
        # an ordinary day either side
        (BERLIN, D(2026, 3, 30), utc(2026, 3, 29, 22), utc(2026, 3, 30, 22), 24),
        (NEW_YORK, D(2026, 11, 2), utc(2026, 11, 2, 5), utc(2026, 11, 3, 5), 24),
    ],
)
def test_a_local_day_across_dst_is_23_or_25_hours(tz, day, start, end, length):
    bounds = local_period_range("day", day, tz)
    assert bounds == (start, end)
    assert hours(bounds) == length
    assert local_midnight(day, tz) == start and local_midnight(day, tz).tzinfo is tz
    assert local_days_range(day, day, tz) == bounds


@pytest.mark.parametrize(
    ("tz", "day", "start", "end", "length"),
    [
        (BERLIN, D(2026, 3, 25), utc(2026, 3, 22, 23), utc(2026, 3, 29, 22), 7 * 24 - 1),
        (BERLIN, D(2026, 10, 25), utc(2026, 10, 18, 22), utc(2026, 10, 25, 23), 7 * 24 + 1),
        (NEW_YORK, D(2026, 3, 8), utc(2026, 3, 2, 5), utc(2026, 3, 9, 4), 7 * 24 - 1),
        (NEW_YORK, D(2026, 11, 1), utc(2026, 10, 26, 4), utc(2026, 11, 2, 5), 7 * 24 + 1),
    ],
)
def test_a_local_week_holding_a_dst_change_runs_monday_to_monday(tz, day, start, end, length):
    bounds = local_period_range("week", day, tz)
    assert bounds == (start, end) and hours(bounds) == length


def test_local_months_and_quarters_across_dst_and_the_year_end():
    assert local_period_range("month", D(2026, 3, 15), BERLIN) == (utc(2026, 2, 28, 23), utc(2026, 3, 31, 22))
    assert hours(local_period_range("month", D(2026, 10, 1), BERLIN)) == 31 * 24 + 1
    assert local_period_range("month", D(2026, 12, 31), NEW_YORK) == (utc(2026, 12, 1, 5), utc(2027, 1, 1, 5))
    assert local_period_range("quarter", D(2026, 2, 1), NEW_YORK) == (utc(2026, 1, 1, 5), utc(2026, 4, 1, 4))
    assert local_period_range("quarter", D(2026, 11, 30), BERLIN) == (utc(2026, 9, 30, 22), utc(2026, 12, 31, 23))


def test_local_days_range_spans_first_to_last_included():
    assert local_days_range(D(2026, 3, 28), D(2026, 3, 29), BERLIN) == (utc(2026, 3, 27, 23), utc(2026, 3, 29, 22))
    assert local_days_range(D(2026, 12, 31), D(2026, 12, 31), NEW_YORK) == (utc(2026, 12, 31, 5), utc(2027, 1, 1, 5))


@pytest.mark.parametrize(
    ("moment", "tz", "day"),
    [
        (utc(2026, 3, 29, 21, 59), BERLIN, D(2026, 3, 29)),  # 23:59 CEST
        (utc(2026, 3, 29, 22, 0), BERLIN, D(2026, 3, 30)),  # 00:00 CEST
        (utc(2026, 10, 25, 22, 59), BERLIN, D(2026, 10, 25)),  # 23:59 CET, the 25-hour day's last minute
        (utc(2026, 10, 25, 0, 30), BERLIN, D(2026, 10, 25)),  # 02:30 CEST, the first of two 02:30s
        (utc(2026, 10, 25, 1, 30), BERLIN, D(2026, 10, 25)),  # 02:30 CET, the second
        (utc(2026, 11, 1, 3, 59), NEW_YORK, D(2026, 10, 31)),  # 23:59 EDT
        (utc(2026, 11, 2, 4, 59), NEW_YORK, D(2026, 11, 1)),  # 23:59 EST
        (utc(2026, 12, 31, 23, 30), BERLIN, D(2027, 1, 1)),  # New Year comes an hour early in Berlin
        (utc(2027, 1, 1, 3, 0), NEW_YORK, D(2026, 12, 31)),  # and five hours late in New York
    ],
)
def test_an_instant_belongs_to_its_local_date(moment, tz, day):
    assert local_date(moment, tz) == day
    start, end = local_period_range("day", day, tz)
    assert start <= moment < end


def test_a_naive_datetime_has_no_local_date():
    with pytest.raises(ValueError, match="naive"):
        local_date(dt.datetime(2026, 3, 29, 12), BERLIN)


@pytest.mark.parametrize("tz", [BERLIN, NEW_YORK])
def test_local_days_tile_the_year_without_gap_or_overlap(tz):
    day = D(2026, 1, 1)
    previous_end = local_midnight(day, tz)
    while day < D(2027, 1, 1):
        start, end = local_period_range("day", day, tz)
        assert (
            start == previous_end
            and local_date(start, tz) == day
            and local_date(end.astimezone(dt.UTC) - HOUR, tz) == day
        )
        assert hours((start, end)) in (23, 24, 25)
        previous_end, day = end, day + dt.timedelta(days=1)
