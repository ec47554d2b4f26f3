"""Judging a rule against the live figures, and the episode's next step. Pure: no ORM, no Redis.

Hysteresis: an open episode recovers only once the value has stayed on the good side for
RECOVERY_SECONDS, across evaluations (the first good evaluation starts the clock, any breached
one stops it). Evaluations come after live batches (at most one per tenant every few seconds)
and every 30 s from beat, so "two good evaluations in a row" alone could mean five seconds;
a time span means the same whatever the traffic. A value flapping on the threshold therefore
keeps one episode open instead of paging every minute, and a real recovery is told within
RECOVERY_SECONDS plus one beat interval.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from .models import Kind

RECOVERY_SECONDS = 60


@dataclass(frozen=True)
class Reading:
    """What a rule sees now. ``value`` is None when the window holds fewer than the rule's
    minimum contacts: not judged, which is not a breach (see ``step``)."""

    value: float | None
    breached: bool
    contacts: int | None = None  # the window's offered contacts (rate kinds)


def judge_rate(kind: str, threshold: float, min_contacts: int, window: dict) -> Reading:
    """``window``: live.state.window_read's figures of the rule's window."""
    offered = window["offered"]
    if offered < max(1, min_contacts):
        return Reading(None, False, offered)
    if kind == Kind.SERVICE_LEVEL_BELOW:
        value = window["service_level_pct"]
        return Reading(value, value < threshold, offered)
    value = window["abandonment_rate_pct"]
    return Reading(value, value > threshold, offered)


def judge_longest_wait(threshold: float, longest_wait_seconds: int) -> Reading:
    return Reading(float(longest_wait_seconds), longest_wait_seconds > threshold)


def judge_waiting_without_agents(waiting: int, ready: int) -> Reading:
    """The value is the number of contacts waiting while nobody is ready (0 once someone is)."""
    value = float(waiting) if ready == 0 else 0.0
    return Reading(value, waiting > 0 and ready == 0)


def worse(kind: str, a: float, b: float) -> float:
    """The worse of two values of a rule's kind (a lower service level; anything else higher)."""
    return min(a, b) if kind == Kind.SERVICE_LEVEL_BELOW else max(a, b)


class Step(enum.StrEnum):
    NOTHING = "nothing"
    FIRE = "fire"  # open an episode and tell
    CONTINUE = "continue"  # still breached: update worst and last, tell nobody
    SETTLING = "settling"  # on the good side, not long enough yet
    RECOVER = "recover"  # close the episode and tell


def step(*, is_open: bool, good_since: dt.datetime | None, breached: bool, now: dt.datetime) -> Step:
    if not is_open:
        return Step.FIRE if breached else Step.NOTHING
    if breached:
        return Step.CONTINUE
    if good_since is not None and (now - good_since).total_seconds() >= RECOVERY_SECONDS:
        return Step.RECOVER
    return Step.SETTLING
