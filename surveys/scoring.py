"""Survey scores, pure maths (no ORM): the formulas of ../shared/spec/kpis.md.

Every function takes either the scores themselves (``[5, 4, 2]``) or a distribution
(``{5: 10, 4: 3}``, score -> count, as an aggregate query returns it) and answers None when
there is nothing to score, never 0: "no responses" is not "everyone unhappy".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from scorecards.calculators import net_score_interval, wilson_interval

Scores = Iterable[int] | Mapping[int, int]


def distribution(scores: Scores) -> dict[int, int]:
    if isinstance(scores, Mapping):
        return {int(score): int(count) for score, count in scores.items() if count}
    return dict(Counter(int(score) for score in scores))


def _share_between(dist: Mapping[int, int], low: int, high: int) -> tuple[int, int]:
    total = sum(dist.values())
    return sum(c for s, c in dist.items() if low <= s <= high), total


def csat_pct(scores: Scores) -> float | None:
    """Responses scored 4–5 / responses × 100 (1–5 scale)."""
    satisfied, total = _share_between(distribution(scores), 4, 5)
    return None if total == 0 else satisfied / total * 100


def nps(scores: Scores) -> float | None:
    """% promoters (9–10) − % detractors (0–6), −100..100."""
    dist = distribution(scores)
    promoters, total = _share_between(dist, 9, 10)
    detractors, _ = _share_between(dist, 0, 6)
    return None if total == 0 else (promoters - detractors) / total * 100


def ces_net(scores: Scores) -> float | None:
    """% of 5–7 ("easy") − % of 1–3 on the 1–7 scale, −100..100."""
    dist = distribution(scores)
    easy, total = _share_between(dist, 5, 7)
    hard, _ = _share_between(dist, 1, 3)
    return None if total == 0 else (easy - hard) / total * 100


def ces_mean(scores: Scores) -> float | None:
    """Mean CES response, 1–7."""
    dist = distribution(scores)
    total = sum(dist.values())
    return None if total == 0 else sum(s * c for s, c in dist.items()) / total


def headline(kind: str, scores: Scores) -> float | None:
    """The one figure a kind is reported by: CSAT %, NPS, net CES."""
    return {"csat": csat_pct, "nps": nps, "ces": ces_net}[kind](scores)


# (positive scores, negative scores) of each headline: CSAT counts its satisfied answers (a
# Wilson interval), NPS and CES net subtract the negatives (the multinomial interval): the
# intervals the KPI engine stores with its snapshots, from the same calculators.
_SIDES: dict[str, tuple[tuple[int, int], tuple[int, int] | None]] = {
    "csat": ((4, 5), None),
    "nps": ((9, 10), (0, 6)),
    "ces": ((5, 7), (1, 3)),
}


def headline_interval(kind: str, scores: Scores) -> tuple[float, float] | None:
    """95 % interval of ``headline(kind, scores)``, in its unit; None when there is nothing to score."""
    dist = distribution(scores)
    (pos_low, pos_high), negative = _SIDES[kind]
    positives, n = _share_between(dist, pos_low, pos_high)
    if negative is None:
        return wilson_interval(positives, n)
    negatives = _share_between(dist, *negative)[0]
    return net_score_interval(positives, negatives, n)


def needs_follow_up(kind: str, score: int) -> bool:
    """Closed loop: a CSAT of 1–2 or an NPS detractor (0–6)."""
    return (kind == "csat" and score <= 2) or (kind == "nps" and score <= 6)


def response_rate(responses: int, invitations: int) -> float | None:
    return None if invitations == 0 else responses / invitations * 100
