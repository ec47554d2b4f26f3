"""A KPI's trend chart in the browser: the 95 % interval is a band (two Chart.js datasets filled
between them), hovering a week shows its value, interval and n, and the same numbers are a
table reached with the keyboard."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Agent, Team
from accounts.services import user_create
from scorecards.models import KpiSnapshot
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser
# (value, low, high, n) of FCR for the last three complete weeks, oldest first; None: too little data
WEEKS = [(72.5, 64.1, 79.6, 120), (None, None, None, 0), (80.0, 71.9, 86.1, 95)]


@pytest.fixture
def charts_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_charts", domain="e2e-charts.localhost", name="E2E Charts", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_charts"):
                manager = user_create(email="lead@charts.test", password="e2e-lead-pass", role="manager")
                team = Team.objects.create(name="Blue")
                team.managers.add(manager)
                Agent.objects.create(acd_login="agent.blue", display_name="Blue Agent", team=team)
                today = timezone.localdate(timezone=tenant.tz)
                last_monday = today - dt.timedelta(days=today.weekday() + 7)
                for back, (value, low, high, n) in enumerate(reversed(WEEKS)):
                    KpiSnapshot.objects.create(
                        kpi="fcr",
                        scope="team",
                        key="Blue",
                        period="week",
                        period_start=last_monday - dt.timedelta(weeks=back),
                        value=value if value is not None else 50.0,
                        n=n if value is not None else 7,
                        ci_low=low,
                        ci_high=high,
                        insufficient_data=value is None,
                        computed_at=timezone.now(),
                    )
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


BAND = """() => {
  const chart = Chart.getChart(document.getElementById('trend-chart'));
  const sets = chart.data.datasets;
  const low = sets.find((s) => s.band === 'low'), high = sets.find((s) => s.band === 'high');
  return {low: low.data.slice(-3), high: high.data.slice(-3), fill: high.fill, lowFill: low.fill,
          values: sets.find((s) => !s.band).data.slice(-3), count: sets.length};
}"""

POINT = """() => {
  const canvas = document.getElementById('trend-chart');
  const chart = Chart.getChart(canvas);
  const main = chart.data.datasets.findIndex((s) => !s.band);
  const point = chart.getDatasetMeta(main).data[chart.data.labels.length - 1];
  const box = canvas.getBoundingClientRect();
  return {x: box.left + point.x, y: box.top + point.y};
}"""

TOOLTIP = """() => {
  const tooltip = Chart.getChart(document.getElementById('trend-chart')).tooltip;
  return {opacity: tooltip.opacity, title: tooltip.title,
          lines: tooltip.body.flatMap((b) => [...b.before, ...b.lines, ...b.after])};
}"""


def test_trend_chart_has_a_band_n_on_hover_and_a_keyboard_table(charts_tenant, live_server_url, page):
    base = f"http://e2e-charts.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("lead@charts.test")
    page.get_by_label("Password").fill("e2e-lead-pass")
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "/kpis/?kpi=fcr")
    page.wait_for_function("() => window.Chart && !!Chart.getChart(document.getElementById('trend-chart'))")

    # the band: a low and a high dataset, the high one filled down to the low one, with the
    # engine's bounds; none round the week with too little data (a gap, like its point)
    band = page.evaluate(BAND)
    assert band["count"] == 3 and band["fill"] == "-1" and band["lowFill"] is False
    assert band["low"] == [64.1, None, 71.9] and band["high"] == [79.6, None, 86.1]
    assert band["values"] == [72.5, None, 80.0]

    # hovering the last week shows its value, interval and n
    page.locator("#trend-chart").scroll_into_view_if_needed()
    point = page.evaluate(POINT)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_function("() => Chart.getChart(document.getElementById('trend-chart')).tooltip.opacity > 0")
    tooltip = page.evaluate(TOOLTIP)
    assert "First-contact resolution: 80.0 %" in tooltip["lines"]
    assert "95 % interval: 71.9 % – 86.1 %" in tooltip["lines"]
    assert "n = 95" in tooltip["lines"]

    # the canvas is an image described by the table, which the keyboard reaches
    canvas = page.locator("#trend-chart")
    assert canvas.get_attribute("role") == "img" and "95 % interval" in canvas.get_attribute("aria-label")
    assert canvas.get_attribute("aria-describedby") == "trend-table"
    assert page.locator("#trend-table caption").inner_text().startswith("First-contact resolution by week")
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        # the navigation's groups are summaries too: go on to the table's
        if page.evaluate("() => document.activeElement.matches('details:has(#trend-table) > summary')"):
            break
    summary = page.locator("summary:focus")
    assert summary.count() == 1 and page.locator("details:has(#trend-table) > summary:focus").count() == 1
    table = page.locator("#trend-table")
    assert table.is_visible()
    page.keyboard.press("Enter")  # folds the table away
    assert not table.is_visible()
    page.keyboard.press("Enter")  # and back
    assert table.is_visible()
    last = table.locator("tbody tr").last.inner_text()
    assert "80.0 %" in last and "71.9 % – 86.1 %" in last and "95" in last
    # its drill link is the next stop: the week's value leads to the contacts behind it
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#trend-table') !== null")
