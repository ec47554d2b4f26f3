"""The canonical interactions CSV (ingestion.md §1)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from typing import BinaryIO

from .common import (
    MAX_SECONDS,
    CellError,
    csv_records,
    parse_bool,
    parse_decimal,
    parse_seconds,
    parse_timestamp,
)
from .limits import Limits
from .rows import CHANNELS, OUTCOMES, InteractionRow, RowError, RowWarning

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


def parse(
    stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None
) -> Iterator[InteractionRow | RowError | RowWarning]:
    """The per-row reader: the reference for every message. Imports go through
    ``columnar.parse_interactions``, which hands it every row it cannot prove plain."""
    checker = RowChecker(tz)
    for item in csv_records(stream, required=REQUIRED, known=COLUMNS, limits=limits):
        if not isinstance(item, tuple):
            yield item
            continue
        yield from checker.check(*item)


class RowChecker:
    """Turns one CSV record into a row (and its warnings) or an error; remembers the
    external ids seen so far, to reject a second row of a contact within the file."""

    def __init__(self, tz: zoneinfo.ZoneInfo):
        self.tz = tz
        self.seen: dict[str, int] = {}

    def check(self, line: int, record: dict[str, str]) -> list[InteractionRow | RowError | RowWarning]:
        warnings: list[RowWarning] = []
        try:
            row = _row(line, record, self.tz, warnings)
        except RowRejected as rejected:
            return [RowError(line, rejected.field, rejected.message)]
        first = self.seen.get(row.external_id)
        if first is not None:
            return [
                RowError(line, "external_id", f"duplicate external_id {row.external_id}, first seen on line {first}")
            ]
        self.seen[row.external_id] = line
        return [*warnings, row]


def _cell(record: dict, field: str, parse_fn, *args):
    value = record.get(field, "")
    if value == "":
        return None
    try:
        return parse_fn(value, *args)
    except CellError as exc:
        raise RowRejected(field, f"{field}: {exc}") from None


def _row(line: int, record: dict, tz, warnings: list[RowWarning]) -> InteractionRow:
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
    # The spec's checks reject the row: answered_at ≥ offered_at, ended_at ≥ answered_at (and an
    # unanswered contact cannot end before it was offered).
    if ended is not None and ended < (answered or offered):
        other = "answered_at" if answered else "offered_at"
        raise RowRejected("ended_at", f"ended_at ({record['ended_at']}) is before {other} ({record[other]})")
    # initiated_at is outside the spec's checks: when two systems' clocks disagree (a VRU entry a
    # minute after the queue entry), the contact lands without it and the summary says so.
    initiated = times["initiated_at"]
    if initiated is not None and initiated > offered:
        warnings.append(
            RowWarning(
                line,
                "initiated_at",
                f"initiated_at ({record['initiated_at']}) is after offered_at ({record['offered_at']}): left out",
            )
        )
        initiated = None
    hold = numbers["hold_seconds"] or 0
    talk = numbers["talk_seconds"]
    if talk is None:
        talk = (
            max(0, round((ended - answered).total_seconds()) - hold)
            if answered is not None and ended is not None
            else 0
        )
        if talk > MAX_SECONDS:
            raise RowRejected("ended_at", f"ended_at ({record['ended_at']}) is over 22 years after answered_at")
    flags = {f: _cell(record, f, parse_bool) for f in ("transferred", "resolved", "callback_requested")}
    return InteractionRow(
        line=line,
        external_id=external_id,
        offered_at=offered,
        channel=channel,
        **{f: record.get(f) or None for f in TEXT},  # type: ignore[arg-type]  # the TEXT fields are str | None
        initiated_at=initiated,
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
