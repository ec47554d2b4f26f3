"""The main navigation, grouped by job: every entry once, with the roles it is offered to.

An entry is shown to a role only when the entry names the role AND the view behind it lets
the role in (its ``role_required``): a wrong entry hides a link, it never offers a 403. The
registry is the one place to add a page to the navigation (tests/home/test_navigation.py
checks every entry against the views by requesting them as each role).

``navigation_for(role="manager", path="/coaching/12/")`` -> groups with their entries, the
current one marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.access import ADMIN, AGENT, MANAGER, PUBLIC

LEADS = frozenset({ADMIN, MANAGER})


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    group: str
    roles: frozenset[str]


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise


GROUPS = [
    NavGroup("mine", _("My work")),
    NavGroup("performance", _("Performance")),
    NavGroup("live", _("Live")),
    NavGroup("quality", _("Quality")),
    NavGroup("coaching", _("Coaching")),
    NavGroup("customers", _("Customers")),
    NavGroup("settings", _("Settings")),
]


def _entries(group: str, roles: frozenset[str], *pairs: tuple[str, str | Promise]) -> list[NavEntry]:
    return [NavEntry(url_name, label, group, roles) for url_name, label in pairs]


ENTRIES: list[NavEntry] = [
    *_entries(
        "mine",
        frozenset({AGENT}),
        ("my_scorecard", _("My scorecard")),
        ("my_coaching", _("My coaching")),
        ("my_qa", _("My evaluations")),
        ("effort_history", _("My effort")),
        ("my_recognitions", _("My recognitions")),
        ("team_recognitions", _("Team recognitions")),
    ),
    *_entries(
        "performance",
        LEADS,
        ("scorecard", _("Scorecard")),
        ("operations", _("Operations")),
        ("staffing", _("Staffing")),
        ("agent_list", _("Agents")),
    ),
    *_entries("live", LEADS, ("wallboard", _("Wallboard")), ("alert_history", _("Alerts"))),
    *_entries(
        "quality",
        LEADS,
        ("qa_evaluations", _("QA evaluations")),
        ("qa_disputes", _("QA disputes")),
        ("qa_checks", _("QA checks")),
        ("qa_sampling", _("QA sampling")),
        ("qa_calibrations", _("Calibration")),
        ("exclusions", _("Excluded contacts")),
    ),
    *_entries(
        "coaching",
        LEADS,
        ("coaching_sessions", _("Coaching sessions")),
        ("signals", _("Signals")),
        ("effort_results", _("Agent effort")),
        ("effort_gap", _("Effort gap")),
    ),
    *_entries("coaching", LEADS, ("team_recognitions", _("Team recognitions"))),
    *_entries("settings", LEADS, ("report_subscriptions", _("Report subscriptions"))),
    *_entries(
        "customers",
        LEADS,
        ("survey_results", _("Survey results")),
        ("survey_follow_ups", _("Follow-ups")),
    ),
    *_entries(
        "settings",
        frozenset({ADMIN}),
        ("import_upload", _("Imports")),
        ("import_history", _("Import history")),
        ("user_list", _("Users")),
        ("team_list", _("Teams")),
        ("survey_list", _("Surveys")),
        ("qa_forms", _("QA forms")),
        ("target_list", _("KPI targets")),
        ("kpi_settings", _("KPI settings")),
        ("alert_rule_list", _("Alert rules")),
        ("effort_settings", _("Effort pulse")),
        ("digest_deliveries", _("Digests")),
        ("apikey_list", _("API keys")),
        ("webhook_list", _("Webhooks")),
        ("kiosk_list", _("Kiosk wallboards")),
        ("audit_log", _("Audit log")),
        # public (the API's description is no secret), offered where API keys are made
        ("api_docs", _("API docs")),
    ),
]


@cache
def view_roles(url_name: str) -> frozenset[str]:
    """The roles the view behind ``url_name`` lets in (empty: none, or no such URL)."""
    try:
        func = resolve(reverse(url_name)).func
    except NoReverseMatch:
        return frozenset()
    roles = getattr(func, "allowed_roles", None) or getattr(getattr(func, "cls", None), "allowed_roles", None)
    return frozenset(roles or ())


def may_open(entry: NavEntry, role: str | None) -> bool:
    if role is None or role not in entry.roles:
        return False
    allowed = view_roles(entry.url_name)
    return PUBLIC in allowed or role in allowed


@dataclass
class NavLink:
    label: str | Promise
    url: str
    current: bool = False


@dataclass
class NavSection:
    key: str
    label: str | Promise
    links: list[NavLink] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def navigation_for(*, role: str | None, path: str) -> list[NavSection]:
    """The groups ``role`` may open, in order, each with its links; the link whose URL is the
    longest prefix of ``path`` is the current place (a session's page marks "Coaching sessions")."""
    sections = {group.key: NavSection(group.key, group.label) for group in GROUPS}
    links = []
    for entry in ENTRIES:
        if may_open(entry, role):
            link = NavLink(entry.label, reverse(entry.url_name))
            sections[entry.group].links.append(link)
            links.append(link)
    # "/" is every path's prefix; the home page is the brand link, never a nav entry
    matching = [link for link in links if path.startswith(link.url) and link.url != "/"]
    if matching:
        max(matching, key=lambda link: len(link.url)).current = True
    return [section for section in sections.values() if section.links]
