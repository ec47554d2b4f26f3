"""End to end through a real Redis broker and a real Celery worker: an event emitted in a
committed transaction reaches the receiver; a 500 is retried after its countdown and the
delivery ends delivered after two attempts.

The worker runs in a thread with its own database connection, so what it reads is committed:
this module creates a tenant of its own and drops it afterwards (as test_celery_import.py)."""

from __future__ import annotations

import time

import pytest
from django_tenants.utils import schema_context

from tenants.services import tenant_create, tenant_drop
from webhooks import services
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_create, webhook_event_emit


@pytest.fixture(scope="module")
def own_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenant = tenant_create(schema="hooks_green", domain="hooks-green.localhost", name="Green")
        try:
            yield tenant
        finally:
            tenant_drop(tenant=tenant)


def wait_for_end(delivery_id: int, timeout: float = 30) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with schema_context("hooks_green"):
            delivery = WebhookDelivery.objects.get(pk=delivery_id)
        if delivery.status != "pending":
            return delivery
        time.sleep(0.1)
    raise AssertionError(f"delivery {delivery_id} still pending after {timeout}s")


def test_the_worker_delivers_and_retries_a_failed_attempt(
    own_tenant, celery_worker_thread, receiver, django_db_blocker, monkeypatch
):
    # the first retry after 1 s instead of 10: the schedule itself is checked in test_delivery.py
    monkeypatch.setattr(services, "RETRY_DELAYS_SECONDS", (1, 1, 1, 1, 1))
    with django_db_blocker.unblock(), schema_context("hooks_green"):
        hook = webhook_endpoint_create(name="Receiver", url=receiver.url, events=["qa.disputed"])
        receiver.secret, receiver.script = hook.secret, [500]
        # autocommit: the transaction of the emit commits at once, and the task is sent then
        [delivery_id] = webhook_event_emit(event="qa.disputed", data={"dispute_id": 1}, text="Disputed")
    started = time.monotonic()
    delivery = wait_for_end(delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert [r.answered for r in receiver.received] == [500, 200]
    assert time.monotonic() - started >= 1  # the retry waited for its countdown
    assert receiver.received[0].json["tenant"] == "hooks_green"
