"""Evaluating rules on the live state: one episode per breach, one message when it fires and
one when it recovers, whatever the number of events and evaluations in between."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from alerts.judge import RECOVERY_SECONDS
from alerts.models import AlertEpisode, EndReason, Kind
from alerts.services import alert_rule_create, alert_rule_update
from tests.alerts.conftest import contact, evaluate, ingest, when

pytestmark = pytest.mark.usefixtures("manual_evaluation")


def whats(transitions) -> list[str]:
    return [t.what for t in transitions]


def emails_enqueued(callbacks) -> int:
    return sum(1 for c in callbacks if getattr(c, "__qualname__", "") == "notify.<locals>.email_enqueue")


def test_a_breach_made_of_many_events_and_evaluations_fires_once_and_recovers_once(
    people, django_capture_on_commit_callbacks
):
    rule = alert_rule_create(
        name="Billing SL",
        kind=Kind.SERVICE_LEVEL_BELOW,
        threshold=80,
        window_minutes=15,
        queue="Billing",
        recipients=[people.mona],
    )
    told = []
    with django_capture_on_commit_callbacks() as emails:
        # 40 contacts over 10 minutes in 10 batches, one in two answered after 45 s (SL: 20 s),
        # evaluated after each batch and between them
        for batch in range(10):
            first = batch * 4
            ingest([e for i in range(first, first + 4) for e in contact(f"c{i}", i * 15, wait=45 if i % 2 else 5)])
            told += evaluate(first * 15 + 50) + evaluate(first * 15 + 55)
        # another queue's misery is not this rule's
        ingest([e for i in range(20) for e in contact(f"t{i}", 600 + i, wait=90, queue="Tech")])
        told += evaluate(650)
    assert whats(told) == ["fired"]
    [episode] = AlertEpisode.objects.all()
    assert episode.recovered_at is None and episode.queue == "Billing" and episode.threshold == 80
    assert episode.value_at_start < 80 and episode.worst_value <= episode.value_at_start
    assert emails_enqueued(emails) == 1  # the fired email, once

    # the queue recovers: 100 quick answers lift the window well above 80%
    with django_capture_on_commit_callbacks() as emails:
        for batch in range(4):
            ingest([e for i in range(batch * 25, batch * 25 + 25) for e in contact(f"ok{i}", 660 + i, wait=3)])
        told = []
        for second in range(800, 800 + 2 * RECOVERY_SECONDS, 10):
            told += evaluate(second)
    assert whats(told) == ["recovered"]
    episode.refresh_from_db()
    assert episode.end_reason == EndReason.RECOVERED
    assert episode.recovered_at == when(800 + RECOVERY_SECONDS)  # the first good one at 800, the clock from there
    assert episode.last_value > 80
    assert emails_enqueued(emails) == 1  # the recovered email, once
    assert rule.episodes.count() == 1
    assert evaluate(1000) == []


def test_a_value_flapping_on_the_threshold_stays_one_episode(people):
    """Longest wait above 60 s: a breach, good again, breached again before a minute has passed,
    then good for a minute: one episode, one fired, one recovered."""
    alert_rule_create(name="Wait", kind=Kind.LONGEST_WAIT_ABOVE, threshold=60)
    ingest([{"type": "contact.enqueued", "at": when(0).isoformat(), "external_id": "w1", "queue": "Billing"}])
    assert evaluate(59) == []
    assert whats(evaluate(61)) == ["fired"]
    ingest([{"type": "contact.answered", "at": when(70).isoformat(), "external_id": "w1", "agent": "alice.a"}])
    assert evaluate(75) == [] and evaluate(110) == []  # 35 s on the good side: not yet
    ingest([{"type": "contact.enqueued", "at": when(80).isoformat(), "external_id": "w2", "queue": "Billing"}])
    assert evaluate(141) == []  # breached again (61 s): the same episode, its clock reset
    ingest([{"type": "contact.answered", "at": when(150).isoformat(), "external_id": "w2", "agent": "alice.a"}])
    assert evaluate(160) == [] and evaluate(200) == []
    assert whats(evaluate(220)) == ["recovered"]
    [episode] = AlertEpisode.objects.all()
    assert (episode.value_at_start, episode.worst_value, episode.last_value) == (61, 61, 0)
    assert episode.recovered_at == when(220)


def test_a_window_with_fewer_contacts_than_the_minimum_is_not_judged(people):
    alert_rule_create(name="Abandons", kind=Kind.ABANDONMENT_ABOVE, threshold=20, min_contacts=10)
    for i in range(9):
        ingest(contact(f"a{i}", i * 10, wait=None))  # every one abandoned after 40 s
    assert evaluate(200) == []  # 100% of 9: fewer than 10
    ingest(contact("a9", 95, wait=None))
    [fired] = evaluate(200)
    assert (fired.what, fired.value) == ("fired", 100.0)
    # 20 minutes later the window is empty: not judged counts as recovered, after the hysteresis
    assert evaluate(1200) == []
    assert whats(evaluate(1200 + RECOVERY_SECONDS)) == ["recovered"]
    assert AlertEpisode.objects.get().last_value is None


def test_calls_waiting_while_no_agent_is_ready(people):
    alert_rule_create(name="Nobody", kind=Kind.WAITING_WITHOUT_AGENTS, queue="Billing")
    ingest(
        [
            {"type": "agent.state", "at": when(0).isoformat(), "agent": "alice.a", "state": "ready"},
            {"type": "contact.enqueued", "at": when(1).isoformat(), "external_id": "n1", "queue": "Billing"},
            {"type": "contact.enqueued", "at": when(2).isoformat(), "external_id": "n2", "queue": "Billing"},
            {"type": "contact.enqueued", "at": when(3).isoformat(), "external_id": "x1", "queue": "Tech"},
        ]
    )
    assert evaluate(5) == []  # Alice is ready
    ingest([{"type": "agent.state", "at": when(6).isoformat(), "agent": "alice.a", "state": "break"}])
    [fired] = evaluate(7)
    assert (fired.what, fired.value) == ("fired", 2.0)  # Billing's two, not Tech's one
    ingest([{"type": "agent.state", "at": when(20).isoformat(), "agent": "alice.a", "state": "ready"}])
    assert evaluate(21) == []
    assert whats(evaluate(21 + RECOVERY_SECONDS)) == ["recovered"]


def test_nobody_waiting_and_nobody_ready_is_no_alert(people):
    alert_rule_create(name="Nobody", kind=Kind.WAITING_WITHOUT_AGENTS)
    ingest([{"type": "agent.state", "at": when(0).isoformat(), "agent": "alice.a", "state": "lunch"}])
    assert evaluate(5) == []


def test_the_database_allows_one_open_episode_per_rule(people):
    rule = alert_rule_create(name="Wait", kind=Kind.LONGEST_WAIT_ABOVE, threshold=30)
    fields = dict(rule=rule, kind=rule.kind, value_at_start=40, worst_value=40, last_evaluated_at=when(0))
    AlertEpisode.objects.create(started_at=when(0), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertEpisode.objects.create(started_at=when(1), **fields)
    AlertEpisode.objects.update(recovered_at=when(2), end_reason=EndReason.RECOVERED)
    AlertEpisode.objects.create(started_at=when(3), **fields)  # a closed one does not count


def test_changing_the_condition_ends_the_open_episode_silently(people):
    rule = alert_rule_create(name="Wait", kind=Kind.LONGEST_WAIT_ABOVE, threshold=30)
    ingest([{"type": "contact.enqueued", "at": when(0).isoformat(), "external_id": "w1", "queue": "Billing"}])
    assert whats(evaluate(40)) == ["fired"]
    alert_rule_update(rule=rule, name="Wait (renamed)")
    assert AlertEpisode.objects.get().recovered_at is None  # a new name is the same condition
    alert_rule_update(rule=rule, threshold=120)
    episode = AlertEpisode.objects.get()
    assert episode.end_reason == EndReason.RULE_CHANGED and episode.threshold == 30
    assert evaluate(60) == []  # 60 s is under the new 120 s
    alert_rule_update(rule=rule, is_active=False)
    assert evaluate(200) == []  # inactive rules are not judged
