"""North-star KPIs of this week beside last week, as the home pages show them.

The values, n and 95% intervals are the engine's snapshots (scorecards), the bands its
targets: nothing is recomputed here. Two weeks whose intervals overlap are "not a significant
change", whatever the points say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Team
from common.periods import WEEK, previous_period_start
from scorecards.catalogue import KPIS, NORTH_STAR, band
from scorecards.formatting import format_interval, format_value
from scorecards.models import KpiSnapshot, Target

# How this week compares with the one before (the template words each).
NO_PREVIOUS, TOO_FEW, NO_INTERVAL, NOT_SIGNIFICANT, BETTER, WORSE, CHANGED = (
    "no_previous",
    "too_few",
    "no_interval",
    "not_significant",
    "better",
    "worse",
    "changed",
)


def change(kpi: str, now: KpiSnapshot, before: KpiSnapshot | None) -> str:
    """``NOT_SIGNIFICANT`` when the two weeks' intervals overlap; else which way it went."""
    if before is None or now.value is None or before.value is None:
        return NO_PREVIOUS
    if now.insufficient_data or before.insufficient_data:
        return TOO_FEW
    if None in (now.ci_low, now.ci_high, before.ci_low, before.ci_high):
        return NO_INTERVAL
    if now.ci_low <= before.ci_high and before.ci_low <= now.ci_high:  # type: ignore[operator]
        return NOT_SIGNIFICANT
    better = KPIS[kpi].better
    if better is None:
        return CHANGED
    return BETTER if (now.value > before.value) == (better == "higher") else WORSE


@dataclass
class KpiLine:
    code: str
    label: str
    group: str  # the team's name, or the agent's login
    value: str
    n: int
    interval: str
    band: str | None  # green, amber, red; None: no target or too few contacts
    sufficient: bool
    change: str
    before: str  # last week's value, formatted


def _targets(teams: list[Team | None], on: dt.date) -> dict[tuple[str, int | None], Target]:
    """The target in force per (kpi, team) for a whole scorecard (no queue, no interaction
    type) in one query: a team's own before the tenant-wide one, then the latest start, as
    scorecards.targets.target_in_force chooses."""
    team_ids = [t.pk for t in teams if t is not None]
    rows = Target.objects.filter(
        Q(team__isnull=True) | Q(team_id__in=team_ids),
        kpi__in=[k.code for k in NORTH_STAR],
        retired_at__isnull=True,
        effective_from__lte=on,
        queue__isnull=True,
        interaction_type__isnull=True,
    )
    chosen: dict[tuple[str, int | None], Target] = {}
    for team in teams:
        team_id = team.pk if team is not None else None
        for target in rows:
            if target.team_id not in (None, team_id):
                continue
            key = (target.kpi, team_id)
            rank = (target.team_id is not None, target.effective_from, target.pk)
            current = chosen.get(key)
            if current is None or rank > (current.team_id is not None, current.effective_from, current.pk):
                chosen[key] = target
    return chosen


def north_star_lines(*, scope: str, groups: list[tuple[str, Team | None]], week: dt.date) -> list[KpiLine]:
    """One line per north-star KPI with a value this week, for each (key, team) of ``groups``
    (``scope`` "team": key is the team's name; "agent": the agent's login and her team).
    The caller has already limited ``groups`` to what the person asking may see."""
    if not groups:
        return []
    before = previous_period_start(WEEK, week)
    snapshots = KpiSnapshot.objects.filter(
        scope=scope,
        period="week",
        key__in=[key for key, _ in groups],
        period_start__in=[week, before],
        kpi__in=[k.code for k in NORTH_STAR],
    )
    by_key = {(s.kpi, s.key, s.period_start): s for s in snapshots}
    targets = _targets([team for _, team in groups], week)
    lines = []
    for key, team in groups:
        for kpi in NORTH_STAR:
            now = by_key.get((kpi.code, key, week))
            if now is None:
                continue
            previous = by_key.get((kpi.code, key, before))
            target = targets.get((kpi.code, team.pk if team is not None else None))
            colour = (
                band(kpi, now.value, target.green, target.amber, target.direction)
                if target is not None and not now.insufficient_data
                else None
            )
            lines.append(
                KpiLine(
                    code=kpi.code,
                    label=kpi.label,
                    group=key,
                    value=format_value(kpi.code, now.value),
                    n=now.n,
                    interval=format_interval(kpi.code, now.ci_low, now.ci_high),
                    band=colour,
                    sufficient=not now.insufficient_data,
                    change=change(kpi.code, now, previous),
                    before=format_value(kpi.code, previous.value) if previous is not None else "",
                )
            )
    return lines
