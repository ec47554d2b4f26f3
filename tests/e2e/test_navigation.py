"""The grouped navigation in the browser: on a phone the menu button opens and closes it, the
groups open and close with the keyboard, Escape closes them, and the focus stays visible."""

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Team
from accounts.services import user_create
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def open_nav_group(page, name: str) -> None:
    """Open a group of the main navigation (a <details>), e.g. ``open_nav_group(page, "Settings")``."""
    page.get_by_role("navigation", name="Main").locator("summary", has_text=name).click()


@pytest.fixture
def nav_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema="e2e_nav", domain="e2e-nav.localhost", name="E2E Nav Center")
        try:
            with schema_context("e2e_nav"):
                team = Team.objects.create(name="North")
                team.managers.add(user_create(email="mona@e2e.test", password="e2e-mona-pass", role="manager"))
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def test_the_phone_menu_and_its_groups_work_with_the_keyboard(nav_tenant, live_server_url, page):
    base = f"http://e2e-nav.localhost:{live_server_url}"
    page.set_viewport_size(PHONE)
    page.goto(base + "/login/")
    page.get_by_label("Email").fill("mona@e2e.test")
    page.get_by_label("Password").fill("e2e-mona-pass")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Needs you today")).to_be_visible()

    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()

    # Tab to the first group past Home, open it with Enter: its links are reachable by Tab
    page.keyboard.press("Tab")
    assert focused(page) == "Home"
    page.keyboard.press("Tab")
    assert focused(page) == "Performance"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    scorecard = nav.get_by_role("link", name="Scorecard")
    expect(scorecard).to_be_visible()
    page.keyboard.press("Tab")
    assert focused(page) == "Scorecard"

    # Escape closes the group and gives the focus back to it; the next group opens with Space
    page.keyboard.press("Escape")
    expect(scorecard).to_be_hidden()
    assert focused(page) == "Performance"
    page.keyboard.press("Tab")
    assert focused(page) == "Live"
    page.keyboard.press(" ")
    expect(nav.get_by_role("link", name="Wallboard")).to_be_visible()
    # opening another group closes the first
    nav.locator("summary", has_text="Quality").click()
    expect(nav.get_by_role("link", name="Wallboard")).to_be_hidden()
    page.keyboard.press("Tab")
    assert focused(page) == "QA evaluations"
    page.keyboard.press("Enter")
    page.wait_for_url("**/kpis/qa/")

    # the current place is marked, link and group, and the menu starts closed on the new page
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    current = nav.get_by_role("link", name="QA evaluations", include_hidden=True)
    expect(current).to_have_attribute("aria-current", "page")
    expect(nav.locator("summary", has_text="Quality")).to_have_attribute("aria-current", "true")
    # Escape with no group open closes the menu and puts the focus back on its button
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    assert focused(page) == "Menu"


def test_on_a_wide_screen_the_groups_are_shown_without_a_menu_button(nav_tenant, live_server_url, page):
    base = f"http://e2e-nav.localhost:{live_server_url}"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/login/")
    page.get_by_label("Email").fill("mona@e2e.test")
    page.get_by_label("Password").fill("e2e-mona-pass")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    open_nav_group(page, "Customers")
    nav.get_by_role("link", name="Follow-ups").click()
    page.wait_for_url("**/surveys/follow-ups/")
    # a click elsewhere closes an open group
    open_nav_group(page, "Coaching")
    expect(nav.get_by_role("link", name="Signals")).to_be_visible()
    page.mouse.click(1200, 760)
    expect(nav.get_by_role("link", name="Signals")).to_be_hidden()
