"""Asterisk ``queue_log``: calls become interactions, agent events activity intervals.

What the lines mean (calls, agent states, field positions) lives in ``asterisk_state``; this
module reads the forms a queue_log comes in and turns the machine's facts into rows.

Versions and forms read (field layouts per ../shared/data/external/queue_log_samples/README.md,
from Asterisk's app_queue.c and the "Queue Logs" documentation):

* the raw pipe file ``time|callid|queue|agent|event|data1|data2…`` of Asterisk 1.4 through
  20+ (FreePBX, Elastix, Issabel...): time in seconds since 1970, or a database timestamp
  local to the center (Wazo/XiVO exports). The 1.4 layout (CONNECT without ringtime,
  ENTERQUEUE without position, COMPLETE* with or without origposition, TRANSFER with four
  fields) and the later ones (BLINDTRANSFER/ATTENDEDTRANSFER of 12+, ATTENDEDTRANSFER's
  six-field LINK form, ENTERQUEUE's caller name of 20.14+) are all read: only the fields
  used (hold, talk, wait, caller id, pause reason) matter and they keep their positions.
* the same table printed by ``psql`` (Wazo's documentation): cells padded with spaces,
  header and ``---+---`` lines, ``data1..data5`` columns.
* the PBXware (Bicom) CSV export of its parsed queue_log table, header
  ``uid,date_time,callid,queue_name,type,event,param1,param2,param3,entpos,expos,htime,ttime,time``
  (the attended transfer's method is lost there; hold and talk remain).

Any other comma-separated file is refused as a whole with the forms above named.
Events that do not change a call or an agent (QUEUESTART, CONFIGRELOAD, DID, OUT*, FULL,
JOINEMPTY, EXITWITHKEY, WITHDRAW, RINGCANCELED...) are counted in one warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from typing import BinaryIO

from .asterisk_state import (
    ABANDONS,
    COMPLETES,
    TRANSFERS,
    AgentChange,
    CallFact,
    LineProblem,
    QueueLogLine,
    QueueLogMachine,
)
from .common import YEARS, CellError, decoded_lines, parse_timestamp
from .limits import Limits, describe, utf8_size
from .rows import ActivityRow, FileUnreadable, InteractionRow, RowError, RowWarning

FIELD_NAMES = ("time", "callid", "queue", "agent", "event")
PBXWARE_HEADER = "uid,date_time,callid,queue_name,type,event,param1,param2,param3,entpos,expos,htime,ttime,time"
_PSQL_RULE = re.compile(r"^[-+\s]+$")
_PSQL_FOOTER = re.compile(r"^\(\d+ rows?\)$")
DATA_FIELDS = 6  # ATTENDEDTRANSFER's LINK form has the most


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


def _oversized(line: int, parts: list[str], limits: Limits) -> RowError | None:
    for i, part in enumerate(parts):
        size = utf8_size(part, limits.field_bytes)
        if size > limits.field_bytes:
            name = FIELD_NAMES[i] if i < len(FIELD_NAMES) else "data"
            return RowError(
                line, name, f"{name} is {describe(size)}, over the limit of {describe(limits.field_bytes)} per field"
            )
    return None


def _make(line: int, parts: list[str], data: list[str], tz) -> QueueLogLine | RowError:
    try:
        at = _time(parts[0], tz)
    except CellError as exc:
        return RowError(line, "time", str(exc))
    agent = "" if parts[3] in ("", "NONE") else parts[3]
    data = data + [""] * (DATA_FIELDS - len(data))
    return QueueLogLine(line, at, parts[1], parts[2], agent, parts[4].upper(), data)


def read_line(line: int, text: str, tz: zoneinfo.ZoneInfo, limits: Limits) -> QueueLogLine | RowError | None:
    """One line of a raw queue_log (or of its psql table); None for a line that holds no event
    (blank, ``#`` comment, the table's header, rule and row count)."""
    text = text.strip()
    if not text or text.startswith("#") or _PSQL_RULE.match(text) or _PSQL_FOOTER.match(text):
        return None
    parts = [part.strip() for part in text.split("|")]
    if len(parts) < 5:
        return RowError(line, "*", "expected time|callid|queue|agent|event|data…")
    if parts[0].lower() == "time" and parts[1].lower() == "callid":
        return None  # psql's header line
    oversized = _oversized(line, parts, limits)
    if oversized is not None:
        return oversized
    return _make(line, parts, parts[5:], tz)


def _pbxware_data(event: str, row: dict[str, str]) -> list[str]:
    """The queue_log data fields a PBXware row stands for (column meanings worked out from
    the rows, see the samples README): the machine then reads every form alike."""
    p1, p2, p3 = row["param1"], row["param2"], row["param3"]
    entpos, expos, htime, ttime = row["entpos"], row["expos"], row["htime"], row["ttime"]
    if event == "ENTERQUEUE":
        return ["", p1, entpos]
    if event == "CONNECT":
        return [htime, p2, p3]
    if event in COMPLETES:
        return [htime, ttime, entpos]
    if event in ABANDONS:
        return [expos, entpos, htime]
    if event == "RINGNOANSWER":
        return [htime]
    if event == "ATTENDEDTRANSFER":  # method and data are not in the export
        return ["", "", htime, ttime, entpos]
    if event in TRANSFERS:
        return [p2, p3, htime, ttime, entpos]
    return [p1, p2, p3]


def _read_pbxware(line: int, text: str, tz, limits: Limits) -> QueueLogLine | RowError | None:
    if not text.strip():
        return None
    try:
        cells = next(csv.reader([text]))
    except csv.Error as exc:
        return RowError(line, "*", f"not a CSV row: {exc}")
    names = PBXWARE_HEADER.split(",")
    if len(cells) != len(names):
        return RowError(line, "*", f"expected {len(names)} columns ({PBXWARE_HEADER}), found {len(cells)}")
    row = dict(zip(names, (c.strip() for c in cells), strict=True))
    parts = [row["date_time"], row["callid"], row["queue_name"], row["type"], row["event"]]
    oversized = _oversized(line, parts + [row[n] for n in names[6:]], limits)
    if oversized is not None:
        return oversized
    return _make(line, parts, _pbxware_data(row["event"].upper(), row), tz)


def read_lines(stream: BinaryIO, tz: zoneinfo.ZoneInfo, limits: Limits) -> Iterator[QueueLogLine | RowError]:
    reader = None
    for line, text, _, problem in decoded_lines(stream, limits):
        if text is None:
            if line == 1:
                raise FileUnreadable("the file is not UTF-8 text")
            yield RowError(line, "*", problem or "the line cannot be read")
            continue
        if reader is None:
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.lower().replace(" ", "") == PBXWARE_HEADER:
                reader = _read_pbxware
                continue
            if "|" not in stripped and "," in stripped:
                raise FileUnreadable(
                    "a comma-separated file, not a queue_log: the importer reads the raw queue_log "
                    "(time|callid|queue|agent|event|data…), its psql table, and the PBXware CSV export "
                    f"(header {PBXWARE_HEADER})"
                )
            reader = read_line
        item = reader(line, text, tz, limits)
        if item is not None:
            yield item


def parse(
    stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None
) -> Iterator[InteractionRow | ActivityRow | RowError | RowWarning]:
    limits = limits or Limits.from_settings()
    machine = QueueLogMachine()
    activity = _Intervals()
    any_line = False
    last_at: dt.datetime | None = None
    for item in read_lines(stream, tz, limits):
        if isinstance(item, RowError):
            yield item
            continue
        any_line = True
        last_at = item.at if last_at is None else max(last_at, item.at)
        for fact in machine.feed(item):
            if isinstance(fact, LineProblem):
                yield RowError(fact.line, fact.field, fact.message)
            elif isinstance(fact, AgentChange):
                yield from activity.change(fact)
            elif fact.kind in ("ended", "abandoned"):
                yield _interaction(fact)
    if not any_line:
        raise FileUnreadable("no queue_log lines found (expected time|callid|queue|agent|event)")
    for call in machine.open_calls():
        yield RowError(call.line, "event", f"call {call.external_id} has no completion event in this file")
    if last_at is not None and activity.open:
        names = ", ".join(f"{agent} ({state})" for agent, (state, *_) in sorted(activity.open.items()))
        yield from activity.close_all(last_at)
        yield RowWarning(
            0, "agent", f"still logged in when the file ends, their last interval ends at its last line: {names}"
        )
    if machine.ignored:
        yield RowWarning(
            0, "event", "events ignored: " + ", ".join(f"{k} ×{v}" for k, v in sorted(machine.ignored.items()))
        )


def _interaction(fact: CallFact) -> InteractionRow:
    call = fact.call
    if fact.kind == "abandoned":
        return InteractionRow(
            line=call.line,
            external_id=call.external_id,
            offered_at=call.entered_at or fact.at - dt.timedelta(seconds=fact.wait or 0),
            queue=call.queue or None,
            customer_id=call.customer,
            ended_at=fact.at,
            outcome="abandoned",
            missed_by=list(call.missed_by),
        )
    talk = fact.talk or 0
    answered_at = call.connected_at or fact.at - dt.timedelta(seconds=talk)
    return InteractionRow(
        line=call.line,
        external_id=call.external_id,
        offered_at=call.entered_at or answered_at - dt.timedelta(seconds=fact.wait or 0),
        queue=call.queue or None,
        agent=fact.agent,
        customer_id=call.customer,
        answered_at=answered_at,
        ended_at=fact.at,
        talk_seconds=talk,
        outcome="answered",
        transferred=fact.transferred,
        missed_by=[m for m in call.missed_by if m != fact.agent],
    )


class _Intervals:
    """Consecutive agent changes as intervals. An interval never starts before the end of the
    agent's previous one, so lines a little out of time order cannot make two overlap."""

    def __init__(self) -> None:
        self.open: dict[str, tuple[str, dt.datetime, int, str]] = {}  # agent -> state, start, line, reason
        self.floor: dict[str, dt.datetime] = {}  # agent -> end of their last interval

    def change(self, fact: AgentChange) -> Iterator[ActivityRow]:
        yield from self._close(fact.agent, fact.at)
        if fact.state != "offline":
            start = max(fact.at, self.floor.get(fact.agent, fact.at))
            self.open[fact.agent] = (fact.state, start, fact.line, fact.reason)

    def close_all(self, at: dt.datetime) -> Iterator[ActivityRow]:
        for agent in list(self.open):
            yield from self._close(agent, at)

    def _close(self, agent: str, at: dt.datetime) -> Iterator[ActivityRow]:
        if agent not in self.open:
            return
        state, start, line, reason = self.open.pop(agent)
        if at > start:
            self.floor[agent] = at
            yield ActivityRow(line=line, agent=agent, state=state, start=start, end=at, reason=reason)
