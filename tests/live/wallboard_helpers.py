"""Live state for the wallboard tests, written through the ingest service as a feed would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json

from django.utils import timezone

from live.events import AgentStateEvent, ContactEvent
from live.services import live_events_ingest

_ids = itertools.count()


def agent_state(agent: str, state: str, *, reason: str = "", ago: int = 60) -> AgentStateEvent:
    return AgentStateEvent(
        line=1,
        event_id=f"wb-{next(_ids)}",
        at=timezone.now() - dt.timedelta(seconds=ago),
        agent=agent,
        state=state,
        reason=reason,
    )


def enqueued(external_id: str, queue: str, *, ago: int = 30) -> ContactEvent:
    return ContactEvent(
        line=1,
        event_id=f"wb-{next(_ids)}",
        kind="enqueued",
        at=timezone.now() - dt.timedelta(seconds=ago),
        external_id=external_id,
        queue=queue,
    )


def feed(*events, capture=None) -> None:
    """Apply ``events`` in the current tenant; the change notice goes out on commit, which
    ``capture`` (django_capture_on_commit_callbacks) runs inside a test's transaction."""
    numbered = [dataclasses.replace(event, line=i) for i, event in enumerate(events, 1)]
    if capture is None:
        summary = live_events_ingest(events=numbered, source="test")
    else:
        with capture(execute=True):
            summary = live_events_ingest(events=numbered, source="test")
    assert not summary.errors, summary.errors


def page_board(response) -> dict:
    """The board a page was rendered with (the json_script its script starts from)."""
    html = response.content.decode()
    start = html.index('<script id="live-board" type="application/json">') + len(
        '<script id="live-board" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def sse_events(text: str) -> list[tuple[str, dict | None]]:
    """(event name, data) of each event in a chunk of a stream; comments are ("comment", None)."""
    found: list[tuple[str, dict | None]] = []
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        if all(line.startswith(":") or line.startswith("retry:") for line in lines):
            found.append(("comment", None))
            continue
        name = next((line[7:] for line in lines if line.startswith("event: ")), "message")
        data = next((line[6:] for line in lines if line.startswith("data: ")), None)
        found.append((name, json.loads(data) if data is not None else None))
    return found
