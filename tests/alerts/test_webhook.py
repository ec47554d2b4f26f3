"""Alerts to webhooks: one alert.fired and one alert.recovered delivery per episode, signed and
received by a real HTTP receiver that verifies the signature (tests/webhooks/conftest.py)."""

import pytest

from alerts.models import Kind
from alerts.services import alert_rule_create
from tests.alerts.conftest import evaluate, ingest, when
from tests.webhooks.conftest import receiver  # noqa: F401 - a fixture
from webhooks.models import WebhookDelivery
from webhooks.services import DeliverySend, webhook_delivery_attempt, webhook_endpoint_create

pytestmark = pytest.mark.usefixtures("manual_evaluation")


def test_an_episode_is_one_fired_and_one_recovered_delivery(
    people,
    receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    hook = webhook_endpoint_create(name="Slack", url=receiver.url, events=["alert.fired", "alert.recovered"])
    receiver.secret = hook.secret
    alert_rule_create(name="Billing wait", kind=Kind.LONGEST_WAIT_ABOVE, threshold=60, queue="Billing")
    with django_capture_on_commit_callbacks() as callbacks:
        ingest([{"type": "contact.enqueued", "at": when(0).isoformat(), "external_id": "k1", "queue": "Billing"}])
        for second in range(61, 200, 10):  # breached all along: one delivery
            evaluate(second)
        ingest([{"type": "contact.answered", "at": when(200).isoformat(), "external_id": "k1", "agent": "alice.a"}])
        for second in range(205, 400, 10):
            evaluate(second)
    fired, recovered = WebhookDelivery.objects.order_by("pk")
    assert [d.event for d in (fired, recovered)] == ["alert.fired", "alert.recovered"]
    assert sorted(c.delivery_id for c in callbacks if isinstance(c, DeliverySend)) == [fired.pk, recovered.pk]

    assert webhook_delivery_attempt(fired.pk).status == "delivered"
    assert webhook_delivery_attempt(recovered.pk).status == "delivered"
    got_fired, got_recovered = receiver.received
    assert got_fired.answered == 200 and got_recovered.answered == 200  # signatures verified
    assert got_fired.json["text"] == (
        "Alert: Billing wait. Longest wait above 60 s (queue Billing): now 61 s. http://alpha.localhost:8000/live/alerts/"
    )
    data = got_fired.json["data"]
    assert data["rule"] == "Billing wait" and data["queue"] == "Billing" and data["kind"] == "longest_wait_above"
    assert (data["value"], data["threshold"], data["recovered_at"]) == (61.0, 60.0, None)
    assert data["started_at"] == when(61).isoformat()
    assert data["link"] == "http://alpha.localhost:8000/live/alerts/"
    recovered_data = got_recovered.json["data"]
    assert recovered_data["worst_value"] == 191.0 and recovered_data["value"] == 0.0
    assert recovered_data["recovered_at"] == when(265).isoformat()
    assert got_recovered.json["text"].startswith("Recovered: Billing wait.")


def test_a_rule_without_webhook_sends_none(people, receiver):  # noqa: F811
    webhook_endpoint_create(name="Slack", url=receiver.url, events=["alert.fired"])
    alert_rule_create(name="Quiet", kind=Kind.LONGEST_WAIT_ABOVE, threshold=60, webhook=False)
    ingest([{"type": "contact.enqueued", "at": when(0).isoformat(), "external_id": "k1", "queue": "Billing"}])
    assert [t.what for t in evaluate(90)] == ["fired"]
    assert not WebhookDelivery.objects.exists()
