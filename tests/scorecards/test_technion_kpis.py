"""A real day of a bank call center (Technion SEE-Lab "Anonymous Bank", 2,375 calls): the
operations KPIs of the engine against our own computation straight from the raw file.

Read from the raw columns: a call that queued waited ``q_time`` seconds (its documented
queue wait), answered (outcome AGENT) or hung up in the queue (HANG, PHANTOM). An answered
call that never queued waited from leaving the VRU to the agent's pick-up (``ser_start``),
never less than 0. Hang-ups in the VRU never reached a queue: not offered.
"""

import csv
import io

import pytest

from interactions.services import import_stream
from scorecards.engine import recompute
from scorecards.models import KpiSnapshot
from tests.interactions.technion import technion_to_canonical_csv
from tests.samples import sample

RAW = "technion_calls_one_day.csv"
DAY = "2024-03-04"


def _seconds(clock: str) -> int:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def expected_from_raw(*, threshold=20, short_abandon=5):
    answered_waits, abandoned_waits = [], []
    with sample(RAW).open(newline="") as fh:
        for row in csv.DictReader(fh):
            queued = row["q_start"] != "0:00:00"
            if row["outcome"] == "AGENT":
                wait = int(row["q_time"]) if queued else max(0, _seconds(row["ser_start"]) - _seconds(row["vru_exit"]))
                answered_waits.append(wait)
            elif queued:
                abandoned_waits.append(int(row["q_time"]))
    counted_abandons = [w for w in abandoned_waits if w >= short_abandon]
    offered = len(answered_waits) + len(counted_abandons)
    return {
        "handled": len(answered_waits),
        "offered": offered,
        "abandonment_rate": 100 * len(counted_abandons) / offered,
        "asa": sum(answered_waits) / len(answered_waits),
        "service_level": 100 * sum(w <= threshold for w in answered_waits) / offered,
        "longest_wait": max(answered_waits + abandoned_waits),
    }


@pytest.fixture
def bank_day(tenants, in_tenant):
    tenant = in_tenant(tenants.alpha)
    summary = import_stream(
        kind="interactions", stream=io.BytesIO(technion_to_canonical_csv(sample(RAW), DAY)), tz=tenant.tz
    ).as_dict()
    assert (summary["created"], summary["rejected"]) == (2375, 0)
    recompute()
    return tenant


def test_operations_kpis_of_a_real_bank_day(bank_day):
    expected = expected_from_raw()
    got = {s.kpi: s for s in KpiSnapshot.objects.filter(scope="tenant", period="day", period_start=DAY)}
    assert got["calls_handled"].value == expected["handled"] == 1511
    assert got["service_level"].denominator == expected["offered"]
    for code in ("abandonment_rate", "asa", "service_level", "longest_wait"):
        assert got[code].value == pytest.approx(expected[code]), code
    assert not got["service_level"].insufficient_data


def test_each_queue_of_the_bank_day_adds_up_to_the_day(bank_day):
    queues = KpiSnapshot.objects.filter(scope="queue", period="day", period_start=DAY, kpi="calls_handled")
    assert len(queues) > 1
    assert sum(q.value for q in queues) == 1511
