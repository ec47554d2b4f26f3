"""The live stream (Server-Sent Events) of the wallboard and the kiosk, on the real Redis
pub/sub: the board at once, a new one after a change, one push for a burst, heartbeats, an end
with a retry, and a kiosk's stream ends when the board is revoked."""

from __future__ import annotations

import time

import pytest

from live.kiosk import kiosk_board_create, kiosk_board_revoke, kiosk_channel, kiosk_token
from live.state import changes_channel, redis_client
from live.views_stream import board_events
from tests.live.wallboard_helpers import agent_state, enqueued, feed, sse_events

pytestmark = pytest.mark.django_db  # live state: emptied around each test by tests/live/conftest.py


def _chunks(response):
    return (chunk.decode() for chunk in response.streaming_content)


def test_the_stream_sends_the_board_at_once_then_after_each_change(
    people, tenants, web, django_capture_on_commit_callbacks
):
    feed(enqueued("c-1", "Billing"), agent_state("alice.a", "ready"), agent_state("bob.b", "ready"))
    response = web(tenants.alpha, people.mona).get("/live/stream/")
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache" and response["X-Accel-Buffering"] == "no"
    chunks = _chunks(response)
    try:
        first = next(chunks)
        assert first.startswith("retry: 1000\n")
        [(name, board)] = sse_events(first)
        assert name == "board" and board["center"]["waiting"] == 1
        assert f"id: {board['version']}" in first
        # a manager's stream names her agents only, as her page does
        assert [a["agent"] for a in board["agents"]] == ["alice.a"]

        feed(enqueued("c-2", "Billing"), capture=django_capture_on_commit_callbacks)

        [(name, board)] = sse_events(next(chunks))
        assert name == "board" and board["center"]["waiting"] == 2
    finally:
        response.close()


def test_a_closed_stream_gives_its_subscription_back(people, tenants, web):
    response = web(tenants.alpha, people.mona).get("/live/stream/")
    channel = changes_channel("alpha")
    client = redis_client()
    next(iter(response.streaming_content))
    assert dict(client.pubsub_numsub(channel))[channel] == 1

    response.close()  # what the server does when the browser goes away

    deadline = time.monotonic() + 5
    while dict(client.pubsub_numsub(channel))[channel] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dict(client.pubsub_numsub(channel))[channel] == 0


def _subscribed(*channels):
    pubsub = redis_client().pubsub()
    pubsub.subscribe(*channels)
    for _ in channels:  # the confirmations: from here on no message can be missed
        assert pubsub.get_message(timeout=2)["type"] == "subscribe"
    return pubsub


def test_a_burst_of_changes_is_one_push_then_heartbeats_then_an_end_with_a_retry():
    channel = "live:test_stream:changes"
    pubsub = _subscribed(channel)
    reads = []

    def read_board():
        reads.append(1)
        return {"version": len(reads)}

    try:
        for _ in range(20):
            redis_client().publish(channel, "changed")
        text = "".join(
            board_events(read_board=read_board, pubsub=pubsub, lifetime=1.2, heartbeat=0.5, min_interval=0.25)
        )
    finally:
        pubsub.close()

    kinds = [name for name, _ in sse_events(text)]
    assert kinds[:2] == ["board", "board"]  # the board at once, then one for the 20 changes
    assert kinds.count("board") == 2 and "comment" in kinds[2:]
    assert ": keep-alive" in text
    assert text.endswith("retry: 1000\n: reconnect\n\n")


def test_a_stop_message_ends_the_stream_with_a_revoked_event():
    channel, stop = "live:test_stream:changes", "live:test_stream:kiosk:1"
    pubsub = _subscribed(channel, stop)
    try:
        redis_client().publish(stop, "revoked")
        events = sse_events("".join(board_events(read_board=dict, pubsub=pubsub, stop_channel=stop, lifetime=5)))
    finally:
        pubsub.close()
    assert [name for name, _ in events] == ["board", "revoked"]


def test_a_stream_no_longer_allowed_ends_at_the_next_heartbeat():
    pubsub = _subscribed("live:test_stream:changes")
    try:
        text = "".join(
            board_events(read_board=dict, pubsub=pubsub, still_allowed=lambda: False, heartbeat=0.2, lifetime=5)
        )
    finally:
        pubsub.close()
    assert [name for name, _ in sse_events(text)] == ["board", "revoked"]


def test_revoking_a_kiosk_ends_its_open_stream(people, tenants, web, django_capture_on_commit_callbacks):
    feed(agent_state("alice.a", "break", reason="Doctor"))
    board = kiosk_board_create(name="Floor 2", queues=[], created_by=people.ada)
    response = web(tenants.alpha).get(f"/live/kiosk/{kiosk_token(board=board)}/stream/")
    chunks = _chunks(response)
    try:
        first = next(chunks)
        [(name, shown)] = sse_events(first)
        assert name == "board" and shown["agents"] == [] and shown["center"]["agents"]["break"] == 1
        assert "alice" not in first and "Doctor" not in first
        assert (
            dict(redis_client().pubsub_numsub(kiosk_channel("alpha", board.pk)))[kiosk_channel("alpha", board.pk)] == 1
        )

        with django_capture_on_commit_callbacks(execute=True):
            kiosk_board_revoke(board=board, by=people.ada)

        assert [name for name, _ in sse_events(next(chunks))] == ["revoked"]
        assert next(chunks, None) is None
    finally:
        response.close()
