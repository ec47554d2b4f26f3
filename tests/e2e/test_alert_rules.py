"""An admin sets an alert rule with the keyboard: a missing threshold is refused next to its
field, Enter submits again, and the rule is listed in words."""

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.services import user_create
from tenants.services import tenant_create, tenant_drop
from tests.e2e.test_navigation import open_nav_group

pytestmark = pytest.mark.browser


@pytest.fixture
def alerting_center(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema="e2e_alerts", domain="e2e-alerts.localhost", name="E2E Alerts Center")
        try:
            with schema_context("e2e_alerts"):
                user_create(email="admin@e2e.test", password="e2e-admin-pass", role="admin")
                user_create(email="lead@e2e.test", password=None, role="manager")
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def test_admin_sets_an_alert_rule_with_the_keyboard(alerting_center, live_server_url, page):
    base = f"http://e2e-alerts.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("admin@e2e.test")
    page.get_by_label("Password").fill("e2e-admin-pass")
    page.get_by_role("button", name="Log in").click()
    open_nav_group(page, "Settings")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alert rules").click()
    expect(page.get_by_text("No alert rules yet.")).to_be_visible()
    page.get_by_role("link", name="New alert rule").click()

    page.get_by_label("Name").fill("Billing service level")
    page.get_by_label("Condition").select_option(label="Service level below")
    page.get_by_label("Queue").fill("Billing")
    page.get_by_label("lead@e2e.test (Manager)").check()
    page.get_by_label("Name").press("Enter")
    error = page.locator(".field.has-error")
    expect(error).to_contain_text("Threshold")
    expect(error.get_by_role("alert")).to_have_text("This condition needs a threshold.")

    page.get_by_label("Threshold").fill("80")
    page.get_by_label("Threshold").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Alert rule “Billing service level” created.")
    row = page.locator("#alert-rules tbody tr")
    expect(row).to_contain_text("Service level of the last 15 minutes below 80.0% (queue Billing)")
    expect(row).to_contain_text("lead@e2e.test")
    expect(row).to_contain_text("quiet")
    page.get_by_role("link", name="Edit Billing service level").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Threshold")).to_have_value("80.0")
