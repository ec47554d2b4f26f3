"""The KPI catalogue of ../shared/spec/kpis.md: codes, units, direction and role. Pure data.

``better`` is "higher", "lower" or None (diagnostic: no pass/fail colour, never ranked alone).
``scopes`` lists where a KPI exists: operations KPIs have no agent scope (unanswered
contacts have no agent); activity and schedule KPIs exist for agent, team and tenant only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy


def _(text: str) -> str:
    """A label in the language of whoever reads it (lazy), typed as the str it acts as
    everywhere a label goes (f-strings, templates, CSV, JSON)."""
    return gettext_lazy(text)  # type: ignore[return-value]


ALL_SCOPES = ("agent", "team", "queue", "interaction_type", "channel", "tenant")
NOT_AGENT = ("team", "queue", "interaction_type", "channel", "tenant")
PEOPLE = ("agent", "team", "tenant")
PERIODS = ("day", "week", "month")


@dataclass(frozen=True)
class Kpi:
    code: str
    label: str  # lazy: read in the language of whoever looks (see _)
    unit: str  # "%", "s", "points", "ratio", "count", "/h", "hour", "score", "currency"
    better: str | None
    family: str
    scopes: tuple[str, ...] = ALL_SCOPES
    north_star: bool = False
    diagnostic: bool = False
    proportion: bool = False  # value = numerator / denominator × 100, Wilson interval


KPIS: dict[str, Kpi] = {
    k.code: k
    for k in [
        # customer experience
        Kpi("fcr", _("First-contact resolution"), "%", "higher", "contacts", north_star=True, proportion=True),
        Kpi("csat", _("CSAT"), "%", "higher", "surveys", north_star=True, proportion=True),
        Kpi("nps", _("NPS"), "points", "higher", "surveys", north_star=True),
        Kpi("ces", _("CES (net)"), "points", "higher", "surveys"),
        Kpi("ces_mean", _("CES (mean)"), "score", "higher", "surveys"),
        Kpi("frt", _("First response time"), "s", "lower", "contacts"),
        Kpi("survey_response_rate", _("Survey response rate"), "%", "higher", "surveys", proportion=True),
        # agent performance
        Kpi("aht", _("Average handle time"), "s", None, "contacts", diagnostic=True),
        Kpi("aht_index", _("AHT index (vs. expected)"), "ratio", None, "contacts", diagnostic=True),
        Kpi("avg_talk", _("Average talk time"), "s", None, "contacts", diagnostic=True),
        Kpi("acw", _("After-contact work"), "s", "lower", "contacts"),
        Kpi("avg_hold", _("Average hold"), "s", "lower", "contacts"),
        Kpi("avg_hold_per_held", _("Average hold (held contacts)"), "s", "lower", "contacts"),
        Kpi("transfer_rate", _("Transfer rate"), "%", "lower", "contacts", proportion=True),
        Kpi("repeat_rate", _("Repeat contact rate"), "%", "lower", "contacts", proportion=True),
        Kpi("calls_handled", _("Contacts handled"), "count", None, "contacts"),
        Kpi("calls_per_hour", _("Contacts per staffed hour"), "/h", None, "activity", PEOPLE, diagnostic=True),
        Kpi("occupancy", _("Occupancy"), "%", "lower", "activity", PEOPLE, proportion=True),
        Kpi("utilization", _("Utilization"), "%", None, "schedule", PEOPLE, diagnostic=True),
        Kpi("adherence", _("Schedule adherence"), "%", "higher", "schedule", PEOPLE, proportion=True),
        Kpi("availability", _("Availability"), "%", None, "activity", PEOPLE, diagnostic=True, proportion=True),
        Kpi("missed_calls", _("Missed contacts"), "count", "lower", "missed", PEOPLE),
        Kpi("qa_score", _("QA score"), "%", "higher", "qa", north_star=True),
        Kpi("qa_compliance_rate", _("QA compliance"), "%", "higher", "qa", proportion=True),
        Kpi("aes", _("Agent effort"), "score", "lower", "effort", ("team", "tenant")),
        # operations
        Kpi("asa", _("Average speed of answer"), "s", "lower", "contacts", NOT_AGENT),
        Kpi(
            "service_level", _("Service level"), "%", "higher", "contacts", NOT_AGENT, north_star=True, proportion=True
        ),
        Kpi("abandonment_rate", _("Abandonment rate"), "%", "lower", "contacts", NOT_AGENT, proportion=True),
        Kpi("longest_wait", _("Longest wait"), "s", "lower", "contacts", NOT_AGENT),
        Kpi("arrivals", _("Arrivals"), "count", None, "contacts", NOT_AGENT),
        Kpi("peak_hour", _("Peak hour"), "hour", None, "peak", NOT_AGENT),
        Kpi("blocked_rate", _("Blocked rate"), "%", "lower", "contacts", NOT_AGENT, proportion=True),
        Kpi("callback_rate", _("Callback rate"), "%", None, "contacts", NOT_AGENT, proportion=True),
        Kpi("avg_resolution_time", _("Average resolution time"), "s", "lower", "cases", NOT_AGENT),
        Kpi("avg_query_age", _("Average query age"), "s", "lower", "cases", NOT_AGENT),
        Kpi("cost_per_call", _("Cost per contact"), "currency", "lower", "cost", north_star=True),
    ]
}

NORTH_STAR = [k for k in KPIS.values() if k.north_star]
DIAGNOSTIC = [k for k in KPIS.values() if k.diagnostic]


def band(kpi: Kpi, value: float | None, green: float, amber: float, direction: str | None = None) -> str | None:
    """green / amber / red for a value against a target's thresholds; None when uncoloured.

    For "higher is better", green means value ≥ green and amber value ≥ amber; for
    "lower", value ≤ green and value ≤ amber. Diagnostic KPIs are coloured only when the
    target names a direction (a paired, per-interaction-type target).
    """
    direction = direction or kpi.better
    if value is None or direction is None:
        return None
    if direction == "higher":
        return "green" if value >= green else "amber" if value >= amber else "red"
    return "green" if value <= green else "amber" if value <= amber else "red"
