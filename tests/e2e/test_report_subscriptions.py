"""A manager subscribes to her teams' weekly report and removes it again with the keyboard
only: labelled fields, Enter submits, the confirmation is a focusable button."""

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Team
from accounts.services import user_create
from reports.models import ReportSubscription
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser


@pytest.fixture
def center(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema="e2e_reports", domain="e2e-reports.localhost", name="E2E Reports Center")
        try:
            with schema_context("e2e_reports"):
                lead = user_create(email="lead@e2e.test", password="e2e-lead-pass", role="manager")
                Team.objects.create(name="North").managers.add(lead)
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def subscriptions():
    with schema_context("e2e_reports"):
        return list(ReportSubscription.objects.values_list("recipient__email", "cadence", "scope"))


def test_a_manager_subscribes_and_unsubscribes_with_the_keyboard(center, live_server_url, page):
    base = f"http://e2e-reports.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("lead@e2e.test")
    page.get_by_label("Password").fill("e2e-lead-pass")
    page.get_by_label("Password").press("Enter")
    page.goto(base + "/settings/reports/")
    expect(page.get_by_text("No report subscriptions yet.")).to_be_visible()

    page.get_by_label("How often").focus()
    page.keyboard.press("ArrowDown")  # Weekly -> Monthly
    page.keyboard.press("Tab")
    expect(page.get_by_label("Report on")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_team")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Subscribe")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Subscription added.")
    expect(page.locator("#report-subscriptions tbody tr")).to_contain_text("Monthly")
    assert subscriptions() == [("lead@e2e.test", "month", "teams")]

    page.get_by_role("link", name="Remove lead@e2e.test: Monthly, All my teams").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Remove subscription").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("No report subscriptions yet.")).to_be_visible()
    assert subscriptions() == []
