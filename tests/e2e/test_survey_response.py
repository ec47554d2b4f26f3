"""A customer answers a CSAT invitation on a phone, with the keyboard only, exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from interactions.models import Interaction
from surveys.models import Survey, SurveyResponse
from surveys.services import invitation_get_or_create
from tenants.services import tenant_create, tenant_drop

pytestmark = pytest.mark.browser


@pytest.fixture
def invitation_token(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_survey", domain="e2e-survey.localhost", name="E2E Survey Center", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_survey"):
                offered = timezone.now() - dt.timedelta(hours=3)
                contact = Interaction.objects.create(
                    external_id="phone-1",
                    offered_at=offered,
                    answered_at=offered + dt.timedelta(seconds=15),
                    ended_at=offered + dt.timedelta(minutes=5),
                    talk_seconds=280,
                    outcome="answered",
                )
                survey = Survey.objects.create(
                    kind="csat",
                    name="After the call",
                    question="How satisfied were you with our help today?",
                    follow_up_question="Anything we could do better?",
                )
                token = invitation_get_or_create(survey=survey, interaction=contact)[0].token
            yield token
        finally:
            tenant_drop(tenant=tenant)


def test_customer_answers_csat_with_the_keyboard_on_a_phone_once(
    invitation_token, live_server_url, browser, django_db_blocker
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    url = f"http://e2e-survey.localhost:{live_server_url}/s/{invitation_token}/"
    try:
        page.goto(url)
        assert page.get_by_text("E2E Survey Center").is_visible()
        scale = page.get_by_role("group", name="How satisfied were you with our help today?")
        assert scale.is_visible()
        assert page.get_by_text("1 = Very dissatisfied").is_visible()
        # Nothing overflows sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.keyboard.press("Tab")  # into the radio group: the first option
        assert page.evaluate("document.activeElement.value") == "1"
        for _ in range(3):
            page.keyboard.press("ArrowRight")  # arrows move and select within the group
        page.keyboard.press("Space")
        assert page.get_by_label("4", exact=True).is_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
        page.keyboard.type("Friendly and quick.")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "BUTTON"
        page.keyboard.press("Enter")
        page.wait_for_selector("#thanks")
        assert page.get_by_role("status").inner_text().startswith("Your answer was received")

        # A second submit, as a reload or a replayed form would send it, changes nothing.
        again = page.evaluate(
            """async (url) => {
            const r = await fetch(url, {method: "POST", body: new URLSearchParams({score: "1", comment: "changed"})});
            return [r.status, await r.text()];
        }""",
            url,
        )
        assert again[0] == 200 and "already received" in again[1]
        page.goto(url)
        assert page.locator("#already").is_visible()
    finally:
        context.close()

    with django_db_blocker.unblock(), schema_context("e2e_survey"):
        answers = list(SurveyResponse.objects.values_list("score", "comment", "source"))
        assert answers == [(4, "Friendly and quick.", "link")]
