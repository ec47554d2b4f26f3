"""A tailed Asterisk queue_log as live events (pure: no Redis, no ORM).

The lines mean what they mean to the batch importer: ``QueueLogLiveMapper`` feeds the same
``QueueLogMachine`` (interactions.ingestion.asterisk_state: field positions, agent states,
transfers) and turns its facts into ContactEvents and AgentStateEvents:

ENTERQUEUE → enqueued (queue, customer_id = caller id); CONNECT → answered, the agent
on_contact; RINGNOANSWER → missed; COMPLETEAGENT/COMPLETECALLER → ended (talk_seconds), the
agent back to ready or to their pause; TRANSFER/BLINDTRANSFER/ATTENDEDTRANSFER → transferred
then ended; ABANDON/EXITWITHTIMEOUT/EXITEMPTY → abandoned; logins and memberships → ready;
logoffs → offline; PAUSE/PAUSEALL → the pause's state with its reason; UNPAUSE* → ready.

Event ids are natural keys built from the line's content (its event, callid, queue, time
and the agent), never from its position, so replaying lines, or a restarted feed reading the
file again from the start, changes nothing. Within one feed, an exact repeat of one of the
last ``RECENT_LINES`` lines is dropped: the same fact written twice (the batch importer
reports a second completion of a call as an error instead).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import deque

from interactions.ingestion.asterisk import read_line
from interactions.ingestion.asterisk_state import AgentChange, CallFact, LineProblem, QueueLogMachine
from interactions.ingestion.limits import Limits
from interactions.ingestion.rows import RowError

from .events import AgentStateEvent, ContactEvent, natural_key

LiveItem = ContactEvent | AgentStateEvent | RowError
RECENT_LINES = 10_000
# Open calls first seen this long before the current line are forgotten (their end was lost).
OPEN_CALL_DAYS = 1


class QueueLogLiveMapper:
    """Stateful: a call's CONNECT needs its ENTERQUEUE, a transfer the agent's call. Feed the
    lines of one log in order, across its rotations (a call may span two files)."""

    def __init__(self, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None):
        self.tz = tz
        self.limits = limits or Limits.from_settings()
        self.machine = QueueLogMachine()
        self.recent: deque[str] = deque()
        self.recent_set: set[str] = set()
        self.lines_fed = 0

    def feed(self, line: int, text: str) -> list[LiveItem]:
        item = read_line(line, text, self.tz, self.limits)
        if item is None:
            return []
        text = text.strip()
        if text in self.recent_set:
            return []
        self.recent.append(text)
        self.recent_set.add(text)
        if len(self.recent) > RECENT_LINES:
            self.recent_set.discard(self.recent.popleft())
        if isinstance(item, RowError):
            return [item]
        self.lines_fed += 1
        if self.lines_fed % RECENT_LINES == 0:
            self.machine.forget_calls_before(item.at - dt.timedelta(days=OPEN_CALL_DAYS))
        out: list[LiveItem] = []
        for fact in self.machine.feed(item):
            if isinstance(fact, LineProblem):
                out.append(RowError(fact.line, fact.field, fact.message))
            elif isinstance(fact, AgentChange):
                out.append(
                    AgentStateEvent(
                        line=fact.line,
                        event_id=natural_key("agent.state", fact.agent, fact.at, f"{fact.state}|{fact.cause}"),
                        at=fact.at,
                        agent=fact.agent,
                        state=fact.state,
                        reason=fact.reason,
                        seq=fact.line,
                    )
                )
            else:
                out.append(_contact_event(fact))
        return out


def _contact_event(fact: CallFact) -> ContactEvent:
    call = fact.call
    return ContactEvent(
        line=fact.line,
        event_id=natural_key(f"contact.{fact.kind}", call.external_id, fact.at, f"{fact.agent or ''}|{fact.cause}"),
        kind=fact.kind,
        at=fact.at,
        external_id=call.external_id,
        queue=call.queue or None,
        agent=fact.agent if fact.kind != "enqueued" else None,
        customer_id=call.customer if fact.kind == "enqueued" else None,
        talk_seconds=fact.talk if fact.kind == "ended" else None,
    )
