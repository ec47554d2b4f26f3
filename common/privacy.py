"""Rules for publishing data about people, shared by every app that publishes it.

The agent effort pulse (AES) is published by one rule, ``effort_disclosure``, which the KPI
engine (scorecards/queries_surveys.py, the ``aes`` snapshots behind the API, kpi_report, CSV and
scorecard pages) and the effort pages (surveys/effort_selectors.py) both call. docs/kpis.md,
"Agent effort: what is published", gives the reasoning; in short:

* one grain, the complete local week (Monday): a weekly pulse needs no day, and a month or a
  running week minus its published parts would give back what the rule suppressed;
* a group's figure is the mean over its respondents of each respondent's mean that week,
  published rounded (``EFFORT_DECIMALS``), never as exact sums;
* a group (a team) is published only with at least ``ANONYMITY_MIN`` respondents (primary
  suppression), and the whole center only when the respondents it holds outside the published
  teams (teams under the minimum, agents with no team) number 0 or at least ``ANONYMITY_MIN``
  (complementary suppression): otherwise "center − published teams" would be a small group.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeVar

# An aggregate of agents' own answers (the effort pulse) is shown only over a group of at
# least this many respondents: a smaller group's mean would all but name its members.
ANONYMITY_MIN = 5

# An agent's page shows her team's spread of a KPI only when at least this many teammates
# besides her have enough data, and then only as bands (scorecards.formatting.distribution):
# the quartiles and median of three or four people sit on, or between, one or two of them, so
# a smaller team's spread would hand each agent her teammates' numbers. The agent herself is
# not counted, and not in the spread, so she cannot take her own value out of it.
TEAM_DISTRIBUTION_MIN_TEAMMATES = 5

# Effort means are published with one decimal (the pages, the chart, the API and exports
# alike): enough to follow a team, and a published mean never carries more than the page shows.
EFFORT_DECIMALS = 1

G = TypeVar("G", bound=Hashable)


@dataclass(frozen=True)
class Disclosure(Generic[G]):
    """What one period's effort figures may show: the groups and whether the whole center."""

    groups: frozenset[G]
    total: bool


def effort_disclosure(respondents: Mapping[G, int], total: int, minimum: int = ANONYMITY_MIN) -> Disclosure[G]:
    """Which groups of one period, and whether their total, may be published.

    ``respondents``: per group (team), how many agents answered in the period; the groups do not
    overlap (each agent's week belongs to one team). ``total``: the respondents of the whole
    center in the period, those of no group included (so ``total >= sum(respondents)``).

    A group is published when it has at least ``minimum`` respondents. The total is published
    when it has at least ``minimum`` and the respondents it holds outside the published groups
    number 0 or at least ``minimum``: total − Σ published groups is then either nothing or a
    group large enough to publish by itself. Suppressing the total, rather than one more group,
    keeps every team's own figure, which is what managers act on.

    >>> effort_disclosure({"North": 6, "South": 3}, total=9)
    Disclosure(groups=frozenset({'North'}), total=False)
    """
    if total < sum(respondents.values()):
        raise ValueError("the total counts every group's respondents")
    published = frozenset(group for group, count in respondents.items() if count >= minimum)
    hidden = total - sum(respondents[group] for group in published)
    return Disclosure(published, total >= minimum and (hidden == 0 or hidden >= minimum))


def effort_rounded(mean: float | None) -> float | None:
    """A published effort mean (or interval bound), rounded half up as every page shows it
    (Django's floatformat does the same, so a page and the API never differ in the last digit)."""
    if mean is None:
        return None
    step = Decimal(1).scaleb(-EFFORT_DECIMALS)
    return float(Decimal(repr(float(mean))).quantize(step, rounding=ROUND_HALF_UP))
