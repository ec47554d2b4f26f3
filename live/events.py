"""Live events in Callwell's own shape (pure: no ORM, no Redis).

Every source (the canonical JSON of ``POST /api/v1/events/``, the Amazon Connect agent event
stream, a tailed Asterisk queue_log) becomes these two kinds of event, and only these reach
the live state and the tables (live/services.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CONTACT_KINDS = ("enqueued", "answered", "missed", "transferred", "ended", "abandoned")


@dataclass(frozen=True, slots=True)
class ContactEvent:
    line: int  # 1-based position in its batch (or line of its queue_log): errors name it
    event_id: str  # the sender's id, else a natural key: a replay has the same one
    kind: str  # one of CONTACT_KINDS
    at: dt.datetime  # timezone-aware
    external_id: str
    queue: str | None = None
    channel: str = "voice"
    agent: str | None = None
    customer_id: str | None = None
    talk_seconds: int | None = None
    hold_seconds: int | None = None
    acw_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class AgentStateEvent:
    line: int
    event_id: str
    at: dt.datetime
    agent: str
    state: str  # interactions.ingestion.rows.ACTIVITY_STATES
    reason: str = ""
    # Orders changes of one agent stamped with the same time (queue_log has whole seconds: a call
    # completes, then a PAUSE, in one second): the source's own order, e.g. its line in the log.
    seq: int = 0


LiveEvent = ContactEvent | AgentStateEvent


def natural_key(event_type: str, subject: str, at: dt.datetime, extra: str = "") -> str:
    """The id of an event its sender gave none: the same fact sent twice has the same key."""
    return f"{event_type}|{subject}|{at.astimezone(dt.UTC).isoformat()}|{extra}"
