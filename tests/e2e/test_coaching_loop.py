"""The coaching loop in the browser: a manager opens a burnout-risk signal, starts a coaching
session from it, adds an action item and marks it held; the agent acknowledges it with a
comment; the manager sees that."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Agent, Team
from accounts.services import user_create
from coaching.models import CoachingSession, Signal
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser


@pytest.fixture
def coaching_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_coach", domain="e2e-coach.localhost", name="E2E Coaching Center", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_coach"):
                team = Team.objects.create(name="North")
                team.managers.add(user_create(email="mona@e2e.test", password="e2e-mona-pass", role="manager"))
                alice = user_create(email="alice@e2e.test", password="e2e-alice-pass", role="agent")
                agent = Agent.objects.create(acd_login="alice.a", display_name="Alice", team=team, user=alice)
                high = [{"day": f"2026-11-{d}", "occupancy": 91.0 + d / 10} for d in (16, 17, 18)]
                Signal.objects.create(
                    kind="burnout_risk",
                    agent=agent,
                    week_start=dt.date(2026, 11, 16),
                    computed_at=timezone.now(),
                    facts={
                        "kpis": ["occupancy"],
                        "high_days": high,
                        "occupancy_risk": True,
                        "working_days": [f"2026-11-{d}" for d in (16, 17, 18, 19, 20)],
                        "recovery_risk": False,
                        "recovery_median": None,
                        "long_contacts": 0,
                        "effort_rising": False,
                    },
                )
            yield tenant, agent.pk
        finally:
            tenant_drop(tenant=tenant)


def log_in(page, base, email, password):
    page.goto(base + "/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/surveys/effort/" in page.url:  # agents may be asked the effort pulse first
        page.get_by_role("button", name="Not now").click()
        page.wait_for_load_state()


def test_manager_plans_and_holds_a_session_and_the_agent_acknowledges_it(
    coaching_tenant, live_server_url, browser, django_db_blocker
):
    _, agent_pk = coaching_tenant
    base = f"http://e2e-coach.localhost:{live_server_url}"
    manager = browser.new_context().new_page()
    manager.set_default_timeout(15_000)
    log_in(manager, base, "mona@e2e.test", "e2e-mona-pass")
    manager.goto(f"{base}/coaching/signals/")
    manager.get_by_role("link", name="Burnout risk").click()
    assert "Occupancy above 85% on 3 of the last 5 working days" in manager.content()
    manager.get_by_role("link", name="Start a coaching session").click()
    assert manager.get_by_label("Agent").input_value() == str(agent_pk)
    manager.get_by_label("Focus behaviours").fill("Billing disputes that run long")
    manager.get_by_role("button", name="Plan the session").click()
    manager.wait_for_selector("#session-status")
    assert manager.locator("#session-status").inner_text() == "Planned"

    manager.get_by_label("Action item").fill("Shadow a billing expert for an hour")
    manager.get_by_label("Owner").select_option("agent")
    manager.get_by_label("Due on").fill("2030-01-15")
    manager.get_by_role("button", name="Add action item").click()
    assert "Shadow a billing expert" in manager.locator("#action-items").inner_text()
    manager.get_by_role("button", name="Mark held").click()
    assert manager.locator("#session-status").inner_text() == "Held"
    session_url = manager.url

    agent = browser.new_context().new_page()
    agent.set_default_timeout(15_000)
    log_in(agent, base, "alice@e2e.test", "e2e-alice-pass")
    agent.goto(base + "/coaching/mine/")
    assert "Shadow a billing expert" in agent.locator("#my-action-items").inner_text()
    agent.get_by_label("Your comment (optional)").fill("Thanks, that will help with disputes.")
    agent.get_by_role("button", name="Acknowledge").click()
    agent.wait_for_selector(".messages")
    assert "acknowledged" in agent.locator(".messages").inner_text()
    assert "Your comment: Thanks" in agent.locator(".session").inner_text()

    manager.goto(session_url)
    assert manager.locator("#session-status").inner_text() == "Acknowledged"
    assert "Thanks, that will help" in manager.locator("#agent-comment").inner_text()
    with django_db_blocker.unblock(), schema_context("e2e_coach"):
        session = CoachingSession.objects.get()
        assert (session.status, session.focus_kpis) == ("acknowledged", ["occupancy"])
        assert session.signal.kind == "burnout_risk"
        assert list(session.events.values_list("to_status", flat=True)) == ["planned", "held", "acknowledged"]
    manager.context.close()
    agent.context.close()
