"""One tenant's flood of webhook deliveries does not starve another tenant's on the shared
`webhooks` queue: past a burst, a tenant's first attempts are paced (services._first_attempts_at),
so the queue holds a trickle of the flood and another tenant's delivery goes out next.

The worker test runs a real Celery worker in a thread with its own connection: what it reads is
committed, so it creates two tenants of its own and drops them afterwards."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from tenants.services import tenant_create, tenant_drop
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import DeliverySend, webhook_endpoint_create, webhook_event_emit

FLOOD, OTHER = "hooks_flood", "hooks_other"


def test_a_flood_is_paced_past_the_burst_and_another_tenant_is_not(
    tenants, in_tenant, django_capture_on_commit_callbacks
):
    in_tenant(tenants.alpha)
    webhook_endpoint_create(name="CRM", url="http://127.0.0.1:9/hook", events=["qa.disputed"])
    with django_capture_on_commit_callbacks() as alpha_callbacks:
        ids = [
            webhook_event_emit(event="qa.disputed", data={"n": n}, text="x")[0]
            for n in range(services.TENANT_BURST + 10)
        ]
    rows = {d.pk: d for d in WebhookDelivery.objects.filter(pk__in=ids)}
    burst, paced = [rows[i] for i in ids[: services.TENANT_BURST]], [rows[i] for i in ids[services.TENANT_BURST :]]
    assert all(d.next_attempt_at == d.created_at for d in burst)  # due as they are created
    step = dt.timedelta(seconds=1 / services.TENANT_RATE_PER_SECOND)
    assert paced[0].next_attempt_at == paced[0].created_at + step
    times = [d.next_attempt_at for d in paced]
    assert [b - a for a, b in zip(times, times[1:], strict=False)] == [step] * 9
    countdowns = [c.countdown for c in alpha_callbacks if isinstance(c, DeliverySend)]
    assert countdowns[: services.TENANT_BURST] == [0] * services.TENANT_BURST
    paced_countdowns = countdowns[services.TENANT_BURST :]
    assert min(paced_countdowns) >= 1 and paced_countdowns == sorted(paced_countdowns)

    # beta's backlog is its own: its first delivery goes out at once
    in_tenant(tenants.beta)
    webhook_endpoint_create(name="CRM", url="http://127.0.0.1:9/hook", events=["qa.disputed"])
    with django_capture_on_commit_callbacks() as beta_callbacks:
        [beta_id] = webhook_event_emit(event="qa.disputed", data={}, text="x")
    assert beta_callbacks == [DeliverySend("beta", beta_id, 0)]


@pytest.fixture(scope="module")
def two_tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        flood = tenant_create(schema=FLOOD, domain="hooks-flood.localhost", name="Flood")
        other = tenant_create(schema=OTHER, domain="hooks-other.localhost", name="Other")
        try:
            yield flood, other
        finally:
            for schema in (FLOOD, OTHER):  # the paced messages still queued find nothing to send
                with schema_context(schema):
                    WebhookDelivery.objects.filter(status="pending").update(
                        status="failed", next_attempt_at=None, last_error="test over"
                    )
            tenant_drop(tenant=flood)
            tenant_drop(tenant=other)


def delivered(schema: str) -> list[WebhookDelivery]:
    with schema_context(schema):
        return list(WebhookDelivery.objects.filter(status="delivered").order_by("delivered_at"))


def test_another_tenants_delivery_goes_out_behind_the_burst_not_the_flood(
    two_tenants, celery_worker_thread, receiver, django_db_blocker, monkeypatch
):
    monkeypatch.setattr(services, "TENANT_BURST", 4)
    monkeypatch.setattr(services, "TENANT_RATE_PER_SECOND", 0.25)  # one every 4 s past the burst
    with django_db_blocker.unblock():
        with schema_context(FLOOD):
            hook = webhook_endpoint_create(name="Receiver", url=receiver.url, events=["qa.disputed"])
            receiver.secret = hook.secret
            started = time.monotonic()
            with transaction.atomic():  # an import's detractors: one transaction, many events
                for n in range(12):
                    webhook_event_emit(event="qa.disputed", data={"n": n}, text="Disputed")
        with schema_context(OTHER):
            webhook_endpoint_create(name="Receiver", url=receiver.url, events=["qa.disputed"])
            WebhookEndpoint.objects.update(secret=hook.secret)  # one receiver checks both
            [other_id] = webhook_event_emit(event="qa.disputed", data={"n": 0}, text="Disputed")

        deadline = time.monotonic() + 60
        while not delivered(OTHER) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [d.pk for d in delivered(OTHER)] == [other_id]
        tenants_in_order = [r.json["tenant"] for r in receiver.received]
        # behind the flood's burst (and at most one paced attempt that came due), not its twelve
        assert tenants_in_order.index(OTHER) <= 4 + 1
        while len(delivered(FLOOD)) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        flood = delivered(FLOOD)
    assert len(flood) >= 5
    assert time.monotonic() - started >= 4  # the first paced attempt waited for its turn
    assert flood[4].delivered_at - flood[0].delivered_at >= dt.timedelta(seconds=2)
