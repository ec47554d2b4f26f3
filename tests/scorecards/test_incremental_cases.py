"""A partial run writes the case KPIs (avg_resolution_time, avg_query_age) only from the first
period they can have changed in (queries.CASE_PERIODS), not for all history: what it leaves
must still be what a full run writes, also when time has passed since the last run (query
age counts up to "now" in a period not over yet)."""

import datetime as dt

import pytest
import time_machine

from scorecards.engine import recompute
from scorecards.models import KpiRecompute, KpiSnapshot
from tests.scorecards.test_engine import _everything_stored, center, load  # noqa: F401 (fixture)

CASE_KPIS = ("avg_resolution_time", "avg_query_age")


def case_snapshots():
    return _everything_stored()[0]


def query_age(day):
    return KpiSnapshot.objects.get(kpi="avg_query_age", scope="tenant", period="day", period_start=day).value


@pytest.mark.parametrize(
    "partial",
    [dt.date(2026, 3, 19), dt.date(2026, 3, 4)],
    ids=["days-after-the-last-run", "days-of-open-cases"],
)
def test_a_partial_run_leaves_the_case_kpis_a_full_run_writes(center, partial):  # noqa: F811
    # Friday 6 March, noon: case A (opened Monday, never resolved) is open; the day's query
    # age counts up to now
    with time_machine.travel(dt.datetime(2026, 3, 6, 11, tzinfo=dt.UTC), tick=False):
        recompute()
        at_noon = query_age(dt.date(2026, 3, 6))
    # two weeks later: a partial run of other days must still bring 6 March up to midnight
    with time_machine.travel(dt.datetime(2026, 3, 20, 11, tzinfo=dt.UTC), tick=False):
        started = KpiRecompute.objects.count()
        recompute(since=partial, until=partial, reason="test")
        assert not KpiRecompute.objects.order_by("-pk")[0].full and KpiRecompute.objects.count() == started + 1
        after_partial = case_snapshots()
        assert query_age(dt.date(2026, 3, 6)) == pytest.approx(at_noon + 12 * 3600)
        recompute()
        full = case_snapshots()
    assert after_partial.keys() == full.keys()
    assert any(key[0] in CASE_KPIS for key in full)
    for key, numbers in full.items():
        assert after_partial[key] == pytest.approx(numbers, rel=1e-12), key
