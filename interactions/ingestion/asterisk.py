"""Asterisk ``queue_log`` (pipe-separated): calls become interactions, agent events activity.

Field meanings follow the Asterisk "Queue Logs" documentation:
ENTERQUEUE(url|callerid|position), CONNECT(holdtime|bridgedchanneluniqueid|ringtime),
COMPLETEAGENT/COMPLETECALLER(holdtime|calltime|origposition),
ABANDON/EXITWITHTIMEOUT/EXITEMPTY(position|origposition|waittime),
TRANSFER/BLINDTRANSFER(extension|context|holdtime|calltime|origposition),
ATTENDEDTRANSFER(method|data|holdtime|calltime|origposition), RINGNOANSWER(ringtime ms).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .common import MAX_SECONDS, YEARS, CellError, decoded_lines, parse_timestamp
from .limits import Limits, describe, utf8_size
from .rows import ActivityRow, FileUnreadable, InteractionRow, RowError, RowWarning

COMPLETIONS = {"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
ABANDONS = {"ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY"}
TRANSFERS = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
LOGINS = {"AGENTLOGIN", "ADDMEMBER"}
LOGOFFS = {"AGENTLOGOFF", "REMOVEMEMBER"}
# where holdtime and calltime sit among data fields, per completion event
WAIT_TALK = {
    "COMPLETEAGENT": (0, 1),
    "COMPLETECALLER": (0, 1),
    "TRANSFER": (2, 3),
    "BLINDTRANSFER": (2, 3),
    "ATTENDEDTRANSFER": (2, 3),
}


@dataclass
class _Call:
    line: int
    queue: str
    entered_at: dt.datetime | None = None
    connected_at: dt.datetime | None = None
    customer: str | None = None
    missed_by: list[str] = field(default_factory=list)


def _time(value: str, tz) -> dt.datetime:
    try:
        epoch = float(value)
    except ValueError:
        return parse_timestamp(value, tz)  # a database timestamp (Wazo/XiVO exports)
    try:
        at = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):  # nan, inf, or beyond year 9999
        raise CellError(f"{value!r} is not a time (seconds since 1970)") from None
    if not YEARS[0] <= at.year <= YEARS[1]:
        raise CellError(f"{value} is outside the years {YEARS[0]}-{YEARS[1]}")
    return at


def _int(value: str) -> int:
    number = float(value)
    if not 0 <= number <= MAX_SECONDS:  # also nan and inf
        raise ValueError(value)
    return round(number)


def parse(
    stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None
) -> Iterator[InteractionRow | ActivityRow | RowError | RowWarning]:
    limits = limits or Limits.from_settings()
    calls: dict[str, _Call] = {}
    # agent -> (state, since, line); an open ready/not_ready interval
    sessions: dict[str, tuple[str, dt.datetime, int, str]] = {}
    ignored: dict[str, int] = {}
    ended: dict[str, int] = {}  # callid -> line of its completion: a second one is an error
    any_line = False
    for line, text, _, problem in decoded_lines(stream, limits):
        if text is None:
            if line == 1:
                raise FileUnreadable("the file is not UTF-8 text")
            yield RowError(line, "*", problem or "the line cannot be read")
            continue
        text = text.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split("|")
        if len(parts) < 5:
            yield RowError(line, "*", "expected time|callid|queue|agent|event|data…")
            continue
        oversized = _oversized(line, parts, limits)
        if oversized is not None:
            yield oversized
            continue
        any_line = True
        stamp, callid, queue, agent, event, data = (parts[0], parts[1], parts[2], parts[3], parts[4].upper(), parts[5:])
        try:
            at = _time(stamp, tz)
        except CellError as exc:
            yield RowError(line, "time", str(exc))
            continue
        agent = "" if agent in ("", "NONE") else agent
        data += [""] * (5 - len(data))
        try:
            if event == "ENTERQUEUE":
                call = calls.setdefault(callid, _Call(line, queue))
                call.entered_at, call.customer = at, data[1] or None
            elif event == "CONNECT":
                call = calls.setdefault(callid, _Call(line, queue))
                call.connected_at = at
            elif event == "RINGNOANSWER":
                if agent:
                    calls.setdefault(callid, _Call(line, queue)).missed_by.append(agent)
            elif (event in COMPLETIONS or event in ABANDONS) and callid in ended:
                yield RowError(line, "callid", f"call {callid} already ended on line {ended[callid]}")
            elif event in COMPLETIONS:
                ended[callid] = line
                call = calls.pop(callid) if callid in calls else _Call(line, queue)
                wait_i, talk_i = WAIT_TALK[event]
                wait, talk = _int(data[wait_i] or "0"), _int(data[talk_i] or "0")
                answered_at = call.connected_at or at - dt.timedelta(seconds=talk)
                offered_at = call.entered_at or answered_at - dt.timedelta(seconds=wait)
                yield InteractionRow(
                    line=call.line,
                    external_id=callid,
                    offered_at=offered_at,
                    queue=queue or call.queue or None,
                    agent=agent or None,
                    customer_id=call.customer,
                    answered_at=answered_at,
                    ended_at=at,
                    talk_seconds=talk,
                    outcome="answered",
                    transferred=event in TRANSFERS,
                    missed_by=[m for m in call.missed_by if m != agent],
                )
            elif event in ABANDONS:
                ended[callid] = line
                call = calls.pop(callid) if callid in calls else _Call(line, queue)
                wait = _int(data[2] or "0")
                offered_at = call.entered_at or at - dt.timedelta(seconds=wait)
                yield InteractionRow(
                    line=call.line,
                    external_id=callid,
                    offered_at=offered_at,
                    queue=queue or call.queue or None,
                    customer_id=call.customer,
                    ended_at=at,
                    outcome="abandoned",
                    missed_by=call.missed_by,
                )
            elif event in LOGINS and agent:
                if agent not in sessions:
                    sessions[agent] = ("ready", at, line, "")
            elif event in LOGOFFS and agent:
                if agent in sessions:
                    yield from _close(sessions.pop(agent), agent, at)
            elif event == "PAUSE" and agent:
                if agent in sessions:
                    yield from _close(sessions[agent], agent, at)
                sessions[agent] = ("not_ready", at, line, data[0])
            elif event == "UNPAUSE" and agent:
                if agent in sessions:
                    yield from _close(sessions[agent], agent, at)
                sessions[agent] = ("ready", at, line, "")
            else:
                ignored[event] = ignored.get(event, 0) + 1
        except (ValueError, OverflowError):
            yield RowError(line, "data", f"{event}: a duration field is not a number of seconds ({'|'.join(data)})")
    if not any_line:
        raise FileUnreadable("no queue_log lines found (expected time|callid|queue|agent|event)")
    for callid, call in calls.items():
        yield RowError(call.line, "event", f"call {callid} has no completion event in this file")
    if ignored:
        yield RowWarning(0, "event", "events ignored: " + ", ".join(f"{k} ×{v}" for k, v in sorted(ignored.items())))


FIELD_NAMES = ("time", "callid", "queue", "agent", "event")


def _oversized(line: int, parts: list[str], limits: Limits) -> RowError | None:
    for i, part in enumerate(parts):
        size = utf8_size(part, limits.field_bytes)
        if size > limits.field_bytes:
            name = FIELD_NAMES[i] if i < len(FIELD_NAMES) else "data"
            return RowError(
                line, name, f"{name} is {describe(size)}, over the limit of {describe(limits.field_bytes)} per field"
            )
    return None


def _close(session, agent: str, at: dt.datetime) -> Iterator[ActivityRow]:
    state, since, line, reason = session
    if at > since:
        yield ActivityRow(line=line, agent=agent, state=state, start=since, end=at, reason=reason)
