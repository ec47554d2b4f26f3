"""A manager uses the staffing calculator with the keyboard and sees the operations chart."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.services import user_create
from interactions.models import Interaction
from scorecards.models import KpiSnapshot
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser


def _contacts_on(day: dt.date, tz, prefix: str) -> list[Interaction]:
    """Answered contacts at 09:05, 09:35 and 14:05 local on ``day``."""
    rows = []
    for i, (hour, minute) in enumerate([(9, 5), (9, 35), (14, 5)]):
        offered = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
        rows.append(
            Interaction(
                external_id=f"{prefix}-{i}",
                offered_at=offered,
                outcome="answered",
                answered_at=offered + dt.timedelta(seconds=15),
                ended_at=offered + dt.timedelta(seconds=200),
                talk_seconds=185,
            )
        )
    return rows


@pytest.fixture
def ops_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_ops", domain="e2e-ops.localhost", name="E2E Operations", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_ops"):
                user_create(email="manager@e2e.test", password="e2e-manager-pass", role="manager")
                yesterday = timezone.localdate(timezone=tenant.tz) - dt.timedelta(days=1)
                # yesterday for the operations page; 8 days ago always lies in a complete week
                Interaction.objects.bulk_create(
                    _contacts_on(yesterday, tenant.tz, "y")
                    + _contacts_on(yesterday - dt.timedelta(days=7), tenant.tz, "w")
                )
                KpiSnapshot.objects.create(
                    kpi="service_level",
                    scope="tenant",
                    key="all",
                    period="day",
                    period_start=yesterday,
                    value=100.0,
                    numerator=3,
                    denominator=3,
                    n=3,
                    ci_low=43.9,
                    ci_high=100.0,
                    insufficient_data=True,
                    computed_at=timezone.now(),
                )
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def test_manager_calculates_staffing_with_the_keyboard_and_sees_the_arrivals_chart(ops_tenant, live_server_url, page):
    base = f"http://e2e-ops.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("manager@e2e.test")
    page.get_by_label("Password").fill("e2e-manager-pass")
    page.get_by_role("button", name="Log in").click()

    page.goto(base + "/kpis/staffing/")
    page.get_by_label("Contacts in the interval").focus()
    for value in ["100", "30", "180", "80", "20"]:  # calls, interval, AHT, target %, seconds
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_selector("#calculator-result")
    assert page.locator("#result-agents").inner_text() == "14"
    assert page.locator("#result-service-level").inner_text() == "88.8 %"
    assert page.evaluate("() => !!Chart.getChart(document.getElementById('staffing-chart'))")

    page.goto(base + "/kpis/operations/")
    assert page.locator("#arrivals-chart").is_visible()
    assert page.evaluate("() => !!Chart.getChart(document.getElementById('arrivals-chart'))")
    rows = page.locator("#arrivals-table tbody tr")
    assert rows.count() == 24
    assert rows.nth(9).inner_text() == "09:00\t2" and rows.nth(14).inner_text() == "14:00\t1"
    assert "Insufficient data" in page.locator("#kpi-service_level").inner_text()
