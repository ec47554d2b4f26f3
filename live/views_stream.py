"""Server-Sent Events of the live board (docs/live.md says why SSE rather than WebSockets).

One stream is one HTTP response that lives at most LIFETIME seconds: it sends the board at
once, then a new board after each change notice of the tenant (at most one push per
MIN_INTERVAL: a burst of events is one push), a comment every HEARTBEAT seconds so proxies and
the browser see a live connection (and a closed one is noticed: the write fails), and ends
with a `retry:` so the browser reconnects a second later. The bounded lifetime bounds how long
one connection holds a server thread (gunicorn gthread, see the Procfile) and lets a deploy
drain.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

from .state import changes_channel, redis_client

LIFETIME = 55.0
HEARTBEAT = 15.0
MIN_INTERVAL = 0.25
RETRY_MS = 1000


def sse_event(data: dict, *, event: str = "board", event_id: object = None) -> str:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    # one line of JSON: a "data:" field may not contain a newline
    lines.append("data: " + json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


def board_events(
    *,
    read_board: Callable[[], dict],
    pubsub,
    stop_channel: str | None = None,
    still_allowed: Callable[[], bool] = lambda: True,
    lifetime: float = LIFETIME,
    heartbeat: float = HEARTBEAT,
    min_interval: float = MIN_INTERVAL,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """The text of one stream. ``pubsub`` is already subscribed to the tenant's changes channel
    (and to ``stop_channel``, whose message ends the stream: a revoked kiosk); subscribing
    before the first read means no change between the read and the subscription is lost.
    ``still_allowed`` is asked at each heartbeat too, should a stop message have been missed."""
    start = clock()
    board = read_board()
    yield f"retry: {RETRY_MS}\n" + sse_event(board, event_id=board.get("version"))
    last_push = last_write = clock()
    pending = False
    while True:
        now = clock()
        if now - start >= lifetime:
            break
        if pending and now - last_push >= min_interval:
            board = read_board()
            yield sse_event(board, event_id=board.get("version"))
            last_push = last_write = clock()
            pending = False
            continue
        if now - last_write >= heartbeat:
            if not still_allowed():
                yield sse_event({}, event="revoked")
                return
            yield ": keep-alive\n\n"
            last_write = clock()
            continue
        wake_at = min(start + lifetime, last_write + heartbeat, last_push + min_interval if pending else float("inf"))
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=max(0.0, wake_at - now))
        if message is None:
            continue
        channel = message.get("channel")
        if isinstance(channel, bytes):
            channel = channel.decode()
        if stop_channel is not None and channel == stop_channel:
            yield sse_event({}, event="revoked")
            return
        pending = True
    yield f"retry: {RETRY_MS}\n: reconnect\n\n"


def board_stream_response(
    *,
    schema: str,
    read_board: Callable[[], dict],
    stop_channel: str | None = None,
    still_allowed: Callable[[], bool] = lambda: True,
) -> StreamingHttpResponse:
    channels = [changes_channel(schema)] + ([stop_channel] if stop_channel else [])

    def content() -> Iterator[str]:
        # Subscribed when the server starts sending, not when the view returns: a response
        # never iterated holds no Redis connection.
        pubsub = redis_client().pubsub()  # a connection of its own, given back by close()
        try:
            pubsub.subscribe(*channels)
            yield from board_events(
                read_board=read_board, pubsub=pubsub, stop_channel=stop_channel, still_allowed=still_allowed
            )
        finally:
            # also when the browser went away (the server then closes this iterator)
            pubsub.close()

    response = StreamingHttpResponse(content(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # nginx and similar proxies would otherwise buffer the stream and deliver it in lumps
    response["X-Accel-Buffering"] = "no"
    return response
