"""axe-core in the browser tests: ``assert_accessible(page)`` fails on every serious or critical
violation of the page as the browser shows it (its colour scheme and media included).

axe comes from our own static files (static/vendor/axe-core, pinned there) through a
``<script src>``: the Content-Security-Policy allows no inline script.
"""

from __future__ import annotations

import pytest

AXE_URL = "/static/vendor/axe-core/axe.min.js"
# WCAG 2.1 A and AA, plus axe's best practices (landmarks, one main, heading order...):
# the best practices are mostly "moderate", so they only fail a page where axe rates one worse.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")

RUN_AXE = """async ([context, tags]) => {
  const results = await window.axe.run(context || document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""


def axe_violations(page, *, context: str | None = None) -> list[dict]:
    """The serious and critical violations axe finds on the page (or inside the ``context`` selector)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(RUN_AXE, [context, TAGS])
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page, *, context: str | None = None, label: str = "") -> None:
    """``assert_accessible(page)``: no serious or critical axe violation, else a list of each
    violation with the selector of every element it concerns and axe's help text."""
    violations = axe_violations(page, context=context)
    if violations:
        pytest.fail(f"axe found on {label or page.url}:\n{describe(violations)}", pytrace=False)
