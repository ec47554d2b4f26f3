"""An agent logs in, is asked the effort pulse, answers it with the keyboard only, lands where
she was going and finds her answer in her own history."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test.testcases import LiveServerThread
from django_tenants.utils import schema_context

from accounts.models import Agent, Team
from accounts.services import user_create
from interactions.models import InteractionType
from surveys.models import EffortResponse
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser

MIDDLEWARE = "surveys.middleware.EffortPulseMiddleware"


@pytest.fixture
def pulse_middleware(live_server_url):
    """Until config/settings/base.py lists the middleware: add it and rebuild the middleware
    chains of the live server's handlers (built when the session-wide server started; the
    media handler in front answers every path when MEDIA_URL is empty, with its own chain)."""
    if MIDDLEWARE in settings.MIDDLEWARE:
        yield
        return
    handlers, handler = [], next(t for t in threading.enumerate() if isinstance(t, LiveServerThread)).httpd.get_app()
    while handler is not None:
        handlers.append(handler)
        handler = getattr(handler, "application", None)
    original = settings.MIDDLEWARE
    auth = original.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    settings.MIDDLEWARE = [*original[: auth + 1], MIDDLEWARE, *original[auth + 1 :]]
    try:
        for handler in handlers:
            handler.load_middleware()
        yield
    finally:
        settings.MIDDLEWARE = original
        for handler in handlers:
            handler.load_middleware()


def test_the_browser_test_runs_on_the_test_database(db):
    """pytest-django creates the test database only when a collected test asks for ``db``;
    without this one, running this module alone would write its tenant to the dev database."""
    assert connection.settings_dict["NAME"] == settings.DATABASES["default"]["TEST"]["NAME"]


@pytest.fixture
def effort_tenant(django_db_setup, django_db_blocker):
    assert connection.settings_dict["NAME"] == settings.DATABASES["default"]["TEST"]["NAME"]
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_effort", domain="e2e-effort.localhost", name="E2E Effort Center", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_effort"):
                user = user_create(email="agent@e2e.test", password="e2e-agent-pass", role="agent", first_name="Erin")
                Agent.objects.create(
                    acd_login="erin.e", display_name="Erin", user=user, team=Team.objects.create(name="North")
                )
                InteractionType.objects.create(name="Billing")
                InteractionType.objects.create(name="Tech support")
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def test_an_agent_answers_the_effort_pulse_with_the_keyboard_after_logging_in(
    effort_tenant, live_server_url, pulse_middleware, page, django_db_blocker
):
    base = f"http://e2e-effort.localhost:{live_server_url}"
    page.goto(base + "/kpis/me/")  # where she was going
    page.get_by_label("Email").fill("agent@e2e.test")
    page.get_by_label("Password").fill("e2e-agent-pass")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url("**/surveys/effort/?next=%2Fkpis%2Fme%2F")
    page.get_by_role("heading", name="Effort pulse").wait_for()
    assert page.get_by_role("group", name="How much effort did it take to do your job well").count() == 1

    for _ in range(40):  # Tab from the top of the page into the first scale
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "effort":
            break
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # 1 → 5, arrows select within a radio group
    page.keyboard.press("Tab")  # tools
    page.keyboard.press("ArrowRight")  # 2
    page.keyboard.press("Tab")  # knowledge base: left unanswered
    page.keyboard.press("Tab")  # process
    page.keyboard.press("Space")  # 1
    page.keyboard.press("Tab")  # the first contact type
    page.keyboard.press("Space")  # Billing
    page.keyboard.press("Tab")  # Tech support: not hardest
    page.keyboard.press("Tab")  # comment
    page.keyboard.type("Refund rules keep changing")
    page.keyboard.press("Tab")  # Send my answer
    assert page.evaluate("document.activeElement.textContent") == "Send my answer"
    page.keyboard.press("Enter")

    page.wait_for_url(base + "/kpis/me/")
    assert "your answer is in your effort history" in page.locator(".messages").inner_text()
    page.goto(base + "/surveys/effort/history/")
    row = page.locator("#effort-history tbody tr")
    assert row.count() == 1
    text = row.first.inner_text()
    assert "Refund rules keep changing" in text and "Billing" in text and "Tech support" not in text

    page.goto(base + "/")  # not asked again in this session
    assert page.url == base + "/"

    with django_db_blocker.unblock(), schema_context("e2e_effort"):
        answer = EffortResponse.objects.get()
        assert (answer.effort, answer.tools, answer.knowledge_base, answer.process) == (5, 2, None, 1)
        assert [t.name for t in answer.hardest_types.all()] == ["Billing"]
