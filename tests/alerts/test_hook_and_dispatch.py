"""When rules are evaluated: after a live batch (throttled per tenant) and from beat's
dispatcher (only tenants with active rules)."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from alerts.models import AlertEpisode, Kind
from alerts.services import THROTTLE_SECONDS, alert_rule_create
from alerts.tasks import alerts_evaluate_dispatch
from live import state
from tests.alerts.conftest import BERLIN, ingest


def now_event(**fields) -> dict:
    # the live state is read at the real clock here: events of the last seconds
    return {"at": (timezone.now() - dt.timedelta(seconds=2)).astimezone(BERLIN).isoformat(), **fields}


def test_a_live_batch_evaluates_once_per_few_seconds(people):
    alert_rule_create(name="Nobody", kind=Kind.WAITING_WITHOUT_AGENTS)
    throttle = state.key("alpha", "alerts", "evaluated")
    ingest([now_event(type="agent.state", agent="alice.a", state="ready")])
    assert 0 < state.redis_client().ttl(throttle) <= THROTTLE_SECONDS  # evaluated: nothing to tell
    # within the throttle: this batch breaches, but is not evaluated
    breaching = [
        now_event(type="agent.state", agent="alice.a", state="break"),
        now_event(type="contact.enqueued", external_id="h1", queue="Billing"),
    ]
    ingest(breaching)
    assert not AlertEpisode.objects.exists()
    # a replayed batch (nothing new) is not a reason to evaluate
    state.redis_client().delete(throttle)
    ingest(breaching)
    assert not state.redis_client().exists(throttle) and not AlertEpisode.objects.exists()
    # the throttle has passed: the next batch evaluates and fires
    ingest([now_event(type="contact.enqueued", external_id="h2", queue="Billing")])
    episode = AlertEpisode.objects.get()
    assert episode.value_at_start == 2


def test_the_dispatcher_enqueues_only_tenants_with_active_rules(people, tenants):
    inactive = alert_rule_create(name="Off", kind=Kind.WAITING_WITHOUT_AGENTS, is_active=False)
    connection.set_schema_to_public()
    assert alerts_evaluate_dispatch() == []
    connection.set_tenant(tenants.alpha)
    alert_rule_create(name="On", kind=Kind.LONGEST_WAIT_ABOVE, threshold=120)
    connection.set_schema_to_public()
    assert alerts_evaluate_dispatch() == ["alpha"]
    connection.set_tenant(tenants.beta)
    assert inactive.pk  # beta has no rule at all: never enqueued
