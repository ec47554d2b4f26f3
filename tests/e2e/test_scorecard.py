"""A manager opens her team's scorecard, follows a KPI value to its contacts and exports them."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Agent, Team
from accounts.services import user_create
from interactions.services import import_stream
from scorecards.engine import recompute
from scorecards.models import KpiSnapshot
from tenants.models import Tenant
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser
TEAMMATES_AHT = (251.0, 262.0, 276.0, 289.0, 307.0)  # 4:11, 4:22, 4:36, 4:49, 5:07
SCREENSHOTS = os.environ.get("CALLWELL_SCREENSHOTS", "")  # a folder, to look at the pages after a run

HEADER = (
    "external_id,channel,queue,interaction_type,agent,offered_at,answered_at,ended_at,"
    "talk_seconds,hold_seconds,acw_seconds\n"
)


def _contacts(monday: dt.date) -> str:
    """Three handled contacts of agent.blue on the Tuesday of the week (local time): AHT 4:00."""
    day = monday + dt.timedelta(days=1)
    lines = []
    for i, talk in enumerate([180, 210, 240]):
        offered = dt.datetime.combine(day, dt.time(9 + i, 0))
        answered = offered + dt.timedelta(seconds=15)
        ended = answered + dt.timedelta(seconds=talk)
        lines.append(
            f"blue-{i},voice,Billing,billing,agent.blue,{offered.isoformat()},{answered.isoformat()},"
            f"{ended.isoformat()},{talk},0,30\n"
        )
    return HEADER + "".join(lines)


def _screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def scorecard_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_scorecard", domain="e2e-scorecard.localhost", name="E2E Scorecard", timezone="Europe/Berlin"
        )
        # Three contacts are a sample here: the page shows the value rather than "insufficient data".
        Tenant.objects.filter(pk=tenant.pk).update(min_sample=3)
        try:
            with schema_context("e2e_scorecard"):
                manager = user_create(email="lead@e2e.test", password="e2e-lead-pass", role="manager")
                blue = Team.objects.create(name="Blue")
                blue.managers.add(manager)
                Agent.objects.create(acd_login="agent.blue", display_name="Blue Agent", team=blue)
                today = timezone.localdate(timezone=tenant.tz)
                last_monday = today - dt.timedelta(days=today.weekday() + 7)  # the last complete week
                import_stream(kind="interactions", stream=io.BytesIO(_contacts(last_monday).encode()), tz=tenant.tz)
                recompute()
                # five teammates with an AHT of their own that week: enough for the team's bands
                for i, seconds in enumerate(TEAMMATES_AHT):
                    Agent.objects.create(acd_login=f"mate{i}", display_name=f"Mate {i}", team=blue)
                    KpiSnapshot.objects.create(
                        kpi="aht",
                        scope="agent",
                        key=f"mate{i}",
                        period="week",
                        period_start=last_monday,
                        value=seconds,
                        n=40,
                        insufficient_data=False,
                        computed_at=timezone.now(),
                    )
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def test_manager_follows_a_kpi_value_to_its_contacts_and_exports_them(scorecard_tenant, live_server_url, page):
    base = f"http://e2e-scorecard.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("lead@e2e.test")
    page.get_by_label("Password").fill("e2e-lead-pass")
    page.get_by_role("button", name="Log in").click()

    page.goto(base + "/kpis/")
    assert page.get_by_role("heading", name="Scorecard: team Blue").is_visible()
    assert "Blue Agent" in page.locator("#agent-table").inner_text()

    # The trend KPI is chosen with the keyboard: its label names the field, the next Tab stop
    # is the form's button.
    page.get_by_label("Trend of").focus()
    page.get_by_label("Trend of").select_option("aht")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Show"
    page.keyboard.press("Enter")
    page.wait_for_selector("#trend-table")
    # the chart script runs at the end of the page, after the table exists
    page.wait_for_function("() => window.Chart && !!Chart.getChart(document.getElementById('trend-chart'))")

    aht = page.locator("#kpi-aht")
    assert "4:00" in aht.inner_text() and "n = 3" in aht.inner_text()
    _screenshot(page, "scorecard")
    aht.locator("a.drill").click()

    page.wait_for_selector("#drilldown-table")
    assert page.get_by_role("heading", name="Average handle time: the contacts behind the value").is_visible()
    rows = page.locator("#drilldown-table tbody tr")
    assert rows.count() == 3
    assert rows.first.inner_text().startswith("blue-0\t")
    assert page.locator("#drilldown-count").inner_text() == "3"
    _screenshot(page, "drilldown")

    with page.expect_download() as download_info:
        page.locator("#csv-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "external_id,offered,channel,queue,type,agent,outcome,wait,handle,transferred,resolved"
    assert [line.split(",")[0] for line in lines[1:]] == ["blue-0", "blue-1", "blue-2"]
    assert lines[1].split(",")[5] == "Blue Agent"

    page.get_by_role("link", name="← Back to the scorecard").click()
    page.locator("#agent-table").get_by_role("link", name="Blue Agent", exact=True).click()
    assert page.get_by_role("heading", name="Scorecard of Blue Agent").is_visible()
    aht = page.locator("#kpi-aht")
    assert "4:00" in aht.inner_text()
    # the teammates as bands (4:15 – 5:00, median 4:30), never one of their handle times
    assert "Middle half of 5 teammates with enough data: 4:15 – 5:00" in aht.inner_text()
    assert "Blue Agent is below it" in aht.inner_text()
    assert not any(time in page.content() for time in ("4:11", "4:22", "4:36", "4:49", "5:07"))
    box, ring = aht.locator(".strip .box").bounding_box(), aht.locator(".strip .dot.own").bounding_box()
    assert box and ring and box["width"] > 10 and ring["x"] + ring["width"] <= box["x"]  # she is left of the box
    _screenshot(page, "agent")
