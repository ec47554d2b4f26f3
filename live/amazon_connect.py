"""Amazon Connect agent event stream records → live events (pure).

A record (../shared/reference/aws-sample-agent-event-stream.md; fields per AWS's "Agent event
streams data model") has EventId, EventType (LOGIN, LOGOUT, STATE_CHANGE, HEART_BEAT,
CONNECTED/ENDED contacts inside the snapshots) and ``CurrentAgentSnapshot``: the agent's status
(AgentStatus.Name, StartTimestamp), its Configuration.Username and its Contacts, each with
ContactId, Channel, State (INCOMING, PENDING, CONNECTING, CONNECTED, CONNECTED_ONHOLD, MISSED,
ERROR, ENDED, REJECTED), StateStartTimestamp, QueueTimestamp, ConnectedToAgentTimestamp, Queue.

Every record states the whole current picture, so the events drawn from it have natural keys
(agent, state, since when; contact, kind, when): a heartbeat repeating the picture changes
nothing. The agent event stream carries no contact an agent never saw: abandons and the wait of
contacts nobody answered come from the contact records import (Amazon Connect CTRs).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from interactions.ingestion.common import CellError, parse_timestamp
from interactions.ingestion.rows import NAME_MAX

from .canonical import Invalid
from .events import AgentStateEvent, ContactEvent, natural_key

UTC = zoneinfo.ZoneInfo("UTC")
EVENT_TYPES = ("LOGIN", "LOGOUT", "STATE_CHANGE", "HEART_BEAT")
CHANNELS = {"VOICE": "voice", "CHAT": "chat", "EMAIL": "email"}
ON_CONTACT = {"CONNECTED", "CONNECTED_ONHOLD"}
MISSED = {"MISSED", "REJECTED", "ERROR"}
# Agent statuses are named by each center; these names (any case, also inside a longer name
# such as "Lunch break") map to the activity states, any other non-routable status is not_ready.
STATUS_STATES = (("lunch", "lunch"), ("break", "break"), ("training", "training"), ("meeting", "meeting"))


def _time(value: object, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise Invalid(name, f"{name} is required: an ISO 8601 timestamp")
    try:
        return parse_timestamp(value, UTC)  # Amazon Connect writes UTC ("…Z")
    except CellError as exc:
        raise Invalid(name, str(exc)) from None


def _status_state(name: str) -> tuple[str, str]:
    lowered = name.strip().lower()
    if lowered == "available":
        return "ready", ""
    if lowered == "offline":
        return "offline", ""
    for word, state in STATUS_STATES:
        if word in lowered:
            return state, name[:NAME_MAX]
    return "not_ready", name[:NAME_MAX]


def _agent(record: dict, snapshot: dict) -> str:
    username = (snapshot.get("Configuration") or {}).get("Username")
    if isinstance(username, str) and username:
        return username[:NAME_MAX]
    arn = record.get("AgentARN")
    if isinstance(arn, str) and arn:
        return arn.rsplit("/", 1)[-1][:NAME_MAX]
    raise Invalid("CurrentAgentSnapshot.Configuration.Username", "the agent is not named (Username or AgentARN)")


def parse_record(line: int, record: dict) -> list[ContactEvent | AgentStateEvent]:
    event_type = record.get("EventType")
    if event_type not in EVENT_TYPES:
        raise Invalid("EventType", f"EventType must be one of {', '.join(EVENT_TYPES)}")
    event_at = _time(record.get("EventTimestamp"), "EventTimestamp")
    snapshot = record.get("CurrentAgentSnapshot") or {}
    if not isinstance(snapshot, dict):
        raise Invalid("CurrentAgentSnapshot", "CurrentAgentSnapshot must be an object")
    agent = _agent(record, snapshot)
    contacts = snapshot.get("Contacts") or []
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        raise Invalid("CurrentAgentSnapshot.Contacts", "Contacts must be a list of objects")
    events: list[ContactEvent | AgentStateEvent] = []
    for contact in contacts:
        events += _contact_events(line, agent, contact)
    if event_type == "LOGOUT":
        state, reason, since = "offline", "", event_at
    else:
        state, reason, since = _agent_state(snapshot, contacts, event_at)
    events.append(
        AgentStateEvent(
            line=line,
            event_id=natural_key("agent.state", agent, since, state),
            at=since,
            agent=agent,
            state=state,
            reason=reason,
        )
    )
    return events


def _agent_state(snapshot: dict, contacts: list[dict], event_at: dt.datetime) -> tuple[str, str, dt.datetime]:
    """A contact in progress outranks the status the agent set (they are routable but busy)."""
    for states, state in ((ON_CONTACT, "on_contact"), ({"ENDED"}, "acw")):
        busy = [c for c in contacts if c.get("State") in states]
        if busy:
            since = min(_time(c.get("StateStartTimestamp"), "Contacts.StateStartTimestamp") for c in busy)
            return state, "", since
    status = snapshot.get("AgentStatus") or {}
    name = status.get("Name") if isinstance(status, dict) else None
    if not isinstance(name, str) or not name:
        raise Invalid("CurrentAgentSnapshot.AgentStatus.Name", "the agent's status is missing")
    state, reason = _status_state(name)
    started = status.get("StartTimestamp")
    return state, reason, _time(started, "AgentStatus.StartTimestamp") if started else event_at


def _contact_events(line: int, agent: str, contact: dict) -> list[ContactEvent]:
    contact_id = contact.get("ContactId")
    if not isinstance(contact_id, str) or not contact_id or len(contact_id) > NAME_MAX:
        raise Invalid("Contacts.ContactId", "every contact needs its ContactId")
    queue = (contact.get("Queue") or {}).get("Name") if isinstance(contact.get("Queue"), dict) else None
    queue = queue[:NAME_MAX] if isinstance(queue, str) and queue else None
    channel = CHANNELS.get(str(contact.get("Channel") or "VOICE").upper())
    if channel is None:
        raise Invalid("Contacts.Channel", f"Channel must be one of {', '.join(CHANNELS)}")
    state = contact.get("State")

    def event(kind: str, at: dt.datetime, who: str | None = None) -> ContactEvent:
        return ContactEvent(
            line=line,
            event_id=natural_key(f"contact.{kind}", contact_id, at, who or ""),
            kind=kind,
            at=at,
            external_id=contact_id,
            queue=queue,
            channel=channel,
            agent=who,
        )

    events = []
    if contact.get("QueueTimestamp"):
        at = _time(contact["QueueTimestamp"], "Contacts.QueueTimestamp")
        events.append(event("enqueued", at))
    if contact.get("ConnectedToAgentTimestamp"):
        at = _time(contact["ConnectedToAgentTimestamp"], "Contacts.ConnectedToAgentTimestamp")
        events.append(event("answered", at, agent))
    if state in MISSED or state == "ENDED":
        at = _time(contact.get("StateStartTimestamp"), "Contacts.StateStartTimestamp")
        kind = "missed" if state in MISSED else "ended"
        if kind == "ended" and not contact.get("ConnectedToAgentTimestamp"):
            return events  # an offer that ended unanswered is not the end of the contact
        events.append(event(kind, at, agent))
    return events
