"""Amazon Connect contact trace records, format 2017-03-10 (JSON, JSON array or JSON lines)."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from typing import BinaryIO

from .common import CellError, parse_timestamp
from .rows import FileUnreadable, InteractionRow, RowError

CHANNELS = {"VOICE": "voice", "CHAT": "chat", "EMAIL": "email"}


def _records(stream: BinaryIO) -> Iterator[tuple[int, object]]:
    """(line or record number, parsed JSON or an error message) per contact record."""
    data = stream.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileUnreadable("the file is not UTF-8 text") from None
    if not text.strip():
        raise FileUnreadable("the file is empty")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        yield 1, whole
        return
    if isinstance(whole, list):
        yield from enumerate(whole, start=1)
        return
    parsed_any = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
            parsed_any = True
        except json.JSONDecodeError as exc:
            if not parsed_any and number == 1:
                raise FileUnreadable(
                    f"not JSON, a JSON array or JSON lines: {exc.msg} (line 1, column {exc.colno})"
                ) from None
            yield number, f"not valid JSON: {exc.msg} (column {exc.colno})"


def parse(stream: BinaryIO, *, tz: zoneinfo.ZoneInfo) -> Iterator[InteractionRow | RowError]:
    # The same ContactId may arrive several times: keep the latest LastUpdateTimestamp.
    latest: dict[str, tuple[dt.datetime, InteractionRow]] = {}
    for number, record in _records(stream):
        if isinstance(record, str):
            yield RowError(number, "*", record)
            continue
        try:
            row = _row(number, record, tz)
        except _Rejected as exc:
            yield RowError(number, exc.field, exc.message)
            continue
        version = row.source_updated_at or dt.datetime.min.replace(tzinfo=dt.UTC)
        kept = latest.get(row.external_id)
        if kept is None or version >= kept[0]:
            latest[row.external_id] = (version, row)
    for _, row in sorted(latest.values(), key=lambda item: item[1].line):
        yield row


class _Rejected(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _ts(record: dict, path: str, tz) -> dt.datetime | None:
    node: object = record
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None or node == "":
        return None
    try:
        return parse_timestamp(str(node).replace("Z", "+00:00"), tz)
    except CellError as exc:
        raise _Rejected(path, f"{path}: {exc}") from None


def _required_ts(record: dict, path: str, tz) -> dt.datetime:
    value = _ts(record, path, tz)
    if value is None:
        raise _Rejected(path, f"{path} is missing")
    return value


def _seconds(section: dict, key: str) -> int:
    value = section.get(key)
    if value is None or value == "":
        return 0
    try:
        seconds = round(float(value))
    except (TypeError, ValueError):
        raise _Rejected(key, f"{key} {value!r} is not a number of seconds") from None
    if seconds < 0:
        raise _Rejected(key, f"{key} {value} is negative")
    return seconds


def _row(number: int, record: object, tz) -> InteractionRow:
    if not isinstance(record, dict):
        raise _Rejected("*", "a contact record must be a JSON object")
    contact_id = record.get("ContactId")
    if not contact_id:
        raise _Rejected("ContactId", "ContactId is missing")
    channel = CHANNELS.get(str(record.get("Channel", "VOICE")).upper())
    if channel is None:
        raise _Rejected("Channel", f"Channel {record.get('Channel')!r} is not supported (VOICE, CHAT, EMAIL)")
    agent = record.get("Agent") or {}
    queue = record.get("Queue") or {}
    initiated = _required_ts(record, "InitiationTimestamp", tz)
    enqueued = _ts(record, "Queue.EnqueueTimestamp", tz)
    connected = _ts(record, "Agent.ConnectedToAgentTimestamp", tz)
    disconnected = _ts(record, "DisconnectTimestamp", tz)
    if connected is not None:
        outcome = "answered"
        # The agent's conversation ends when after-contact work starts; the customer may
        # stay connected to a third party after a transfer (DisconnectTimestamp).
        ended = _ts(record, "Agent.AfterContactWorkStartTimestamp", tz) or disconnected
        wait = _seconds(queue, "Duration")
        offered = enqueued or connected - dt.timedelta(seconds=wait)
        if enqueued is not None and queue.get("Duration") is not None:
            # Queue.Duration is the wait by definition; keep answered − offered equal to it
            offered = connected - dt.timedelta(seconds=wait)
    elif enqueued is not None:
        outcome = "abandoned"
        offered = enqueued
        ended = _ts(record, "Queue.DequeueTimestamp", tz) or disconnected
    else:
        outcome, offered, ended = "deflected", initiated, disconnected
    customer = (record.get("CustomerEndpoint") or {}).get("Address")
    return InteractionRow(
        line=number,
        external_id=str(contact_id),
        offered_at=offered,
        channel=channel,
        queue=queue.get("Name") or None,
        agent=agent.get("Username") or None,
        customer_id=customer or None,
        initiated_at=min(initiated, offered),
        answered_at=connected,
        ended_at=ended if ended is None or ended >= (connected or offered) else None,
        talk_seconds=_seconds(agent, "AgentInteractionDuration"),
        hold_seconds=_seconds(agent, "CustomerHoldDuration"),
        acw_seconds=_seconds(agent, "AfterContactWorkDuration"),
        hold_count=_seconds(agent, "NumberOfHolds"),
        outcome=outcome,
        transferred=bool(record.get("TransferCompletedTimestamp")),
        source_updated_at=_ts(record, "LastUpdateTimestamp", tz),
    )
