"""The business events reach the endpoints subscribed to them, in the transaction of their
change, with what a receiver needs to act and no personal free text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coaching.sessions import coaching_session_request
from qa.form_versions import qa_form_create
from qa.models import QaAnswer
from qa.services import dispute_raise
from surveys.models import Survey
from surveys.services import follow_ups_create_missing, invitation_get_or_create, response_submit
from tests.factories import InteractionFactory, QueueFactory, SurveyResponseFactory
from tests.qa.test_qa_forms import ALL_MET, STRUCTURE, contacts, evaluate
from webhooks.models import SUBSCRIBABLE_EVENTS, WebhookDelivery
from webhooks.services import DeliverySend, webhook_endpoint_create


@pytest.fixture
def hook(people):
    return webhook_endpoint_create(name="Everything", url="https://hooks.example/cw", events=SUBSCRIBABLE_EVENTS)


def deliveries(event):
    return list(WebhookDelivery.objects.filter(event=event).order_by("pk"))


def test_a_detractor_answer_through_the_link_is_sent_without_the_comment(
    hook, people, django_capture_on_commit_callbacks
):
    nps = Survey.objects.create(kind="nps")
    contact = InteractionFactory(external_id="c-nps-1", queue=QueueFactory(name="Billing"))
    invitation, _ = invitation_get_or_create(survey=nps, interaction=contact)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response_id = response_submit(invitation=invitation, score=3, comment="Mrs Jones, 12 Elm St: awful")
    [delivery] = deliveries("survey.detractor")
    assert DeliverySend("alpha", delivery.pk, 0) in callbacks
    data = delivery.payload["data"]
    assert data == {
        "response_id": response_id,
        "survey": "nps",
        "score": 3,
        "external_id": "c-nps-1",
        "queue": "Billing",
        "follow_ups_url": "http://alpha.localhost:8000/surveys/follow-ups/",
    }
    assert "Jones" not in str(delivery.payload)
    assert delivery.payload["text"].startswith("NPS detractor: score 3 for contact c-nps-1 (Billing).")


def test_a_passive_or_satisfied_answer_is_not_sent(hook, people):
    csat = Survey.objects.create(kind="csat")
    response_submit(invitation=invitation_get_or_create(survey=csat, interaction=InteractionFactory())[0], score=3)
    assert deliveries("survey.detractor") == []


def test_imported_detractors_are_sent_once_and_only_when_recent(hook, people):
    recent = SurveyResponseFactory(survey="csat", score=1, responded_at=timezone.now() - dt.timedelta(hours=3))
    SurveyResponseFactory(survey="nps", score=2, responded_at=timezone.now() - dt.timedelta(days=30))
    SurveyResponseFactory(survey="nps", score=9)
    assert follow_ups_create_missing() == 2  # both detractors get a follow-up
    [delivery] = deliveries("survey.detractor")
    assert (delivery.payload["data"]["response_id"], delivery.payload["data"]["queue"]) == (recent.pk, None)
    assert follow_ups_create_missing() == 0
    assert len(deliveries("survey.detractor")) == 1


def test_no_endpoint_no_delivery(people):
    SurveyResponseFactory(survey="csat", score=1, responded_at=timezone.now())
    follow_ups_create_missing()
    assert not WebhookDelivery.objects.exists()


def test_a_coaching_request_sends_the_link_not_the_agent_or_her_reason(hook, people):
    session = coaching_session_request(agent_user=people.alice, reason="Angry callers wear me out")
    [delivery] = deliveries("coaching.requested")
    assert delivery.payload["data"] == {
        "session_id": session.pk,
        "team": "North",
        "url": f"http://alpha.localhost:8000/coaching/{session.pk}/",
    }
    assert "Angry" not in str(delivery.payload) and "Alice" not in str(delivery.payload)
    assert "alice" not in str(delivery.payload)


def test_a_qa_dispute_is_sent_with_its_link(hook, people):
    form = qa_form_create(name="Billing calls", structure=STRUCTURE, by=people.ada)
    [contact] = contacts(("wh-north-1", "alice.a"))
    evaluation = evaluate(form, contact, people.mona, {**ALL_MET, "Greeting": 0})
    answer = QaAnswer.objects.get(evaluation=evaluation, question__text="Greeting")
    dispute = dispute_raise(answer=answer, by=people.alice, reason="I did greet, at 00:02")
    [delivery] = deliveries("qa.disputed")
    assert delivery.payload["data"] == {
        "dispute_id": dispute.pk,
        "evaluation_id": evaluation.pk,
        "question_id": answer.question_id,
        "url": f"http://alpha.localhost:8000/kpis/qa/evaluations/{evaluation.pk}/",
    }
    assert "00:02" not in str(delivery.payload)
