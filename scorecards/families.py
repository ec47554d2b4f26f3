"""The day-level sums behind every KPI family, per (scope, key, local day).

Every KPI of the contact, survey and people families is a ratio of sums (or a max), so the
engine keeps these sums between runs (scorecards.models_daysums, one table per family): a
recompute redoes only the days that changed and rolls weeks and months up from the stored
days, instead of reading a month of interactions again. This module is the one list of
those sums: the tables and the SQL that fills and reads them are both built from it.

An aggregate is (SQL over the family's source rows, how it rolls up: "sum" or "max").
"""

from __future__ import annotations

from dataclasses import dataclass


def _count(condition: str) -> tuple[str, str]:
    return f"count(*) FILTER (WHERE {condition})", "sum"


def _sum(expr: str, condition: str) -> tuple[str, str]:
    return f"sum({expr}) FILTER (WHERE {condition})", "sum"


@dataclass(frozen=True)
class DayFamily:
    name: str
    scopes: tuple[str, ...]
    aggregates: dict[str, tuple[str, str]]
    extra: tuple[str, ...] = ()  # more grouping columns than (scope, key, day)

    @property
    def table(self) -> str:
        return f"scorecards_kpiday_{self.name}"


CONTACT_SCOPES = ("agent", "team", "queue", "interaction_type", "channel", "tenant")
PEOPLE_SCOPES = ("agent", "team", "tenant")

CONTACTS = DayFamily(
    "contacts",
    CONTACT_SCOPES,
    {
        "contacts": ("count(*)", "sum"),
        "handled": _count("handled"),
        "offered": _count("offered"),
        "short_abandons": _count("short_abandon"),
        "blocked": _count("blocked"),
        "callbacks": _count("callback"),
        "callback_requested": _count("callback_requested"),
        "within_sl": _count("within_sl"),
        "with_customer": _count("has_customer"),
        "repeats": _count("is_repeat"),
        "first_contacts": _count("first_contact"),
        "fcr": _count("fcr"),
        "transferred": _count("handled AND transferred"),
        "held": _count("handled AND hold > 0"),
        "handle": _sum("handle", "handled"),
        "handle_sq": _sum("handle::float8 ^ 2", "handled"),
        "talk": _sum("talk", "handled"),
        "talk_sq": _sum("talk::float8 ^ 2", "handled"),
        "acw": _sum("acw", "handled"),
        "acw_sq": _sum("acw::float8 ^ 2", "handled"),
        "hold": _sum("hold", "handled"),
        "hold_sq": _sum("hold::float8 ^ 2", "handled"),
        "held_sq": _sum("hold::float8 ^ 2", "handled AND hold > 0"),
        "frt": ("sum(frt)", "sum"),
        "frt_sq": ("sum(frt ^ 2)", "sum"),
        "wait": _sum("wait", "handled"),
        "wait_sq": _sum("wait ^ 2", "handled"),
        "longest_wait": ("max(wait) FILTER (WHERE handled OR abandoned)", "max"),
        "waits": ("count(wait) FILTER (WHERE handled OR abandoned)", "sum"),
        "indexed_handle": _sum("handle", "expected > 0"),
        "expected": _sum("expected", "expected > 0"),
        "indexed": _count("expected > 0"),
        "cost": ("sum(cost)", "sum"),
        "costed": ("count(cost)", "sum"),
    },
)

SURVEYS = DayFamily(
    "surveys",
    CONTACT_SCOPES,
    {
        "csat_n": _count("r.survey = 'csat'"),
        "csat_pos": _count("r.survey = 'csat' AND r.score >= 4"),
        "nps_n": _count("r.survey = 'nps'"),
        "nps_pos": _count("r.survey = 'nps' AND r.score >= 9"),
        "nps_neg": _count("r.survey = 'nps' AND r.score <= 6"),
        "ces_n": _count("r.survey = 'ces'"),
        "ces_pos": _count("r.survey = 'ces' AND r.score >= 5"),
        "ces_neg": _count("r.survey = 'ces' AND r.score <= 3"),
        "ces_sum": _sum("r.score", "r.survey = 'ces'"),
        "ces_sq": _sum("r.score::float8 ^ 2", "r.survey = 'ces'"),
    },
)

# Arrivals per hour of the day, for the peak hour (operations KPIs: no agent scope).
PEAK_HOUR = DayFamily("peak_hour", CONTACT_SCOPES[1:], {"arrivals": ("count(*)", "sum")}, extra=("hour",))

MISSED = DayFamily("missed", PEOPLE_SCOPES, {"missed": ("sum(missed)", "sum"), "offered_to": ("count(*)", "sum")})

PEOPLE = DayFamily(
    "people",
    PEOPLE_SCOPES,
    {
        c: (f"sum({c})", "sum")
        for c in (
            "busy",
            "ready",
            "logged_in",
            "activity_pieces",
            "scheduled",
            "paid",
            "adherent",
            "schedule_pieces",
            "handled",
            "handle",
            "cost",
            "costed",
        )
    },
)

RESPONSES = DayFamily("responses", CONTACT_SCOPES, {"invited": ("count(*)", "sum"), "answered": _count("answered")})

QA = DayFamily(
    "qa",
    CONTACT_SCOPES,
    {
        "evaluations": ("count(*)", "sum"),
        "score": ("sum(score_pct)", "sum"),
        "score_sq": ("sum(score_pct ^ 2)", "sum"),
        "compliant": _count("NOT compliance_failed"),
    },
)

# Handle seconds of each agent per interaction type, for the complexity-mismatch signal
# (coaching/signals.py).
AGENT_TYPES = DayFamily(
    "agent_types", ("agent",), {"handled": ("count(*)", "sum"), "handle": ("sum(handle)", "sum")}, extra=("itype",)
)

DAY_FAMILIES = (CONTACTS, SURVEYS, PEAK_HOUR, MISSED, PEOPLE, RESPONSES, QA, AGENT_TYPES)
