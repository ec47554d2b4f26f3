"""The disclosure rule of agent effort (common.privacy), without a database: primary
suppression of small teams, complementary suppression of the center, and the rounding every
published mean goes through."""

from __future__ import annotations

import itertools

import pytest

from common.privacy import ANONYMITY_MIN, Disclosure, effort_disclosure, effort_rounded


def test_a_team_is_published_from_five_respondents():
    rule = effort_disclosure({"North": 5, "South": 4, "East": 0}, total=9)
    assert rule.groups == {"North"}


@pytest.mark.parametrize(
    ("teams", "total", "center"),
    [
        ({"North": 6, "South": 5}, 11, True),  # nothing outside the published teams
        ({"North": 6, "South": 3}, 9, False),  # center − North = South's three
        ({"North": 6}, 7, False),  # one agent with no team: center − North = her answer
        ({"North": 6}, 10, False),  # four agents with no team
        ({"North": 6}, 11, True),  # five with no team: a group of five, as a team would be
        ({"North": 6, "South": 3}, 11, True),  # South's three and two with no team: five
        ({"North": 4}, 4, False),  # the center itself is under five
        ({}, 5, True),  # five agents, none in a team: the center is one group of five
        ({"North": 2, "South": 2}, 4, False),
    ],
)
def test_the_center_is_published_only_when_its_hidden_part_is_none_or_five(teams, total, center):
    assert effort_disclosure(teams, total).total is center


def test_a_total_below_its_parts_is_a_mistake():
    with pytest.raises(ValueError):
        effort_disclosure({"North": 6}, total=5)


def test_no_subtraction_of_published_figures_leaves_a_small_group():
    """Every way three teams and the agents without one can fall: whatever an attacker takes
    away from a published figure (the center minus any published teams), what is left is
    nothing or at least ANONYMITY_MIN respondents."""
    for counts in itertools.product(range(9), repeat=3):
        for no_team in range(7):
            teams = dict(zip("ABC", counts, strict=True))
            rule = effort_disclosure(teams, sum(counts) + no_team)
            assert isinstance(rule, Disclosure)
            assert all(teams[g] >= ANONYMITY_MIN for g in rule.groups)
            if not rule.total:
                continue
            assert sum(counts) + no_team >= ANONYMITY_MIN
            for size in range(len(rule.groups) + 1):
                for taken in itertools.combinations(sorted(rule.groups), size):
                    left = sum(counts) + no_team - sum(teams[g] for g in taken)
                    assert left == 0 or left >= ANONYMITY_MIN, (teams, no_team, taken)


@pytest.mark.parametrize(
    ("mean", "shown"), [(6.25, 6.3), (6.24999, 6.2), (31 / 5, 6.2), (2.35, 2.4), (1.0, 1.0), (None, None)]
)
def test_a_published_mean_is_rounded_half_up_to_one_decimal(mean, shown):
    assert effort_rounded(mean) == shown
