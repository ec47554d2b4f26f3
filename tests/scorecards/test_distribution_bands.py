"""The teammates' spread on an agent's page as bands (scorecards.formatting.distribution): pure,
no database."""

from types import SimpleNamespace

from common.privacy import TEAM_DISTRIBUTION_MIN_TEAMMATES
from scorecards.formatting import distribution


def own(value, insufficient=False):
    return SimpleNamespace(value=value, insufficient_data=insufficient)


def test_fewer_teammates_than_the_minimum_show_nothing_but_their_number():
    assert TEAM_DISTRIBUTION_MIN_TEAMMATES == 5
    assert distribution([61.3, 67.9, 72.4, 78.6], own(70.0), "fcr") == {"count": 4, "shown": False}


def test_the_figures_are_bands_not_values():
    d = distribution([61.3, 67.9, 72.4, 78.6, 83.1], own(70.0), "fcr")
    assert (d["low"], d["median"], d["high"]) == ("65.0 %", "70.0 %", "80.0 %")
    assert set(d) == {
        "count",
        "shown",
        "low",
        "high",
        "median",
        "box_left",
        "box_width",
        "median_at",
        "own",
        "own_place",
    }
    assert d["own_place"] == "within" and 4 <= d["box_left"] < d["median_at"] < d["box_left"] + d["box_width"] <= 96


def test_a_team_on_one_value_still_gets_a_band_one_step_wide():
    # a box of no width at 80.0 would tell everyone that three teammates had exactly 80.0
    d = distribution([80.0] * 5, None, "fcr")
    assert (d["low"], d["high"], d["own"], d["own_place"]) == ("80.0 %", "85.0 %", None, None)


def test_times_round_to_steps_that_grow_with_them():
    handle = distribution([241.0, 256.0, 263.0, 287.0, 301.0, 333.0], own(200.0), "aht")
    assert (handle["low"], handle["median"], handle["high"]) == ("4:15", "4:30", "5:00")
    assert handle["own_place"] == "below" and handle["own"] < handle["box_left"]
    hold = distribution([31.0, 33.0, 38.0, 41.0, 47.0], own(38.0, insufficient=True), "avg_hold")
    assert (hold["low"], hold["median"], hold["high"]) == ("30 s", "40 s", "45 s") and hold["own"] is None
