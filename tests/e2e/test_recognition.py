"""An agent thanks a teammate with the keyboard only, and the teammate finds it on the team
feed; her private milestone is on her own page and not on the feed."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import Agent, Team
from accounts.services import user_create
from recognition.models import Milestone
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser
SCHEMA = "e2e_recognition"


@pytest.fixture
def center(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema=SCHEMA, domain="e2e-recognition.localhost", name="E2E Recognition")
        try:
            with schema_context(SCHEMA):
                team = Team.objects.create(name="North")
                for login, name in (("carl.c", "Carl"), ("alice.a", "Alice")):
                    user = user_create(
                        email=f"{name.lower()}@e2e.test", password="e2e-agent-pass", role="agent", first_name=name
                    )
                    Agent.objects.create(acd_login=login, display_name=name, team=team, user=user)
                Milestone.objects.create(
                    agent=Agent.objects.get(acd_login="alice.a"),
                    kind="csat_run",
                    key="1",
                    achieved_at=timezone.now() - dt.timedelta(days=1),
                    facts={"length": 10},
                    private=True,
                )
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def log_in(page, base, email):
    page.goto(base + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("e2e-agent-pass")
    page.get_by_label("Password").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_an_agent_thanks_a_teammate_with_the_keyboard(center, live_server_url, page):
    base = f"http://e2e-recognition.localhost:{live_server_url}"
    log_in(page, base, "carl@e2e.test")
    page.goto(base + "/recognition/give/")
    page.get_by_role("combobox", name="Agent").focus()
    page.keyboard.press("ArrowDown")  # the first teammate: Alice (carl is not offered)
    expect(page.get_by_role("combobox", name="Agent").locator("option:checked")).to_have_text("Alice")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # Showed empathy
    page.keyboard.press("Tab")  # the contact ID stays empty
    page.keyboard.press("Tab")
    page.keyboard.type("You calmed an angry caller down")
    page.keyboard.press("Tab")  # the visibility radios: "The team" is checked
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Kudos sent to Alice")
    expect(page.locator("#team-feed")).to_contain_text("You calmed an angry caller down")
    expect(page.locator("#team-feed")).to_contain_text("Showed empathy")
    expect(page.locator("#team-feed")).not_to_contain_text("top CSAT answers")

    page.context.clear_cookies()
    log_in(page, base, "alice@e2e.test")
    page.goto(base + "/recognition/")
    expect(page.locator("#my-kudos")).to_contain_text("You calmed an angry caller down")
    expect(page.locator("#my-milestones")).to_contain_text("10 top CSAT answers in a row")
    expect(page.locator("#my-milestones")).to_contain_text("only you see it")
