"""Callwell's own live event JSON → live events, one error per bad event (pure).

The shape is documented in the OpenAPI schema (live/apis.py) and docs/live.md. An event is
rejected as a whole when a field it needs is missing or wrong, with its position in the batch
(``line``), the field and the reason; the other events of the batch still land.
"""

from __future__ import annotations

import zoneinfo

from interactions.ingestion.common import MAX_SECONDS, CellError, parse_timestamp
from interactions.ingestion.rows import ACTIVITY_STATES, CHANNELS, NAME_MAX, RowError, RowWarning

from .events import AgentStateEvent, ContactEvent, natural_key

CONTACT_TYPES = {
    "contact.enqueued": "enqueued",
    "contact.answered": "answered",
    "contact.missed": "missed",
    "contact.transferred": "transferred",
    "contact.ended": "ended",
    "contact.abandoned": "abandoned",
}
AGENT_STATE = "agent.state"
TYPES = (*CONTACT_TYPES, AGENT_STATE)
# the fields each type needs besides type and at
REQUIRED = {
    "contact.enqueued": ("external_id",),
    "contact.answered": ("external_id", "agent"),
    "contact.missed": ("external_id", "agent"),
    "contact.transferred": ("external_id",),
    "contact.ended": ("external_id",),
    "contact.abandoned": ("external_id",),
    AGENT_STATE: ("agent", "state"),
}
KNOWN = {
    "id",
    "type",
    "at",
    "external_id",
    "queue",
    "channel",
    "agent",
    "customer_id",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "state",
    "reason",
}


class Invalid(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _text(item: dict, name: str, required: bool = False) -> str | None:
    value = item.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(name, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise Invalid(name, f"{name} must be a string")
    if len(value) > NAME_MAX:
        raise Invalid(name, f"{name} is {len(value)} characters, over {NAME_MAX}")
    return value


def _seconds(item: dict, name: str) -> int | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_SECONDS:
        raise Invalid(name, f"{name} must be a number of seconds from 0 to {MAX_SECONDS}")
    return round(value)


def parse_event(line: int, item: object, tz: zoneinfo.ZoneInfo) -> list[ContactEvent | AgentStateEvent | RowWarning]:
    """One canonical event (and warnings about fields it ignores); raises Invalid."""
    if not isinstance(item, dict):
        raise Invalid("*", "an event is a JSON object")
    kind = item.get("type")
    if kind not in TYPES:
        raise Invalid("type", f"type must be one of {', '.join(TYPES)}")
    at_text = item.get("at")
    if not isinstance(at_text, str) or not at_text:
        raise Invalid("at", "at is required: an ISO 8601 timestamp with its offset")
    try:
        at = parse_timestamp(at_text, tz)
    except CellError as exc:
        raise Invalid("at", str(exc)) from None
    for name in REQUIRED[kind]:
        _text(item, name, required=True)
    given_id = _text(item, "id")
    out: list[ContactEvent | AgentStateEvent | RowWarning] = [
        RowWarning(line, name, f"unknown field {name!r} ignored") for name in sorted(set(item) - KNOWN)
    ]
    if kind == AGENT_STATE:
        agent = _text(item, "agent", required=True) or ""
        state = item.get("state")
        if state not in ACTIVITY_STATES:
            raise Invalid("state", f"state must be one of {', '.join(ACTIVITY_STATES)}")
        reason = item.get("reason") or ""
        if not isinstance(reason, str) or len(reason) > NAME_MAX:
            raise Invalid("reason", f"reason must be a string of at most {NAME_MAX} characters")
        event_id = given_id or natural_key(kind, agent, at, state)
        out.append(AgentStateEvent(line=line, event_id=event_id, at=at, agent=agent, state=state, reason=reason))
        return out
    external_id = _text(item, "external_id", required=True) or ""
    channel = str(item.get("channel") or "voice")
    if channel not in CHANNELS:
        raise Invalid("channel", f"channel must be one of {', '.join(CHANNELS)}")
    contact_agent = _text(item, "agent")
    out.append(
        ContactEvent(
            line=line,
            event_id=given_id or natural_key(kind, external_id, at, contact_agent or ""),
            kind=CONTACT_TYPES[kind],
            at=at,
            external_id=external_id,
            queue=_text(item, "queue"),
            channel=channel,
            agent=contact_agent,
            customer_id=_text(item, "customer_id"),
            talk_seconds=_seconds(item, "talk_seconds"),
            hold_seconds=_seconds(item, "hold_seconds"),
            acw_seconds=_seconds(item, "acw_seconds"),
        )
    )
    return out


def parse(line: int, item: object, tz: zoneinfo.ZoneInfo) -> list:
    """Like parse_event, but a bad event becomes its RowError."""
    try:
        return parse_event(line, item, tz)
    except Invalid as exc:
        return [RowError(line, exc.field, exc.message)]
