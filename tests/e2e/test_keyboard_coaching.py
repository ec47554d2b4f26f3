"""The coaching loop with the keyboard only (Tab, Shift+Tab, Enter, Space, typing; no click):
a manager plans a session for her agent with an action item, the agent acknowledges it, the
manager marks the action item done. Every control reached shows where the focus is."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import schema_context

from accounts.models import Agent, Team
from accounts.services import user_create
from coaching.models import ActionItem, CoachingSession
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser

# The focused element, if it shows an outline or a box shadow where the focus is.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== "none";
}"""


@pytest.fixture
def keyboard_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_keys", domain="e2e-keys.localhost", name="E2E Keyboard Center", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_keys"):
                team = Team.objects.create(name="North")
                team.managers.add(user_create(email="mona@keys.test", password="keys-mona-pass", role="manager"))
                alice = user_create(email="alice@keys.test", password="keys-alice-pass", role="agent")
                agent = Agent.objects.create(acd_login="alice.k", display_name="Alice Keys", team=team, user=alice)
            yield agent.pk
        finally:
            tenant_drop(tenant=tenant)


def tab_to(page, matches: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (Shift+Tab backwards) until the focused element satisfies the JS predicate
    ``matches`` (on ``el``); it must then show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({matches}); }}"):
            assert page.evaluate(FOCUS_SHOWN), f"the focus on {matches} is not visible"
            return
    pytest.fail(f"{limit} presses of {key} never reached {matches}")


def text_is(text: str) -> str:
    return f"el.textContent.trim() === {text!r}"


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login/")
    tab_to(page, "el.name === 'username' || el.type === 'email'")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if "/surveys/effort/" in page.url:  # agents may be asked the effort pulse first
        tab_to(page, text_is("Not now"))
        with page.expect_navigation():
            page.keyboard.press("Enter")


def open_nav_group(page, label: str) -> None:
    """The navigation's groups are disclosures: Enter on the group's summary opens it."""
    tab_to(page, f"el.tagName === 'SUMMARY' && el.textContent.trim() === {label!r}")
    page.keyboard.press("Enter")


def follow(page, matches: str, *, key: str = "Enter", backwards: bool = False) -> None:
    tab_to(page, matches, backwards=backwards)
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_coaching_loop_by_keyboard_only(keyboard_tenant, live_server_url, browser, django_db_blocker):
    agent_pk = keyboard_tenant
    base = f"http://e2e-keys.localhost:{live_server_url}"
    manager_context, agent_context = browser.new_context(), browser.new_context()
    manager, agent = manager_context.new_page(), agent_context.new_page()
    for page in (manager, agent):
        page.set_default_timeout(15_000)

    # the manager plans a session from the navigation
    log_in(manager, base, "mona@keys.test", "keys-mona-pass")
    open_nav_group(manager, "Coaching")
    follow(manager, "el.getAttribute('href') === '/coaching/'")
    follow(manager, "el.getAttribute('href') === '/coaching/new/'")
    tab_to(manager, "el.id === 'id_agent'")
    manager.keyboard.press("ArrowDown")  # from "---------" to her only agent
    assert manager.locator("#id_agent").input_value() == str(agent_pk)
    tab_to(manager, "el.id === 'id_focus_behaviours'")
    manager.keyboard.type("Closing calls with a summary")
    follow(manager, text_is("Plan the session"))
    assert manager.locator("#session-status").inner_text() == "Planned"

    # an action item for the agent, due in a week, typed into the date field
    tab_to(manager, "el.id === 'id_description'")
    manager.keyboard.type("Summarise the next five calls")
    tab_to(manager, "el.id === 'id_due_on'")
    due = dt.date.today() + dt.timedelta(days=7)
    manager.keyboard.type(due.strftime("%m%d%Y"))  # Chromium's en-US date field: month, day, year
    follow(manager, text_is("Add action item"))
    assert "Summarise the next five calls" in manager.locator("#action-items").inner_text()
    follow(manager, text_is("Mark held"), key="Space")
    assert manager.locator("#session-status").inner_text() == "Held"
    with django_db_blocker.unblock(), schema_context("e2e_keys"):
        session = CoachingSession.objects.get()
        item = ActionItem.objects.get()
        assert (session.agent_id, session.status, session.focus_behaviours) == (
            agent_pk,
            "held",
            "Closing calls with a summary",
        )
        assert (item.description, item.owner.email, item.due_on, item.done_at) == (
            "Summarise the next five calls",
            "alice@keys.test",
            due,
            None,
        )

    # the agent acknowledges it with a comment
    log_in(agent, base, "alice@keys.test", "keys-alice-pass")
    open_nav_group(agent, "My work")
    follow(agent, "el.getAttribute('href') === '/coaching/mine/'")
    tab_to(agent, "el.tagName === 'TEXTAREA'")
    agent.keyboard.type("Thanks, will do.")
    follow(agent, text_is("Acknowledge"), key="Space")
    assert "acknowledged" in agent.locator(".messages").inner_text()
    with django_db_blocker.unblock(), schema_context("e2e_keys"):
        session.refresh_from_db()
        assert (session.status, session.agent_comment) == ("acknowledged", "Thanks, will do.")

    # the manager marks the action item done, reaching it from the end of the page
    manager.reload()
    assert manager.locator("#session-status").inner_text() == "Acknowledged"
    follow(manager, text_is("Mark done"), backwards=True)
    with django_db_blocker.unblock(), schema_context("e2e_keys"):
        item.refresh_from_db()
        assert item.done_at is not None
    done_on = item.done_at.astimezone(ZoneInfo("Europe/Berlin")).date()
    assert manager.locator("#action-items tbody tr td").nth(3).inner_text() == done_on.isoformat()
    manager_context.close()
    agent_context.close()
