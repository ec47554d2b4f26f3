"""Amazon Connect contact trace records, format 2017-03-10 (JSON, JSON array or JSON lines).

Read as a stream in bounded memory: JSON lines one line at a time, anything else (a JSON
array, one object, objects one after another as Kinesis Firehose writes them) through
ijson's event parser, building one contact record at a time and refusing any record over
``Limits.line_bytes`` before it is built. ``line`` is the line number for JSON lines and
the record's position (1st, 2nd, ...) otherwise.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import shutil
import tempfile
import zoneinfo
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import ijson
from ijson.common import ObjectBuilder

from .common import MAX_SECONDS, CellError, decoded_lines, parse_timestamp
from .limits import Limits, describe, utf8_size
from .rows import FileUnreadable, InteractionRow, RowError, RowWarning

CHANNELS = {"VOICE": "voice", "CHAT": "chat", "EMAIL": "email"}
# Versions of one ContactId are merged among this many held contacts (in first-seen order);
# a version arriving later than that is imported as it comes, and the upsert keeps the one
# with the latest LastUpdateTimestamp. More than services.BATCH_SIZE, so two versions of one
# contact never share a batch (test_ingestion_limits checks it).
HOLD_ROWS = 10_000
MAX_DEPTH = 32  # contact records nest 3 levels; deeper input is not a contact record
_WHITESPACE = b" \t\r\n"


@dataclass(frozen=True, slots=True)
class _Bad:
    """A record that cannot be read, and why."""

    reason: str


def _seekable(stream: BinaryIO) -> BinaryIO:
    if stream.seekable():
        return stream
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    shutil.copyfileobj(stream, spooled)
    spooled.seek(0)
    return spooled  # type: ignore[return-value]


def _first_byte(stream: BinaryIO) -> bytes:
    """The first byte that is not whitespace or the UTF-8 BOM; the stream is left where it was."""
    start = stream.tell()
    first = b""
    skipped_bom = False
    while not first:
        chunk = stream.read(64 * 1024)
        if not chunk:
            break
        if not skipped_bom:
            chunk, skipped_bom = chunk.removeprefix(b"\xef\xbb\xbf"), True
        stripped = chunk.lstrip(_WHITESPACE)
        first = stripped[:1]
    stream.seek(start)
    return first


def _records(stream: BinaryIO, limits: Limits) -> Iterator[tuple[int, object]]:
    """(line or record number, parsed JSON or why it cannot be read) per contact record."""
    stream = _seekable(stream)
    first = _first_byte(stream)
    if not first:
        raise FileUnreadable("the file is empty")
    if first == b"{" and _first_line_is_json(stream, limits):
        yield from _json_lines(stream, limits)
    elif first in (b"{", b"["):
        yield from _json_values(stream, limits, array=first == b"[")
    else:
        raise FileUnreadable("not JSON, a JSON array or JSON lines: the file does not start with { or [")


def _first_line_is_json(stream: BinaryIO, limits: Limits) -> bool:
    start = stream.tell()
    line = next((li for li in decoded_lines(stream, limits) if li.text is None or li.text.strip()), None)
    stream.seek(start)
    if line is None or line.text is None:
        return False
    try:
        return isinstance(json.loads(line.text), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _json_lines(stream: BinaryIO, limits: Limits) -> Iterator[tuple[int, object]]:
    for number, text, _, problem in decoded_lines(stream, limits):
        if text is None:
            yield number, _Bad(problem or "the line cannot be read")
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text)
            oversized = _oversized_field(record, limits)
        except json.JSONDecodeError as exc:
            yield number, _Bad(f"not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        except RecursionError:  # json and the field check recurse per level of nesting
            yield number, _Bad(f"nested deeper than {MAX_DEPTH} levels")
            continue
        yield number, _Bad(oversized) if oversized else record


def _oversized_field(record: object, limits: Limits, path: str = "") -> str | None:
    if isinstance(record, str):
        size = utf8_size(record, limits.field_bytes)
        if size > limits.field_bytes:
            return f"{path or 'value'} is {describe(size)}, over the limit of {describe(limits.field_bytes)} per field"
    elif isinstance(record, dict):
        for key, value in record.items():
            found = _oversized_field(value, limits, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(record, list):
        for value in record:
            found = _oversized_field(value, limits, path)
            if found:
                return found
    return None


def _json_values(stream: BinaryIO, limits: Limits, *, array: bool) -> Iterator[tuple[int, object]]:
    """Records of a JSON array (array=True) or of top-level JSON values one after another."""
    level = 1 if array else 0  # the depth at which a contact record starts
    depth = 0
    number = 0
    builder: ObjectBuilder | None = None
    size = 0
    refused = ""
    path: list[str] = []
    start = stream.tell()
    if stream.read(3) != codecs.BOM_UTF8:  # the JSON parser takes no byte-order mark
        stream.seek(start)
    events = ijson.basic_parse(stream, multiple_values=not array, use_float=True)
    try:
        for event, value in events:
            # the brackets of the array itself
            if array and depth == 0 and event == "start_array":
                depth = 1
                continue
            if array and depth == 1 and event == "end_array":
                depth = 0
                continue
            if depth == level:  # a record starts
                number += 1
                builder, size, refused, path = ObjectBuilder(), 0, "", []
            if event in ("start_map", "start_array"):
                depth += 1
                path.append("")
                if depth - level > MAX_DEPTH and not refused:
                    refused = f"contact record {number} is nested deeper than {MAX_DEPTH} levels"
            elif event in ("end_map", "end_array"):
                depth -= 1
                path.pop()
            elif event == "map_key":
                path[-1] = value
                size += len(value)
            elif event == "string":
                field_size = utf8_size(value, limits.field_bytes)
                size += field_size
                if field_size > limits.field_bytes and not refused:
                    name = ".".join(p for p in path if p) or "value"
                    refused = (
                        f"{name} is {describe(field_size)}, over the limit of {describe(limits.field_bytes)} per field"
                    )
            else:
                size += 8
            if size > limits.line_bytes and not refused:
                refused = f"contact record {number} is over the limit of {describe(limits.line_bytes)} per record"
            if refused:
                builder = None  # stop building: memory stays bounded whatever the record's size
            elif builder is not None:
                builder.event(event, value)
            if depth == level:  # the record is complete
                yield number, _Bad(refused) if refused else (builder.value if builder is not None else None)
                builder = None
    except ijson.JSONError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "not valid JSON"
        if number <= 1 and builder is not None:  # not even the first record is JSON
            raise FileUnreadable(f"not JSON, a JSON array or JSON lines: {reason}") from None
        yield max(number, 1), _Bad(f"not valid JSON from here on ({reason}); the records after it could not be read")


def parse(
    stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None
) -> Iterator[InteractionRow | RowError | RowWarning]:
    limits = limits or Limits.from_settings()
    # The same ContactId may arrive several times: keep the latest LastUpdateTimestamp.
    held: OrderedDict[str, InteractionRow] = OrderedDict()
    for number, record in _records(stream, limits):
        if isinstance(record, _Bad):
            yield RowError(number, "*", record.reason)
            continue
        warnings: list[RowWarning] = []
        try:
            row = _row(number, record, tz, warnings)
        except _Rejected as exc:
            yield RowError(number, exc.field, exc.message)
            continue
        yield from warnings
        kept = held.get(row.external_id)
        if kept is not None:
            if _version(row) >= _version(kept):
                held[row.external_id] = row  # keeps its place in the order
            continue
        held[row.external_id] = row
        if len(held) > HOLD_ROWS:
            yield held.popitem(last=False)[1]
    yield from held.values()


def _version(row: InteractionRow) -> dt.datetime:
    return row.source_updated_at or dt.datetime.min.replace(tzinfo=dt.UTC)


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
    except (TypeError, ValueError, OverflowError):
        raise _Rejected(key, f"{key} {value!r} is not a number of seconds") from None
    if seconds < 0:
        raise _Rejected(key, f"{key} {value} is negative")
    if seconds > MAX_SECONDS:
        raise _Rejected(key, f"{key} {value} is more than {MAX_SECONDS} seconds")
    return seconds


def _section(record: dict, key: str) -> dict:
    value = record.get(key)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise _Rejected(key, f"{key} must be a JSON object")
    return value


def _text(section: dict, key: str) -> str | None:
    value = section.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        raise _Rejected(key, f"{key} must be text")
    return str(value)


def _row(number: int, record: object, tz, warnings: list[RowWarning]) -> InteractionRow:
    if not isinstance(record, dict):
        raise _Rejected("*", "a contact record must be a JSON object")
    contact_id = record.get("ContactId")
    if not contact_id:
        raise _Rejected("ContactId", "ContactId is missing")
    if isinstance(contact_id, (dict, list)):
        raise _Rejected("ContactId", "ContactId must be text")
    channel = CHANNELS.get(str(record.get("Channel", "VOICE")).upper())
    if channel is None:
        raise _Rejected("Channel", f"Channel {record.get('Channel')!r} is not supported (VOICE, CHAT, EMAIL)")
    agent, queue = _section(record, "Agent"), _section(record, "Queue")
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
        try:
            offered = enqueued or connected - dt.timedelta(seconds=wait)
            if enqueued is not None and queue.get("Duration") is not None:
                # Queue.Duration is the wait by definition; keep answered − offered equal to it
                offered = connected - dt.timedelta(seconds=wait)
        except OverflowError:
            raise _Rejected("Queue.Duration", f"Queue.Duration {wait} reaches before year 1") from None
    elif enqueued is not None:
        outcome = "abandoned"
        offered = enqueued
        ended = _ts(record, "Queue.DequeueTimestamp", tz) or disconnected
    else:
        outcome, offered, ended = "deflected", initiated, disconnected
    if ended is not None and ended < (connected or offered):
        warnings.append(
            RowWarning(number, "DisconnectTimestamp", "the contact ends before it was answered or queued: left out")
        )
        ended = None
    customer = _text(_section(record, "CustomerEndpoint"), "Address")
    return InteractionRow(
        line=number,
        external_id=str(contact_id),
        offered_at=offered,
        channel=channel,
        queue=_text(queue, "Name"),
        agent=_text(agent, "Username"),
        customer_id=customer,
        # offered is derived (connected − Queue.Duration, rounded): a second's disagreement
        # with InitiationTimestamp is rounding, not bad data.
        initiated_at=min(initiated, offered),
        answered_at=connected,
        ended_at=ended,
        talk_seconds=_seconds(agent, "AgentInteractionDuration"),
        hold_seconds=_seconds(agent, "CustomerHoldDuration"),
        acw_seconds=_seconds(agent, "AfterContactWorkDuration"),
        hold_count=_seconds(agent, "NumberOfHolds"),
        outcome=outcome,
        transferred=bool(record.get("TransferCompletedTimestamp")),
        source_updated_at=_ts(record, "LastUpdateTimestamp", tz),
    )
