"""The three coaching signals of kpis.md ("Signals built from the KPIs") as pure functions.

No ORM here: coaching/signals.py gathers the numbers (one query per rule over all agents)
and asks these functions, which return the facts to store, or None when the rule does not
hold (``describe`` words the facts in the active language). Choices where the spec is
silent are written here and into each signal's facts:

* rushing: the agent's week aht_index < 0.8, her own aht_index n >= min_sample, and her
  repeat_rate or transfer_rate (its own n >= min_sample) above the 75th percentile
  (linear interpolation, as PostgreSQL's percentile_cont) of her **teammates'** values that
  week, counting teammates whose n >= min_sample, and only with at least MIN_PEERS of them.
  A long AHT explained by a complex mix has aht_index near 1, so it is never rushing.
* complexity mismatch: the complex types are the top third of the tenant's types by
  expected handle time (at least one; configured, else the quarter median, as the engine).
  The agent's share of handle time on them exceeds her teammates' share by 1.5x, with at
  least min_sample handled contacts for her and for her teammates together.
* burnout risk, any of: occupancy > 85 % on 3+ of the last 5 working days up to the week's
  end (a working day is a day with an agent occupancy snapshot, looking back 28 days; only
  for a week with at least one working day); the
  median ready gap after contacts longer than 2x their expected handle time under 60 s
  (at least RECOVERY_MIN_CONTACTS such contacts). The agent's own effort answers (AES) are
  no part of it, not even as a flag: a per-agent effort trend shown to her manager is what
  the pulse page promises never happens (per-agent effort reaches no one but the agent).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _

from common.formats import number, percent
from scorecards.catalogue import KPIS as KPIS_BY_CODE

RUSHING_AHT_INDEX = 0.8
RUSHING_RATES = ("repeat_rate", "transfer_rate")
MIN_PEERS = 3
MISMATCH_FACTOR = 1.5
HIGH_OCCUPANCY = 85.0  # percent, as the occupancy snapshot
OCCUPANCY_DAYS, OCCUPANCY_HIGH_DAYS = 5, 3
LONG_CONTACT_FACTOR = 2.0
RECOVERY_SECONDS = 60.0
RECOVERY_MIN_CONTACTS = 10  # fewer long contacts make the median a coin toss

KPIS = {"rushing": ["aht_index"], "complexity_mismatch": ["aht", "aht_index"], "burnout_risk": ["occupancy"]}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th quantile (0..1) with linear interpolation (percentile_cont)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def rushing(
    *,
    aht_index: float | None,
    aht_index_n: int,
    rates: Mapping[str, tuple[float, int]],
    teammates: Mapping[str, Iterable[tuple[float, int]]],
    min_sample: int,
) -> dict | None:
    """rates: {kpi: (value, n)} of the agent; teammates: {kpi: [(value, n), ...]} of the
    others in her team the same week."""
    if aht_index is None or aht_index_n < min_sample or aht_index >= RUSHING_AHT_INDEX:
        return None
    above = {}
    for kpi in RUSHING_RATES:
        if kpi not in rates or rates[kpi][1] < min_sample:
            continue
        peers = [value for value, n in teammates.get(kpi, ()) if n >= min_sample and value is not None]
        if len(peers) < MIN_PEERS:
            continue
        p75 = percentile(peers, 0.75)
        if rates[kpi][0] > p75:
            above[kpi] = {"value": rates[kpi][0], "team_p75": p75, "n": rates[kpi][1], "teammates": len(peers)}
    if not above:
        return None
    return {
        "aht_index": aht_index,
        "n": aht_index_n,
        "rates": above,
        "min_sample": min_sample,
        "kpis": ["aht_index", *above],
    }


def complex_types(expected: Mapping[str, float]) -> list[str]:
    """The top third of types by expected handle seconds (at least one), longest first."""
    ordered = sorted(expected, key=lambda name: (-expected[name], name))
    return ordered[: max(1, len(ordered) // 3)] if ordered else []


def complexity_mismatch(
    *,
    agent_handle: Mapping[str, float],
    agent_contacts: int,
    team_handle: Mapping[str, float],
    team_contacts: int,
    complex: Sequence[str],
    min_sample: int,
) -> dict | None:
    """Handle seconds by type of the agent and of her teammates (the agent left out)."""
    if not complex or agent_contacts < min_sample or team_contacts < min_sample:
        return None
    agent_total, team_total = sum(agent_handle.values()), sum(team_handle.values())
    if agent_total <= 0 or team_total <= 0:
        return None
    agent_share = sum(agent_handle.get(t, 0) for t in complex) / agent_total
    team_share = sum(team_handle.get(t, 0) for t in complex) / team_total
    if agent_share <= 0 or agent_share <= MISMATCH_FACTOR * team_share:
        return None
    return {
        "types": list(complex),
        "agent_share": agent_share,
        "team_share": team_share,
        "contacts": agent_contacts,
        "team_contacts": team_contacts,
        "kpis": KPIS["complexity_mismatch"],
    }


def high_occupancy_days(days: Mapping[dt.date, float], week_end: dt.date) -> tuple[list, list]:
    """The last 5 working days up to week_end and those above 85 %: ([(day, value)], [...])."""
    last = sorted((d for d in days if d <= week_end), reverse=True)[:OCCUPANCY_DAYS]
    window = [(d, days[d]) for d in sorted(last)]
    return window, [(d, v) for d, v in window if v is not None and v > HIGH_OCCUPANCY]


def burnout_risk(
    *, occupancy: Mapping[dt.date, float], week_end: dt.date, recovery_gaps: Sequence[float]
) -> dict | None:
    window, high = high_occupancy_days(occupancy, week_end)
    # Only a week the agent worked in: a holiday week does not inherit the week before.
    worked = bool(window) and window[-1][0] > week_end - dt.timedelta(days=7)
    occupancy_risk = worked and len(high) >= OCCUPANCY_HIGH_DAYS
    recovery = statistics.median(recovery_gaps) if len(recovery_gaps) >= RECOVERY_MIN_CONTACTS else None
    recovery_risk = recovery is not None and recovery < RECOVERY_SECONDS
    if not (occupancy_risk or recovery_risk):
        return None
    return {
        "occupancy_risk": occupancy_risk,
        "high_days": [{"day": d.isoformat(), "occupancy": v} for d, v in high],
        "working_days": [d.isoformat() for d, _ in window],
        "recovery_risk": recovery_risk,
        "recovery_median": recovery,
        "long_contacts": len(recovery_gaps),
        "kpis": KPIS["burnout_risk"],
    }


def describe(kind: str, facts: Mapping) -> list[str]:
    """The facts in words, for the manager's pages, in the active language."""
    if kind == "rushing":
        lines = [
            _("AHT index %(index)s (below %(limit)s) over %(n)s contacts.")
            % {"index": number(facts["aht_index"], 2), "limit": number(RUSHING_AHT_INDEX, 1), "n": facts["n"]}
        ]
        for kpi, r in sorted(facts.get("rates", {}).items()):
            lines.append(
                _(
                    "%(kpi)s %(value)s over %(n)s contacts, above the team's 75th percentile of "
                    "%(p75)s (%(teammates)s teammates)."
                )
                % {
                    "kpi": _rate_name(kpi),
                    "value": percent(r["value"], 1),
                    "n": r["n"],
                    "p75": percent(r["team_p75"], 1),
                    "teammates": r["teammates"],
                }
            )
        return lines
    if kind == "complexity_mismatch":
        return [
            _("Most complex types: %(types)s.") % {"types": ", ".join(facts["types"])},
            _(
                "%(agent)s of this agent's handle time went to them, against %(team)s for the rest "
                "of the team (%(contacts)s contacts)."
            )
            % {
                "agent": percent(100 * facts["agent_share"], 0),
                "team": percent(100 * facts["team_share"], 0),
                "contacts": facts["contacts"],
            },
        ]
    lines = []
    if facts.get("occupancy_risk"):
        days = ", ".join(f"{d['day']} ({percent(d['occupancy'], 0)})" for d in facts["high_days"])
        lines.append(
            _("Occupancy above %(limit)s on %(high)s of the last %(working)s working days: %(days)s.")
            % {
                "limit": percent(HIGH_OCCUPANCY, 0),
                "high": len(facts["high_days"]),
                "working": len(facts["working_days"]),
                "days": days,
            }
        )
    if facts.get("recovery_risk"):
        lines.append(
            _("Median ready time after a long contact: %(median)s s (under %(limit)s s, %(long)s long contacts).")
            % {
                "median": number(facts["recovery_median"], 0),
                "limit": number(RECOVERY_SECONDS, 0),
                "long": facts["long_contacts"],
            }
        )
    return lines


def _rate_name(kpi: str) -> str:
    """The KPI's name as the scorecard writes it (in the active language once it is translated)."""
    return str(KPIS_BY_CODE[kpi].label) if kpi in KPIS_BY_CODE else kpi.replace("_", " ").capitalize()
