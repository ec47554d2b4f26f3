"""Survey formulas without a database: every KPI, with no, one and uniform responses."""

import pytest

from surveys.scoring import ces_mean, ces_net, csat_pct, headline, needs_follow_up, nps, response_rate


@pytest.mark.parametrize("fn", [csat_pct, nps, ces_net, ces_mean])
def test_no_responses_is_no_value_not_zero(fn):
    assert fn([]) is None
    assert fn({}) is None
    assert fn({5: 0}) is None


def test_csat_counts_four_and_five_as_satisfied():
    assert csat_pct([5, 4, 3, 2]) == 50
    assert csat_pct([4]) == 100
    assert csat_pct([3]) == 0
    assert csat_pct({5: 3, 1: 1}) == 75


def test_nps_all_promoters_all_detractors_passives_and_one_response():
    assert nps([9, 10, 10]) == 100
    assert nps([0, 6, 3]) == -100
    assert nps([7, 8]) == 0
    assert nps([10]) == 100
    assert nps({10: 2, 8: 1, 5: 1}) == pytest.approx(25)


def test_ces_net_and_mean():
    assert ces_net([7, 6, 5]) == 100
    assert ces_net([1, 4, 7]) == 0
    assert ces_net([2]) == -100
    assert ces_mean([1, 7]) == 4
    assert ces_mean({6: 3, 3: 1}) == pytest.approx(5.25)
    assert ces_mean([4]) == 4


def test_headline_and_closed_loop_thresholds():
    assert headline("csat", [5, 1]) == 50
    assert headline("nps", [10]) == 100
    assert headline("ces", [6]) == 100
    assert needs_follow_up("csat", 2) and not needs_follow_up("csat", 3)
    assert needs_follow_up("nps", 6) and not needs_follow_up("nps", 7)
    assert not needs_follow_up("ces", 1)


def test_response_rate():
    assert response_rate(0, 0) is None
    assert response_rate(1, 4) == 25
