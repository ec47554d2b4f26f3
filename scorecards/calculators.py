"""Pure maths of the KPI engine: confidence intervals and Erlang C. No ORM, no I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """95% Wilson score interval of a proportion, in percent; None when n == 0."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, center - half) * 100, min(1.0, center + half) * 100


def net_score_interval(positives: int, negatives: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Interval of (positives − negatives)/n × 100 (NPS, CES net score), in points.

    Both shares come from one multinomial sample, so
    Var(p₊ − p₋) = (p₊ + p₋ − (p₊ − p₋)²) / n.
    """
    if n <= 0:
        return None
    p_pos, p_neg = positives / n, negatives / n
    diff = p_pos - p_neg
    half = z * math.sqrt(max(0.0, p_pos + p_neg - diff * diff) / n)
    return max(-1.0, diff - half) * 100, min(1.0, diff + half) * 100


@dataclass(frozen=True)
class StaffingResult:
    agents: int  # on the phones (before shrinkage)
    scheduled_agents: int  # agents to schedule once shrinkage is taken out
    traffic_erlangs: float
    service_level_pct: float
    asa_seconds: float
    occupancy_pct: float
    probability_wait_pct: float


def erlang_c_probability_wait(traffic: float, agents: int) -> float:
    """Erlang C: the probability that a contact waits, for ``agents`` > ``traffic``.

    Computed with the Erlang B recursion, which stays stable for hundreds of agents where
    factorials would overflow.
    """
    if agents <= traffic:
        return 1.0
    erlang_b = 1.0
    for k in range(1, agents + 1):
        erlang_b = traffic * erlang_b / (k + traffic * erlang_b)
    return agents * erlang_b / (agents - traffic * (1 - erlang_b))


def erlang_c(
    *, calls: float, interval_seconds: float, aht_seconds: float, agents: int, target_seconds: float
) -> tuple[float, float, float, float]:
    """(service level %, ASA s, occupancy %, probability of waiting %) for ``agents``."""
    traffic = calls * aht_seconds / interval_seconds
    if agents <= traffic:
        return 0.0, math.inf, 100.0, 100.0
    p_wait = erlang_c_probability_wait(traffic, agents)
    service_level = 1 - p_wait * math.exp(-(agents - traffic) * target_seconds / aht_seconds)
    asa = p_wait * aht_seconds / (agents - traffic)
    return service_level * 100, asa, traffic / agents * 100, p_wait * 100


def staffing_required(
    *,
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_pct: float,
    target_seconds: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """The fewest agents meeting the service level (and the occupancy cap, if any)."""
    if calls < 0 or interval_seconds <= 0 or aht_seconds <= 0:
        raise ValueError("calls must be ≥ 0, interval and AHT > 0")
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    traffic = calls * aht_seconds / interval_seconds
    if calls == 0:
        return StaffingResult(0, 0, 0.0, 100.0, 0.0, 0.0, 0.0)
    agents = max(1, math.floor(traffic) + 1)
    while True:
        sl, asa, occupancy, p_wait = erlang_c(
            calls=calls,
            interval_seconds=interval_seconds,
            aht_seconds=aht_seconds,
            agents=agents,
            target_seconds=target_seconds,
        )
        occupancy_ok = max_occupancy is None or occupancy <= max_occupancy * 100 + 1e-9
        if sl >= target_pct and occupancy_ok:
            break
        agents += 1
    return StaffingResult(
        agents=agents,
        scheduled_agents=math.ceil(agents / (1 - shrinkage) - 1e-9),
        traffic_erlangs=traffic,
        service_level_pct=sl,
        asa_seconds=asa,
        occupancy_pct=occupancy,
        probability_wait_pct=p_wait,
    )


def mean_interval(total: float, squares: float, n: int, z: float = Z95) -> tuple[float, float] | None:
    """95% normal interval of a mean from Σx, Σx² and n (sample variance); None when n < 2."""
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (squares - total * total / n) / (n - 1))
    half = z * math.sqrt(variance / n)
    return mean - half, mean + half
