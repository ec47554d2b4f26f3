"""Deliveries to a real receiver on 127.0.0.1: signed, retried with backoff, failed after the
last attempt, never sent twice. The task body (webhooks.services.webhook_delivery_attempt)
runs here directly; the next attempt it schedules is the on-commit DeliverySend, checked for
its countdown and not sent to the broker. tests/webhooks/test_worker.py runs a real worker."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from webhooks.models import MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, WebhookDelivery
from webhooks.services import (
    DeliverySend,
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_event_emit,
    webhook_test_send,
)
from webhooks.signing import signature_header
from webhooks.tasks import webhook_delivery_task


def endpoint(url, events=("qa.disputed",), **kwargs):
    return webhook_endpoint_create(name=kwargs.pop("name", "Receiver"), url=url, events=events, **kwargs)


def emit(capture, event="qa.disputed", data=None):
    with capture(execute=False) as callbacks:
        ids = webhook_event_emit(event=event, data=data or {"dispute_id": 7}, text="A QA answer was disputed")
    return ids, [c for c in callbacks if isinstance(c, DeliverySend)]


def post(url: str, headers: dict, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_delivery_reaches_the_receiver_signed_with_the_endpoints_secret(
    people, receiver, django_capture_on_commit_callbacks
):
    hook = endpoint(receiver.url)
    receiver.secret = hook.secret
    [delivery_id], sends = emit(django_capture_on_commit_callbacks, data={"dispute_id": 7, "url": "https://x/7"})
    assert sends == [DeliverySend("alpha", delivery_id, 0)]  # sent once the transaction commits

    outcome = webhook_delivery_attempt(delivery_id)

    assert (outcome.status, outcome.status_code) == ("delivered", 200)
    [got] = receiver.received
    assert got.answered == 200  # the receiver verified the signature
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert got.path == "/hooks/callwell"
    assert got.headers["Callwell-Event"] == "qa.disputed"
    assert got.headers["Callwell-Delivery"] == str(delivery.uuid)
    assert got.headers["Content-Type"] == "application/json"
    assert got.json == {
        "text": "A QA answer was disputed",
        "event": "qa.disputed",
        "id": str(delivery.uuid),
        "created_at": delivery.created_at.isoformat(),
        "tenant": "alpha",
        "data": {"dispute_id": 7, "url": "https://x/7"},
    }
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        1,
        200,
        "",
    )
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    assert delivery.duration_ms is not None and delivery.duration_ms < 5000

    # The same receiver refuses a tampered body, a replay after five minutes, and an old timestamp
    # signed with the right secret: each also on the wire.
    assert post(receiver.url, got.headers, got.body) == 200
    assert post(receiver.url, got.headers, got.body.replace(b"disputed", b"resolved")) == 401
    old = int(time.time()) - 301
    assert (
        post(
            receiver.url, {**got.headers, "Callwell-Signature": signature_header(hook.secret, old, got.body)}, got.body
        )
        == 401
    )
    receiver.clock_offset = 301
    assert post(receiver.url, got.headers, got.body) == 401

    # a second copy of the task sends nothing: a delivered delivery is never sent again
    assert webhook_delivery_attempt(delivery_id).status == "skipped"
    assert webhook_delivery_task(delivery_id) == {"delivery": delivery_id, "status": "skipped", "retry_in": None}
    assert len(receiver.received) == 5


def test_a_failing_receiver_is_retried_after_the_backoff_and_ends_delivered(
    people, receiver, django_capture_on_commit_callbacks
):
    hook = endpoint(receiver.url)
    receiver.secret, receiver.script = hook.secret, [500]
    [delivery_id], _ = emit(django_capture_on_commit_callbacks)
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = webhook_delivery_attempt(delivery_id)
    assert (first.status, first.retry_in, first.status_code) == ("retry", RETRY_DELAYS_SECONDS[0], 500)
    assert callbacks == [DeliverySend("alpha", delivery_id, RETRY_DELAYS_SECONDS[0])]
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.last_error == "HTTP 500: oops"
    assert start + dt.timedelta(seconds=9) < delivery.next_attempt_at < timezone.now() + dt.timedelta(seconds=11)

    # a copy of the task arriving before the countdown is over sends nothing
    assert webhook_delivery_attempt(delivery_id).status == "skipped"
    assert len(receiver.received) == 1

    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=True):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            second = webhook_delivery_attempt(delivery_id)
    assert (second.status, callbacks) == ("delivered", [])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        2,
        200,
        "",
    )
    assert [r.answered for r in receiver.received] == [500, 200]
    # both attempts carry the same delivery id, for the receiver to dedupe on
    assert {r.headers["Callwell-Delivery"] for r in receiver.received} == {str(delivery.uuid)}


def test_an_unreachable_receiver_is_tried_with_growing_delays_then_failed(
    people, closed_port_url, django_capture_on_commit_callbacks
):
    endpoint(closed_port_url)
    [delivery_id], _ = emit(django_capture_on_commit_callbacks)
    countdowns = []
    now = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with time_machine.travel(now, tick=True):
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                outcome = webhook_delivery_attempt(delivery_id)
        countdowns += [c.countdown for c in callbacks]
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        assert delivery.attempts == attempt
        assert "ConnectionRefusedError" in delivery.last_error and delivery.last_status_code is None
        if attempt < MAX_ATTEMPTS:
            assert (outcome.status, delivery.status) == ("retry", "pending")
            now = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert countdowns == [10, 30, 120, 600, 3600]
    assert (outcome.status, delivery.status, delivery.next_attempt_at) == ("failed", "failed", None)
    with time_machine.travel(now + dt.timedelta(days=1), tick=True):
        assert webhook_delivery_attempt(delivery_id).status == "skipped"
    assert WebhookDelivery.objects.get(pk=delivery_id).attempts == MAX_ATTEMPTS


def test_a_redirect_is_not_followed(people, receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url)
    receiver.secret, receiver.script = hook.secret, [302]
    [delivery_id], _ = emit(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        outcome = webhook_delivery_attempt(delivery_id)
    assert (outcome.status, outcome.status_code) == ("retry", 302)
    assert [r.path for r in receiver.received] == ["/hooks/callwell"]  # never /elsewhere
    assert "redirect to /elsewhere not followed" in WebhookDelivery.objects.get(pk=delivery_id).last_error


def test_only_active_endpoints_subscribed_to_the_event_get_a_delivery(people, django_capture_on_commit_callbacks):
    disputes = endpoint("https://a.example/hook", events=["qa.disputed", "coaching.requested"], name="A")
    endpoint("https://b.example/hook", events=["survey.detractor"], name="B")
    endpoint("https://c.example/hook", events=["qa.disputed"], is_active=False, name="C")
    ids, sends = emit(django_capture_on_commit_callbacks, event="qa.disputed")
    assert [d.endpoint for d in WebhookDelivery.objects.filter(pk__in=ids)] == [disputes]
    assert [s.delivery_id for s in sends] == ids
    assert emit(django_capture_on_commit_callbacks, event="alert.fired") == ([], [])
    with pytest.raises(ValueError, match="unknown webhook event"):
        webhook_event_emit(event="qa.dispute", data={}, text="typo")
    with pytest.raises(ValueError, match="unknown webhook event"):
        webhook_event_emit(event="webhook.test", data={}, text="only from the test button")


def test_a_test_goes_to_one_endpoint_whatever_it_subscribes_to(people, django_capture_on_commit_callbacks):
    quiet = endpoint("https://a.example/hook", events=[], name="Quiet")
    endpoint("https://b.example/hook", events=["qa.disputed"], name="Other")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery_id = webhook_test_send(endpoint=quiet)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.pk, delivery.endpoint, delivery.event) == (delivery_id, quiet, "webhook.test")
    assert "Quiet" in delivery.payload["text"]
    assert callbacks == [DeliverySend("alpha", delivery_id, 0)]


def test_a_rolled_back_change_sends_nothing(people, django_capture_on_commit_callbacks):
    endpoint("https://a.example/hook")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            webhook_event_emit(event="qa.disputed", data={}, text="never")
            raise RuntimeError("the dispute failed")
    assert not WebhookDelivery.objects.exists()
    assert callbacks == []


def test_deliveries_of_a_deactivated_or_deleted_endpoint_stop(people, receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url)
    [delivery_id], _ = emit(django_capture_on_commit_callbacks)
    type(hook).objects.filter(pk=hook.pk).update(is_active=False)
    assert webhook_delivery_attempt(delivery_id).status == "failed"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.last_error) == ("failed", "endpoint deactivated; not sent")
    type(hook).objects.filter(pk=hook.pk).update(is_active=True)
    [other_id], _ = emit(django_capture_on_commit_callbacks)
    hook.delete()
    assert webhook_delivery_attempt(other_id).status == "skipped"
    assert receiver.received == []


def test_the_payload_is_json_the_way_it_was_stored(people, receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url)
    receiver.secret = hook.secret
    at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    [delivery_id], _ = emit(django_capture_on_commit_callbacks, data={"at": at, "name": "Zoë"})
    webhook_delivery_attempt(delivery_id)
    [got] = receiver.received
    assert json.loads(got.body)["data"] == {"at": "2026-12-01T09:00:00Z", "name": "Zoë"}
    assert WebhookDelivery.objects.get(pk=delivery_id).payload == json.loads(got.body)


def test_deliveries_go_to_their_own_queue():
    from config.celery import app

    route = app.amqp.router.route({}, webhook_delivery_task.name)
    assert route["queue"].name == "webhooks"
