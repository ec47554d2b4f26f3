"""The pure maths, against published values and hand computations."""

import math

import pytest

from scorecards.calculators import (
    erlang_c,
    net_score_interval,
    staffing_required,
    wilson_interval,
)


def test_wilson_interval_matches_the_published_example():
    # Wilson (1927) / Newcombe (1998) example: 81 of 263 -> 0.2553 to 0.3662
    low, high = wilson_interval(81, 263)
    assert (round(low, 2), round(high, 2)) == (25.53, 36.62)


def test_wilson_interval_edges():
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 10)
    assert low == 0 and 27 < high < 28
    low, high = wilson_interval(10, 10)
    assert 72 < low < 73 and math.isclose(high, 100)


def test_net_score_interval_is_centred_and_bounded():
    low, high = net_score_interval(50, 20, 100)
    assert math.isclose((low + high) / 2, 30)
    # by hand: var = (0.5 + 0.2 - 0.09) / 100 = 0.0061; half = 1.96 * 0.0781 = 0.1531
    assert math.isclose(high - 30, 15.31, abs_tol=0.01)
    assert net_score_interval(10, 0, 10)[1] == 100
    assert net_score_interval(0, 0, 0) is None


def test_erlang_c_textbook_case_needs_14_agents():
    result = staffing_required(calls=100, interval_seconds=1800, aht_seconds=180, target_pct=80, target_seconds=20)
    assert result.agents == 14
    assert round(result.service_level_pct, 1) == 88.8
    assert round(result.asa_seconds, 1) == 7.8
    assert round(result.traffic_erlangs, 6) == 10
    sl_13, *_ = erlang_c(calls=100, interval_seconds=1800, aht_seconds=180, agents=13, target_seconds=20)
    assert sl_13 < 80


def test_occupancy_cap_and_shrinkage_add_agents():
    capped = staffing_required(
        calls=100, interval_seconds=1800, aht_seconds=180, target_pct=80, target_seconds=20, max_occupancy=0.65
    )
    assert capped.agents == 16 and capped.occupancy_pct <= 65
    shrunk = staffing_required(
        calls=100, interval_seconds=1800, aht_seconds=180, target_pct=80, target_seconds=20, shrinkage=0.3
    )
    assert shrunk.scheduled_agents == 20  # ceil(14 / 0.7)


def test_no_calls_need_no_agents_and_bad_input_is_refused():
    assert (
        staffing_required(calls=0, interval_seconds=1800, aht_seconds=180, target_pct=80, target_seconds=20).agents == 0
    )
    with pytest.raises(ValueError):
        staffing_required(calls=10, interval_seconds=0, aht_seconds=180, target_pct=80, target_seconds=20)
