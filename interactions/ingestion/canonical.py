"""The canonical interactions CSV (ingestion.md §1)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from typing import BinaryIO

from .common import (
    CellError,
    csv_records,
    parse_bool,
    parse_decimal,
    parse_seconds,
    parse_timestamp,
)
from .rows import CHANNELS, OUTCOMES, FileWarning, InteractionRow, RowError

REQUIRED = ("external_id", "offered_at")
COLUMNS = (
    "external_id",
    "channel",
    "queue",
    "interaction_type",
    "agent",
    "customer_id",
    "case_id",
    "initiated_at",
    "offered_at",
    "answered_at",
    "ended_at",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "hold_count",
    "outcome",
    "transferred",
    "resolved",
    "callback_requested",
    "missed_by",
    "cost",
    "transcript",
)
TIMESTAMPS = ("initiated_at", "offered_at", "answered_at", "ended_at")
SECONDS = ("talk_seconds", "hold_seconds", "acw_seconds", "hold_count")
TEXT = ("queue", "interaction_type", "agent", "customer_id", "case_id")


class RowRejected(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def parse(stream: BinaryIO, *, tz: zoneinfo.ZoneInfo) -> Iterator[InteractionRow | RowError | FileWarning]:
    seen: dict[str, int] = {}
    warned = False
    for line, record, unknown in csv_records(stream, required=REQUIRED, known=COLUMNS):
        if unknown and not warned:
            warned = True
            yield FileWarning(f"unknown column(s) ignored: {', '.join(unknown)}")
        if record is None:
            yield RowError(line, "*", "the line is not valid UTF-8 text")
            continue
        if "__unterminated__" in record:
            yield RowError(line, "*", "a quoted field is never closed")
            continue
        try:
            row = _row(line, record, tz)
        except RowRejected as rejected:
            yield RowError(line, rejected.field, rejected.message)
            continue
        first = seen.get(row.external_id)
        if first is not None:
            yield RowError(line, "external_id", f"duplicate external_id {row.external_id}, first seen on line {first}")
            continue
        seen[row.external_id] = line
        yield row


def _cell(record: dict, field: str, parse_fn, *args):
    value = record.get(field, "")
    if value == "":
        return None
    try:
        return parse_fn(value, *args)
    except CellError as exc:
        raise RowRejected(field, f"{field}: {exc}") from None


def _row(line: int, record: dict, tz) -> InteractionRow:
    external_id = record.get("external_id", "")
    if not external_id:
        raise RowRejected("external_id", "external_id is required")
    if not record.get("offered_at"):
        raise RowRejected("offered_at", "offered_at is required")
    times = {f: _cell(record, f, parse_timestamp, tz) for f in TIMESTAMPS}
    numbers = {f: _cell(record, f, parse_seconds) for f in SECONDS}
    channel = (record.get("channel") or "voice").lower()
    if channel not in CHANNELS:
        raise RowRejected("channel", f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    offered, answered, ended = times["offered_at"], times["answered_at"], times["ended_at"]
    outcome = (record.get("outcome") or ("answered" if answered else "abandoned")).lower()
    if outcome not in OUTCOMES:
        raise RowRejected("outcome", f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    if outcome == "answered" and answered is None:
        raise RowRejected("outcome", "outcome answered needs answered_at (when the agent connected)")
    if outcome != "answered" and answered is not None:
        raise RowRejected(
            "outcome",
            f"outcome {outcome} contradicts answered_at ({record['answered_at']}): only answered contacts have one",
        )
    if answered is not None and answered < offered:
        raise RowRejected(
            "answered_at", f"answered_at ({record['answered_at']}) is before offered_at ({record['offered_at']})"
        )
    if ended is not None and ended < (answered or offered):
        other = "answered_at" if answered else "offered_at"
        raise RowRejected("ended_at", f"ended_at ({record['ended_at']}) is before {other} ({record[other]})")
    if times["initiated_at"] is not None and times["initiated_at"] > offered:
        raise RowRejected(
            "initiated_at", f"initiated_at ({record['initiated_at']}) is after offered_at ({record['offered_at']})"
        )
    hold = numbers["hold_seconds"] or 0
    talk = numbers["talk_seconds"]
    if talk is None:
        talk = (
            max(0, round((ended - answered).total_seconds()) - hold)
            if answered is not None and ended is not None
            else 0
        )
    flags = {f: _cell(record, f, parse_bool) for f in ("transferred", "resolved", "callback_requested")}
    return InteractionRow(
        line=line,
        external_id=external_id,
        offered_at=offered,
        channel=channel,
        **{f: record.get(f) or None for f in TEXT},
        initiated_at=times["initiated_at"],
        answered_at=answered,
        ended_at=ended,
        talk_seconds=talk,
        hold_seconds=hold,
        acw_seconds=numbers["acw_seconds"] or 0,
        hold_count=numbers["hold_count"] or 0,
        outcome=outcome,
        transferred=bool(flags["transferred"]),
        resolved=flags["resolved"],
        callback_requested=bool(flags["callback_requested"]),
        missed_by=[m.strip() for m in (record.get("missed_by") or "").split(";") if m.strip()],
        cost=_cell(record, "cost", parse_decimal),
        transcript=record.get("transcript") or "",
    )
