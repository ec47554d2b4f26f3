"""Did coaching help? For each closed session, each focus KPI over the 4 weeks before the
week the session was held against the 4 weeks after it, beside the same change for the
agent's team, so that a team-wide drift is not credited to coaching.

The held week itself belongs to neither side (the session happened in it). Weeks are pooled
from the weekly KPI snapshots: Σ numerators / Σ denominators (the KPI's own formula over the
4 weeks), else an n-weighted mean of the weekly values when a KPI carries no numerator; n is
the total n. A side with n below the tenant's min_sample says "not enough data".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from common.periods import local_date, week_start
from scorecards.catalogue import KPIS
from scorecards.models import KpiSnapshot
from tenants.current import current_tenant

WEEKS = 4


@dataclass(frozen=True)
class Pooled:
    value: float | None
    n: int


@dataclass(frozen=True)
class KpiChange:
    kpi: str
    label: str
    unit: str
    before: Pooled
    after: Pooled
    team_before: Pooled
    team_after: Pooled
    min_sample: int

    def _change(self, before: Pooled, after: Pooled) -> float | None:
        if before.value is None or after.value is None:
            return None
        if min(before.n, after.n) < self.min_sample:
            return None
        return after.value - before.value

    @property
    def change(self) -> float | None:
        """None: not enough data."""
        return self._change(self.before, self.after)

    @property
    def team_change(self) -> float | None:
        return self._change(self.team_before, self.team_after)

    @property
    def net(self) -> float | None:
        """The agent's change beyond the team's drift."""
        if self.change is None or self.team_change is None:
            return None
        return self.change - self.team_change


def windows(held_week: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    """The Mondays of the 4 weeks before and of the 4 weeks after the held week."""
    before = [held_week - dt.timedelta(weeks=k) for k in range(WEEKS, 0, -1)]
    after = [held_week + dt.timedelta(weeks=k) for k in range(1, WEEKS + 1)]
    return before, after


def pool(rows: Iterable[tuple[float | None, float | None, float | None, int]]) -> Pooled:
    """Pure: weekly (value, numerator, denominator, n) rows → one value over the weeks."""
    rows = list(rows)
    n = sum(r[3] or 0 for r in rows)
    if not rows:
        return Pooled(None, 0)
    fractions = [
        (value, numerator, denominator)
        for value, numerator, denominator, _ in rows
        if numerator is not None and denominator
    ]
    if len(fractions) == len(rows):
        # A KPI's value is numerator / denominator × a fixed scale (100 for %, 1 for means);
        # the scale is read off a row rather than kept in a second table.
        scale = next(
            (
                value * denominator / numerator
                for value, numerator, denominator in fractions
                if value is not None and numerator
            ),
            None,
        )
        if scale is not None:
            scale = 100.0 if abs(scale - 100.0) < 0.5 else 1.0
            return Pooled(sum(f[1] for f in fractions) / sum(f[2] for f in fractions) * scale, n)
    weighted = [(r[0], r[3] or 0) for r in rows if r[0] is not None]
    total = sum(w for _, w in weighted)
    if not total:
        return Pooled(None, n)
    return Pooled(sum(v * w for v, w in weighted) / total, n)


def effectiveness_for(sessions: Iterable, *, min_sample: int | None = None) -> dict[int, list[KpiChange]]:
    """{session pk: [KpiChange per focus KPI]} for the closed, held sessions given, in one query."""
    sessions = [s for s in sessions if s.held_at is not None and s.focus_kpis and s.closed_at is not None]
    if not sessions:
        return {}
    tenant = current_tenant()
    if min_sample is None:
        min_sample = tenant.min_sample
    # The held week is the session's Monday in the tenant's timezone, as the snapshots' weeks.
    weeks = {s.pk: windows(week_start(local_date(s.held_at, tenant.tz))) for s in sessions}
    first = min(b[0] for b, _ in weeks.values())
    last = max(a[-1] for _, a in weeks.values())
    logins = {s.agent.acd_login for s in sessions}
    teams = {s.agent.team.name for s in sessions if s.agent.team_id}
    kpis = {k for s in sessions for k in s.focus_kpis}
    rows = KpiSnapshot.objects.filter(
        Q(scope="agent", key__in=logins) | Q(scope="team", key__in=teams),
        period="week",
        kpi__in=kpis,
        period_start__range=(first, last),
    ).values_list("scope", "key", "kpi", "period_start", "value", "numerator", "denominator", "n")
    by_group: dict[tuple, dict[dt.date, tuple]] = defaultdict(dict)
    for scope, key, kpi, start, *numbers in rows:
        by_group[(scope, key, kpi)][start] = tuple(numbers)

    def pooled(scope, key, kpi, mondays) -> Pooled:
        found = by_group.get((scope, key, kpi), {})
        return pool(found[m] for m in mondays if m in found)

    result = {}
    for s in sessions:
        before, after = weeks[s.pk]
        team = s.agent.team.name if s.agent.team_id else None
        changes = []
        for code in s.focus_kpis:
            meta = KPIS.get(code)
            changes.append(
                KpiChange(
                    kpi=code,
                    label=meta.label if meta else code,
                    unit=meta.unit if meta else "",
                    before=pooled("agent", s.agent.acd_login, code, before),
                    after=pooled("agent", s.agent.acd_login, code, after),
                    team_before=pooled("team", team, code, before) if team else Pooled(None, 0),
                    team_after=pooled("team", team, code, after) if team else Pooled(None, 0),
                    min_sample=min_sample,
                )
            )
        result[s.pk] = changes
    return result
