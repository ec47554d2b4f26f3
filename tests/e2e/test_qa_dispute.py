"""The QA dispute loop in the browser: a reviewer evaluates a contact with a form (the
transcript beside it); the agent disputes one answer; a second reviewer upholds it; the
score changes."""

import io
import zoneinfo

import pytest
from django_tenants.utils import schema_context

from accounts.models import Agent, Team
from accounts.services import user_create
from interactions.models import Interaction
from interactions.services import import_stream
from qa.form_versions import qa_form_create
from qa.models import QaDispute, QaEvaluation
from tenants.services import tenant_create, tenant_drop
from tests.e2e.test_coaching_loop import log_in

pytestmark = pytest.mark.browser

CONTACT = (
    "external_id,agent,queue,interaction_type,channel,customer_id,case_id,initiated_at,offered_at,answered_at,"
    "ended_at,talk_seconds,hold_seconds,acw_seconds,outcome,transferred,resolved,missed_by,cost\n"
    "QA-1,alice.a,Billing,billing,voice,K1,,,2026-03-02T09:00:00,2026-03-02T09:00:10,2026-03-02T09:05:00,"
    "240,0,20,answered,false,true,,\n"
)


@pytest.fixture
def qa_tenant(django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(
            schema="e2e_qa", domain="e2e-qa.localhost", name="E2E QA Center", timezone="Europe/Berlin"
        )
        try:
            with schema_context("e2e_qa"):
                team = Team.objects.create(name="North")
                team.managers.add(user_create(email="mona@e2e.test", password="e2e-mona-pass", role="manager"))
                user_create(email="ada@e2e.test", password="e2e-ada-pass", role="admin")
                alice = user_create(email="alice@e2e.test", password="e2e-alice-pass", role="agent")
                Agent.objects.create(acd_login="alice.a", display_name="Alice", team=team, user=alice)
                import_stream(
                    kind="interactions", stream=io.BytesIO(CONTACT.encode()), tz=zoneinfo.ZoneInfo("Europe/Berlin")
                )
                Interaction.objects.filter(external_id="QA-1").update(
                    transcript="Agent: Thanks for calling, this call is recorded.\nCustomer: My bill is wrong."
                )
                qa_form_create(
                    name="Billing calls",
                    structure=[
                        {
                            "title": "Opening",
                            "questions": [
                                {"text": "Greeted the customer", "scale": "yes_no", "points": 2},
                                {
                                    "text": "Read the disclosure",
                                    "scale": "yes_no",
                                    "points": 1,
                                    "compliance": "auto_fail",
                                },
                            ],
                        },
                        {
                            "title": "Resolution",
                            "questions": [
                                {"text": "Resolved the issue", "scale": "one_to_five", "points": 4},
                                {"text": "Offered a callback", "scale": "yes_no", "points": 1, "allow_na": True},
                            ],
                        },
                    ],
                )
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def new_page(browser, base, email, password):
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, email, password)
    return page


def test_reviewer_evaluates_agent_disputes_second_reviewer_upholds(
    qa_tenant, live_server_url, browser, django_db_blocker
):
    base = f"http://e2e-qa.localhost:{live_server_url}"
    mona = new_page(browser, base, "mona@e2e.test", "e2e-mona-pass")
    mona.goto(base + "/kpis/qa/")
    mona.locator("#recent-contacts").get_by_role("link", name="Evaluate").click()
    assert "this call is recorded" in mona.locator("#qa-contact").inner_text()
    mona.get_by_role("button", name="Start the evaluation").click()
    assert "My bill is wrong" in mona.locator("#qa-contact").inner_text()
    mona.get_by_role("radiogroup", name="Greeted the customer").get_by_label("No").check()
    mona.get_by_role("radiogroup", name="Read the disclosure").get_by_label("Yes").check()
    mona.get_by_role("radiogroup", name="Resolved the issue").get_by_label("5").check()
    mona.get_by_role("radiogroup", name="Offered a callback").get_by_label("N/A").check()
    mona.get_by_label("Comment on “Greeted the customer”").fill("No greeting heard.")
    mona.get_by_role("button", name="Submit").click()
    mona.wait_for_selector(".messages")
    assert mona.locator("#qa-score").inner_text() == "71.4%"  # 5 of 7 applicable points
    assert mona.locator("#qa-status").inner_text() == "Submitted"

    alice = new_page(browser, base, "alice@e2e.test", "e2e-alice-pass")
    alice.goto(base + "/kpis/qa/mine/")
    alice.get_by_role("link", name="QA-1").click()
    assert "No greeting heard." in alice.content()
    alice.get_by_label("Question you dispute").select_option(label="Greeted the customer")
    alice.get_by_label("Why").fill("I greeted the customer at 00:02.")
    alice.get_by_role("button", name="Send the dispute").click()
    alice.wait_for_selector(".messages")
    assert alice.locator("#qa-status").inner_text() == "Disputed"

    mona.goto(base + "/kpis/qa/disputes/")  # her own evaluation: not hers to decide
    assert "No disputes waiting." in mona.content()

    ada = new_page(browser, base, "ada@e2e.test", "e2e-ada-pass")
    ada.goto(base + "/kpis/qa/disputes/")
    assert "I greeted the customer at 00:02." in ada.content()
    ada.get_by_label("Decision").select_option("upheld")
    ada.get_by_label("New answer (when upheld)").select_option(label="Yes")
    ada.get_by_label("Note").fill("The greeting is on the recording.")
    ada.get_by_role("button", name="Decide").click()
    ada.wait_for_selector(".messages")
    assert ada.locator("#qa-score").inner_text() == "100.0%"

    alice.reload()
    assert alice.locator("#qa-score").inner_text() == "100.0%"
    assert "Upheld" in alice.content()
    alice.get_by_role("button", name="Acknowledge").click()
    alice.wait_for_selector(".messages")
    assert alice.locator("#qa-status").inner_text() == "Acknowledged"
    with django_db_blocker.unblock(), schema_context("e2e_qa"):
        evaluation = QaEvaluation.objects.get()
        assert (evaluation.score_pct, evaluation.status) == (100.0, "acknowledged")
        assert QaDispute.objects.get().decided_by.email == "ada@e2e.test"
    for page in (mona, alice, ada):
        page.context.close()
