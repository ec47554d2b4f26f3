"""The pure judging and hysteresis (no database, no Redis)."""

import datetime as dt

import pytest

from alerts.judge import (
    RECOVERY_SECONDS,
    Step,
    judge_longest_wait,
    judge_rate,
    judge_waiting_without_agents,
    step,
    worse,
)
from alerts.models import Kind

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def window(offered, sl=None, abandonment=None):
    return {"offered": offered, "service_level_pct": sl, "abandonment_rate_pct": abandonment}


def test_rates_are_judged_only_from_the_minimum_contacts():
    assert judge_rate(Kind.SERVICE_LEVEL_BELOW, 80, 10, window(9, sl=10.0)).value is None
    assert not judge_rate(Kind.SERVICE_LEVEL_BELOW, 80, 10, window(9, sl=10.0)).breached
    assert judge_rate(Kind.SERVICE_LEVEL_BELOW, 80, 10, window(10, sl=79.9)).breached
    assert not judge_rate(Kind.SERVICE_LEVEL_BELOW, 80, 10, window(10, sl=80.0)).breached  # at the threshold
    assert judge_rate(Kind.ABANDONMENT_ABOVE, 5, 10, window(10, abandonment=5.1)).breached
    assert not judge_rate(Kind.ABANDONMENT_ABOVE, 5, 10, window(10, abandonment=5.0)).breached
    assert judge_rate(Kind.ABANDONMENT_ABOVE, 5, 0, window(0)).value is None  # never judge an empty window


def test_waits_and_nobody_ready():
    assert judge_longest_wait(60, 61).breached and not judge_longest_wait(60, 60).breached
    assert judge_waiting_without_agents(3, 0).breached and judge_waiting_without_agents(3, 0).value == 3
    assert not judge_waiting_without_agents(3, 1).breached and judge_waiting_without_agents(3, 1).value == 0
    assert not judge_waiting_without_agents(0, 0).breached


def test_worse_is_lower_for_service_level_and_higher_otherwise():
    assert worse(Kind.SERVICE_LEVEL_BELOW, 70, 60) == 60
    assert worse(Kind.ABANDONMENT_ABOVE, 7, 9) == 9
    assert worse(Kind.LONGEST_WAIT_ABOVE, 90, 0) == 90


@pytest.mark.parametrize(
    ("is_open", "good_for", "breached", "expected"),
    [
        (False, None, False, Step.NOTHING),
        (False, None, True, Step.FIRE),
        (True, None, True, Step.CONTINUE),
        (True, 30, True, Step.CONTINUE),  # breached again: the good streak is over
        (True, None, False, Step.SETTLING),  # the first good evaluation starts the clock
        (True, RECOVERY_SECONDS - 1, False, Step.SETTLING),
        (True, RECOVERY_SECONDS, False, Step.RECOVER),
    ],
)
def test_the_episode_steps(is_open, good_for, breached, expected):
    good_since = None if good_for is None else NOW - dt.timedelta(seconds=good_for)
    assert step(is_open=is_open, good_since=good_since, breached=breached, now=NOW) == expected
