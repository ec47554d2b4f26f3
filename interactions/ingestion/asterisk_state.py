"""What a sequence of Asterisk queue_log lines means: calls and agent states (pure, no I/O).

The batch importer (``asterisk.parse``) and the live feed (``live.asterisk``) both feed
``QueueLogMachine`` one line at a time, so the two read every field the same way. The
machine returns *facts*: a call fact (enqueued, answered, missed, transferred, ended,
abandoned) and an agent change (the agent's state is now X since ``at``). The batch turns
consecutive agent changes into activity intervals and finished calls into interactions; the
live feed turns every fact into an event.

Agent state, from queue_log (one state at a time per agent, so intervals never overlap):

* logged in while an agent login is open (AGENTLOGIN, AGENTCALLBACKLOGIN until the matching
  LOGOFF) or while a member of at least one queue (ADDMEMBER until REMOVEMEMBER). An agent
  the queue rings or connects (RINGNOANSWER, CONNECT) or pauses in a queue is a member of
  that queue from then on: the log may start while they are logged in, and a queue only
  rings its logged-in members.
* on_contact from CONNECT to the call's COMPLETEAGENT/COMPLETECALLER or transfer, whatever
  else happens meanwhile (a member removed during a call is still on it).
* paused while paused in at least one queue (PAUSE until UNPAUSE of that queue, PAUSEALL
  until UNPAUSEALL; ADDMEMBER|PAUSED adds a paused member). Asterisk pauses per queue, a
  contact center's state is per agent: a pause anywhere means the agent stepped away.
  The state is ``pause_state(reason)`` of the latest pause's reason.
* ready otherwise while logged in; offline (no interval) when logged out.

The agent field is the member name as Asterisk logs it: a channel (``PJSIP/7009``), an agent
(``Agent/1127``) or a display name with spaces (``JASON SMITH``); it is never parsed.
Agent-channel systems (PBXware, old chan_agent callback logins) log the agent's queue
membership under its callback channel (``Local/1127@callback-agent`` ADDMEMBER) and, with the
same callid in the same second, the login under the agent (``Agent/1127``): that channel is
then an alias of the agent, not a second agent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .common import MAX_SECONDS

COMPLETES = {"COMPLETEAGENT", "COMPLETECALLER"}
TRANSFERS = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
ABANDONS = {"ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY"}
AGENT_LOGINS = {"AGENTLOGIN", "AGENTCALLBACKLOGIN"}
AGENT_LOGOFFS = {"AGENTLOGOFF", "AGENTCALLBACKLOGOFF"}
# Field positions among the data fields (0 = data1), per event; Asterisk's app_queue.c
# format strings, as listed in the samples README (../shared/data/external/queue_log_samples).
ENTER_CALLERID = 1  # ENTERQUEUE url|callerid[|position[|calleridname]]
CONNECT_HOLD = 0  # CONNECT holdtime|bridged-uniqueid[|ringtime] (no ringtime before 1.6)
ABANDON_WAIT = 2  # ABANDON/EXITWITHTIMEOUT/EXITEMPTY position|origposition|waittime
PAUSE_REASON = 0  # PAUSE/UNPAUSE/PAUSEALL/UNPAUSEALL reason (1.6+)
ADDMEMBER_PAUSED = 0  # ADDMEMBER PAUSED or empty
# (hold, talk) positions of completions; ATTENDEDTRANSFER's LINK form has two channels
WAIT_TALK = {
    "COMPLETEAGENT": (0, 1),  # holdtime|calltime|origposition
    "COMPLETECALLER": (0, 1),
    "TRANSFER": (2, 3),  # exten|context|holdtime|calltime[|origposition] (<= 11)
    "BLINDTRANSFER": (2, 3),  # exten|context|holdtime|calltime|origposition (>= 12)
    "ATTENDEDTRANSFER": (2, 3),  # BRIDGE|bridge or APP|app, then holdtime|calltime|origposition
}
ATTENDED_LINK_WAIT_TALK = (3, 4)  # LINK|chan1|chan2|holdtime|calltime|origposition
# callids that are not a call: the member was changed from the manager interface, the CLI...
NOT_A_CALL = {"", "NONE", "MANAGER", "CLI", "REALTIME"}
# Ended calls remembered (to report a second completion, to number a re-queued call's legs):
# tens of bytes each, bounded for a feed that runs for months.
MAX_ENDED = 200_000
# An agent login pairs with its callback channel's ADDMEMBER within this many seconds.
PAIRING_SECONDS = 2

_PAUSE_WORDS = (("LUNCH", "lunch"), ("BREAK", "break"), ("TRAINING", "training"), ("MEETING", "meeting"))


def pause_state(reason: str) -> str:
    """The activity state of a pause: its reason names lunch, a break, training or a meeting,
    else ``not_ready`` (no reason, "Auto-Pause", "Admin", ...).

    Matched as a word part, case-insensitive, first match in that order: "LUNCHBREAK" and
    "Lunch" are lunch, "Coffee break" is a break, "Team meeting" a meeting. Adherence needs
    these: a scheduled lunch matches a lunch state only. Anything else stays not_ready, the
    safe default (it never counts as adherent to a break by accident).
    """
    letters = re.sub(r"[^A-Z]", "", reason.upper())
    for word, state in _PAUSE_WORDS:
        if word in letters:
            return state
    return "not_ready"


def seconds(value: str) -> int:
    """A duration field: a number of seconds (raises ValueError)."""
    number = float(value or "0")
    if not 0 <= number <= MAX_SECONDS:  # also nan and inf
        raise ValueError(value)
    return round(number)


def wait_talk(event: str, data: list[str]) -> tuple[int, int]:
    wait_i, talk_i = WAIT_TALK[event]
    if event == "ATTENDEDTRANSFER" and data[0].upper() == "LINK":
        wait_i, talk_i = ATTENDED_LINK_WAIT_TALK
    return seconds(data[wait_i]), seconds(data[talk_i])


@dataclass(frozen=True, slots=True)
class QueueLogLine:
    """One queue_log line, whatever form it came in (raw file, psql table, PBXware CSV)."""

    line: int
    at: dt.datetime
    callid: str
    queue: str
    agent: str  # "" for NONE
    event: str  # upper case
    data: list[str]  # at least 6 fields, padded with ""


@dataclass(slots=True)
class Call:
    line: int  # where the call (this leg) first appears
    external_id: str
    queue: str
    entered_at: dt.datetime | None = None
    connected_at: dt.datetime | None = None
    customer: str | None = None
    agent: str | None = None
    missed_by: list[str] = field(default_factory=list)
    first_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class CallFact:
    kind: str  # live.events.CONTACT_KINDS
    line: int
    at: dt.datetime
    call: Call
    agent: str | None = None
    wait: int | None = None
    talk: int | None = None
    transferred: bool = False
    cause: str = ""  # event|callid of the line: with ``at`` it names the fact


@dataclass(frozen=True, slots=True)
class AgentChange:
    line: int
    at: dt.datetime
    agent: str
    state: str
    reason: str
    cause: str  # event|callid|queue of the line: two changes of one second still differ


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    field: str
    message: str


@dataclass(slots=True)
class _Agent:
    agent_login: bool = False
    queues: set[str] = field(default_factory=set)
    paused: set[str] = field(default_factory=set)  # queue names; "*" for PAUSEALL
    pause_reason: str = ""
    calls: set[str] = field(default_factory=set)  # keys of the calls they are connected to
    shown: tuple[str, str] = ("offline", "")
    since: dt.datetime | None = None  # when ``shown`` began

    def state(self) -> tuple[str, str]:
        if self.calls:
            return "on_contact", ""
        if not (self.agent_login or self.queues):
            return "offline", ""
        if self.paused:
            return pause_state(self.pause_reason), self.pause_reason
        return "ready", ""


Fact = CallFact | AgentChange | LineProblem


class QueueLogMachine:
    """Feed it lines in log order; it returns what each line means."""

    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}  # open calls by their key (the callid of their leg)
        self.ended: dict[str, int] = {}  # key -> line of its completion
        self.legs: dict[str, int] = {}  # callid -> number of queue legs started
        self.alias: dict[str, str] = {}  # callid -> the key its later events belong to
        self.agents: dict[str, _Agent] = {}
        self.member_alias: dict[str, str] = {}  # callback channel -> agent
        self.recent_members: dict[str, tuple[str, str, str, dt.datetime]] = {}  # callid -> member, queue, event, at
        self.ignored: dict[str, int] = {}
        self.backdate: dict[str, dt.datetime] = {}  # agent -> when its next change really began

    # -- the one entry point
    def feed(self, ln: QueueLogLine) -> list[Fact]:
        out: list[Fact] = []
        touched: list[str] = []
        try:
            self._apply(ln, out, touched)
        except ValueError:
            out.append(
                LineProblem(
                    ln.line,
                    "data",
                    f"{ln.event}: a duration field is not a number of seconds ({'|'.join(ln.data).rstrip('|')})",
                )
            )
        for name in dict.fromkeys(touched):
            agent = self.agents.get(name)
            if agent is None:
                continue
            now = agent.state()
            if now != agent.shown:
                at = self.backdate.pop(name, ln.at)
                agent.shown, agent.since = now, at
                cause = f"{ln.event}|{ln.callid}|{ln.queue}"
                out.append(AgentChange(ln.line, at, name, now[0], now[1], cause))
        return out

    def open_calls(self) -> list[Call]:
        return list(self.calls.values())

    def open_agents(self) -> list[tuple[str, str]]:
        return [(name, a.shown[0]) for name, a in self.agents.items() if a.shown[0] != "offline"]

    # -- internals
    def _agent(self, name: str) -> _Agent:
        return self.agents.setdefault(name, _Agent())

    def _member(self, agent: _Agent, queue: str) -> None:
        """A member of ``queue`` by implication (rung, connected, paused there)."""
        if queue and queue != "NONE":
            agent.queues.add(queue)

    def _apply(self, ln: QueueLogLine, out: list[Fact], touched: list[str]) -> None:
        event, data, callid = ln.event, ln.data, ln.callid
        name = self.member_alias.get(ln.agent, ln.agent)
        cause = f"{event}|{callid}"
        if event == "ENTERQUEUE":
            call = self._call_for_entry(ln)
            call.entered_at, call.customer = ln.at, data[ENTER_CALLERID] or call.customer
            out.append(CallFact("enqueued", ln.line, ln.at, call, cause=cause))
        elif event == "CONNECT":
            key = self.alias.get(callid, callid)
            if key in self.ended:
                out.append(LineProblem(ln.line, "callid", f"call {key} already ended on line {self.ended[key]}"))
                return
            call = self.calls.get(key) or self._new_call(ln, key)
            wait = seconds(data[CONNECT_HOLD])
            if call.agent and call.agent != name and call.agent in self.agents:
                self.agents[call.agent].calls.discard(key)
                touched.append(call.agent)
            self._derive_entry(call, ln.at - dt.timedelta(seconds=wait), ln, out)
            call.connected_at, call.agent = ln.at, name or None
            if name:
                agent = self._agent(name)
                self._member(agent, ln.queue)
                agent.calls.add(key)
                touched.append(name)
            out.append(CallFact("answered", ln.line, ln.at, call, agent=name or None, wait=wait, cause=cause))
        elif event == "RINGNOANSWER":
            key = self.alias.get(callid, callid)
            if key in self.ended or not name:
                return  # a ring ending after its call did: the contact is already written
            call = self.calls.get(key) or self._new_call(ln, key)
            if name not in call.missed_by:
                call.missed_by.append(name)
            agent = self._agent(name)
            self._member(agent, ln.queue)
            touched.append(name)
            out.append(CallFact("missed", ln.line, ln.at, call, agent=name, cause=cause))
        elif event in COMPLETES or event in TRANSFERS:
            self._complete(ln, name, out, touched)
        elif event in ABANDONS:
            key = self.alias.get(callid, callid)
            if key in self.ended:
                out.append(LineProblem(ln.line, "callid", f"call {key} already ended on line {self.ended[key]}"))
                return
            wait = seconds(data[ABANDON_WAIT])
            call = self._end(key, ln)
            self._derive_entry(call, ln.at - dt.timedelta(seconds=wait), ln, out)
            out.append(CallFact("abandoned", ln.line, ln.at, call, wait=wait, cause=cause))
        elif event in AGENT_LOGINS or event in AGENT_LOGOFFS:
            if not name:
                return
            agent = self._agent(name)
            self._pair_callback_channel(ln, name, agent, touched)
            if event in AGENT_LOGINS:
                agent.agent_login = True
            else:  # the agent's channel is gone: no membership or pause outlives it
                agent.agent_login = False
                agent.queues.clear()
                agent.paused.clear()
            touched.append(name)
        elif event in ("ADDMEMBER", "REMOVEMEMBER"):
            if not name:
                return
            agent = self._agent(name)
            if event == "ADDMEMBER":
                agent.queues.add(ln.queue)
                if data[ADDMEMBER_PAUSED].upper() == "PAUSED":
                    agent.paused.add(ln.queue)
            else:
                agent.queues.discard(ln.queue)
                agent.paused.discard(ln.queue)
            if callid not in NOT_A_CALL and name == ln.agent:
                self._remember_member(callid, name, ln)
            touched.append(name)
        elif event in ("PAUSE", "PAUSEALL"):
            if not name:
                return
            agent = self._agent(name)
            if event == "PAUSE":
                self._member(agent, ln.queue)
            agent.paused.add(ln.queue if event == "PAUSE" and ln.queue != "NONE" else "*")
            agent.pause_reason = data[PAUSE_REASON]
            touched.append(name)
        elif event in ("UNPAUSE", "UNPAUSEALL"):
            if not name or name not in self.agents:
                return
            agent = self.agents[name]
            if event == "UNPAUSEALL" or ln.queue in ("", "NONE"):
                agent.paused.clear()
            else:
                agent.paused.discard(ln.queue)
                if agent.paused == {"*"}:  # per-queue unpauses after a PAUSEALL end it too
                    agent.paused.clear()
            touched.append(name)
        else:
            self.ignored[event] = self.ignored.get(event, 0) + 1

    def _derive_entry(self, call: Call, at: dt.datetime, ln: QueueLogLine, out: list[Fact]) -> None:
        """A call whose ENTERQUEUE was not seen (the log, or the feed, started after it) is
        back-dated from its wait, as ../shared/spec/ingestion.md asks."""
        if call.entered_at is None:
            call.entered_at = at
            out.append(CallFact("enqueued", ln.line, at, call, cause=f"{ln.event}|{ln.callid}|derived"))

    def forget_calls_before(self, at: dt.datetime) -> None:
        """Drop open calls first seen before ``at`` (a long-running feed whose log lost their end)."""
        for key in [k for k, c in self.calls.items() if c.first_at is not None and c.first_at < at]:
            del self.calls[key]

    def _new_call(self, ln: QueueLogLine, key: str) -> Call:
        legs = self.legs.get(key, 1)
        call = Call(ln.line, key if legs == 1 else f"{key}#{legs}", ln.queue, first_at=ln.at)
        self.calls[key] = call
        return call

    def _call_for_entry(self, ln: QueueLogLine) -> Call:
        key = self.alias.get(ln.callid, ln.callid)
        if key in self.calls:
            return self.calls[key]
        if key in self.ended:
            # The same channel queued again (overflow to another queue, a transfer back to a
            # queue): a new leg, a contact of its own.
            del self.ended[key]
            self.legs[key] = self.legs.get(key, 1) + 1
            if len(self.legs) > MAX_ENDED:
                del self.legs[next(iter(self.legs))]
        return self._new_call(ln, key)

    def _end(self, key: str, ln: QueueLogLine) -> Call:
        call = self.calls.pop(key, None) or Call(ln.line, self._leg_id(key), ln.queue)
        self.ended[key] = ln.line
        if len(self.ended) > MAX_ENDED:  # oldest first: a call ended that long ago is not seen again
            del self.ended[next(iter(self.ended))]
        for callid in [c for c, k in self.alias.items() if k == key]:
            del self.alias[callid]
        return call

    def _leg_id(self, key: str) -> str:
        legs = self.legs.get(key, 1)
        return key if legs == 1 else f"{key}#{legs}"

    def _complete(self, ln: QueueLogLine, name: str, out: list[Fact], touched: list[str]) -> None:
        event = ln.event
        key = self.alias.get(ln.callid, ln.callid)
        transfer = event in TRANSFERS
        waiting: str | None = None
        if transfer and name and name in self.agents:
            own = self.agents[name].calls
            if key not in own and len(own) == 1:
                # Asterisk 20 (issue #759) logs an attended transfer under the consultation
                # call's id: the call transferred is the one the agent is connected to, and
                # the consultation call waiting in a queue is where the caller goes next.
                (mine,) = own
                if key in self.calls and self.calls[key].connected_at is None:
                    waiting = key
                key = mine
        if key in self.ended:
            out.append(LineProblem(ln.line, "callid", f"call {key} already ended on line {self.ended[key]}"))
            return
        wait, talk = wait_talk(event, ln.data)
        call = self._end(key, ln)
        agent_name = call.agent or name or None
        if call.connected_at is None:  # no CONNECT seen: back-dated from the talk time
            answered_at = ln.at - dt.timedelta(seconds=talk)
            self._derive_entry(call, answered_at - dt.timedelta(seconds=wait), ln, out)
            call.connected_at, call.agent = answered_at, agent_name
            out.append(CallFact("answered", ln.line, answered_at, call, agent=agent_name, wait=wait, cause="derived"))
        for who in {agent_name, name} - {None, ""}:
            if who in self.agents:
                self.agents[who].calls.discard(key)
                touched.append(who)
        if waiting is not None:
            self.calls[waiting].customer = call.customer or self.calls[waiting].customer
            self.alias[key] = waiting
        cause = f"{event}|{ln.callid}"
        if transfer:
            out.append(CallFact("transferred", ln.line, ln.at, call, agent=agent_name, cause=cause))
        out.append(
            CallFact(
                "ended", ln.line, ln.at, call, agent=agent_name, wait=wait, talk=talk, transferred=transfer, cause=cause
            )
        )

    def _remember_member(self, callid: str, name: str, ln: QueueLogLine) -> None:
        if len(self.recent_members) > 1000:  # only the last seconds matter
            self.recent_members = {
                c: v for c, v in self.recent_members.items() if (ln.at - v[3]).total_seconds() <= PAIRING_SECONDS
            }
        self.recent_members[callid] = (name, ln.queue, ln.event, ln.at)

    def _pair_callback_channel(self, ln: QueueLogLine, name: str, agent: _Agent, touched: list[str]) -> None:
        recent = self.recent_members.pop(ln.callid, None)
        if recent is None or recent[0] == name or abs((ln.at - recent[3]).total_seconds()) > PAIRING_SECONDS:
            return
        channel, queue, event, _ = recent
        self.member_alias[channel] = name
        ghost = self.agents.pop(channel, None)
        if ghost is not None:
            agent.queues |= ghost.queues
            agent.paused |= ghost.paused
            if ghost.shown[0] != "offline" and ghost.since is not None:
                # the channel showed as an agent for an instant: end it where it began, and
                # the agent is logged in since then (Asterisk counts the login time from it)
                self.agents[channel] = _Agent(shown=ghost.shown, since=ghost.since)
                self.backdate[channel] = ghost.since
                if agent.shown[0] == "offline":
                    self.backdate[name] = ghost.since
                touched.append(channel)
        if event == "ADDMEMBER":
            agent.queues.add(queue)
