"""The apps form layers: each imports only the ones below it, so the import graph has no cycle.

"After X, also do Y" (after an import: KPIs, surveys, QA checks; after a recompute: coaching
signals) is the upward edge that used to close cycles; it now goes through
common/followups.py, whose handlers live in pipeline/ at the top. Imports inside functions
count too: hiding one there no longer dodges the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import ROOT

# Bottom first. A newcomer can read the project in this order.
LAYERS = [
    "common",  # small helpers; imports no app of ours
    "audit",  # the append-only audit log; takes its actor duck-typed
    "tenants",  # the contact center and its settings (current_tenant)
    "accounts",  # users, roles, teams, agents, API keys
    "webhooks",  # outgoing signed webhooks of business events, their delivery log
    "interactions",  # contacts, activity, schedules, ingestion
    "live",  # live events, the live state in Redis, the wallboard
    "alerts",  # alert rules on the live state, their episodes, email and webhook notices
    "scorecards",  # the KPI engine, targets, KPI pages and API
    "surveys",  # customer surveys and the agent effort pulse
    "qa",  # evaluations, disputes, calibration, sampling, automated checks
    "recognition",  # kudos and personal milestones, never ranked
    "coaching",  # sessions, signals, exclusions, the digest
    "reports",  # scorecard report subscriptions by email (CSV and PDF)
    "home",  # pages that gather every app for the person asking
    "pipeline",  # what follows what; the demo
    "config",  # settings, URLconfs, the Celery app
]
RANK = {app: rank for rank, app in enumerate(LAYERS)}


def imported_apps(source: str) -> list[tuple[str, int]]:
    """(app, line) of every absolute import of one of our apps in ``source``, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found += [(module.split(".")[0], node.lineno) for module in modules if module.split(".")[0] in RANK]
    return found


def upward_imports(app: str, path: Path, source: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} ({app} imports {target}, a layer above it)"
        for target, line in imported_apps(source)
        if RANK[target] > RANK[app]
    ]


def test_every_app_is_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert packages - set(LAYERS) == set(), "add the new app to LAYERS, where it belongs"


def test_no_app_imports_a_layer_above_it():
    violations = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            violations += upward_imports(app, path, path.read_text())
    assert violations == []


@pytest.mark.parametrize(
    "source",
    [
        "from coaching.signals import signals_recompute\n",
        "import coaching.signals\n",
        "def after():\n    from coaching.signals import signals_recompute\n",
    ],
)
def test_an_upward_import_is_caught_even_inside_a_function(source):
    assert upward_imports("scorecards", ROOT / "scorecards" / "engine.py", source) != []


def test_imports_downward_and_within_the_app_are_allowed():
    source = "from . import queries\nfrom interactions.models import Interaction\nimport datetime\n"
    assert upward_imports("scorecards", ROOT / "scorecards" / "engine.py", source) == []
