"""An admin creates a team, then finds that change in the audit log with the keyboard: the
filters submit with Enter and the row names her, the action and the team."""

import re

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.services import user_create
from tenants.services import tenant_create, tenant_drop
from tests.e2e.test_navigation import open_nav_group

pytestmark = pytest.mark.browser


@pytest.fixture
def audited_center(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema="e2e_audit", domain="e2e-audit.localhost", name="E2E Audit Center")
        try:
            with schema_context("e2e_audit"):
                user_create(email="admin@e2e.test", password="e2e-admin-pass", role="admin")
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def test_admin_finds_her_change_in_the_audit_log_with_the_keyboard(audited_center, live_server_url, page):
    base = f"http://e2e-audit.localhost:{live_server_url}"
    page.goto(base + "/")
    page.get_by_label("Email").fill("admin@e2e.test")
    page.get_by_label("Password").fill("e2e-admin-pass")
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "/settings/teams/")
    page.get_by_label("Name").fill("Night shift")
    page.get_by_label("Name").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Team Night shift created")

    open_nav_group(page, "Settings")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    rows = page.locator("#audit-events tbody tr")
    expect(rows.first).to_contain_text("team.create")

    page.get_by_label("Action").select_option("team.create")
    page.get_by_role("textbox", name="Object").fill("night")
    page.get_by_role("textbox", name="Object").press("Enter")
    expect(page).to_have_url(re.compile(r"action=team\.create.*text=night"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("admin@e2e.test")
    expect(rows.first).to_contain_text("Night shift")

    page.get_by_role("textbox", name="Object").fill("no-such-object")
    page.get_by_role("textbox", name="Object").press("Enter")
    expect(page.get_by_text("No change matches these filters.")).to_be_visible()
