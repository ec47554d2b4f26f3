"""Agent activity and schedule CSVs (ingestion.md §2, §3): agent, state|activity, start, end."""

from __future__ import annotations

import bisect
import zoneinfo
from collections.abc import Iterator
from typing import BinaryIO

from .common import CellError, csv_records, parse_timestamp
from .limits import Limits
from .rows import (
    ACTIVITY_STATES,
    SCHEDULE_ACTIVITIES,
    ActivityRow,
    RowError,
    RowWarning,
    ScheduleRow,
)


def _intervals(
    stream: BinaryIO,
    tz,
    *,
    kind_field: str,
    allowed: tuple[str, ...],
    extra: tuple[str, ...],
    check_overlaps: bool,
    limits: Limits | None,
):
    required = ("agent", kind_field, "start", "end")
    seen: dict[tuple[str, object], int] = {}
    # per agent: sorted starts, and the (end, line) of each interval, for overlap checks
    starts: dict[str, list] = {}
    details: dict[str, list] = {}
    for item in csv_records(stream, required=required, known=required + extra, limits=limits):
        if not isinstance(item, tuple):
            yield item
            continue
        line, record = item
        agent = record.get("agent", "")
        if not agent:
            yield RowError(line, "agent", "agent is required")
            continue
        kind = record.get(kind_field, "").lower()
        if kind not in allowed:
            yield RowError(line, kind_field, f"{kind_field} {kind!r} is not one of {', '.join(allowed)}")
            continue
        try:
            bounds = []
            for field in ("start", "end"):
                if not record.get(field):
                    raise CellError(f"{field} is required")
                try:
                    bounds.append(parse_timestamp(record[field], tz))
                except CellError as exc:
                    raise CellError(f"{field}: {exc}") from None
        except CellError as exc:
            field = "start" if str(exc).startswith("start") else "end"
            yield RowError(line, field, str(exc))
            continue
        start, end = bounds
        if end <= start:
            yield RowError(line, "end", f"end ({record['end']}) is not after start ({record['start']})")
            continue
        key = (agent, start)
        if key in seen:
            yield RowError(
                line, "start", f"agent {agent} already has an interval starting {record['start']} on line {seen[key]}"
            )
            continue
        if check_overlaps:
            clash = _overlap(starts.setdefault(agent, []), details.setdefault(agent, []), start, end)
            if clash is not None:
                other_start, other_end, other_line = clash
                yield RowError(
                    line,
                    "start",
                    f"overlaps line {other_line} "
                    f"({other_start.isoformat()} – {other_end.isoformat()}) "
                    f"of agent {agent}",
                )
                continue
            index = bisect.bisect(starts[agent], start)
            starts[agent].insert(index, start)
            details[agent].insert(index, (start, end, line))
        seen[key] = line
        yield line, agent, kind, start, end, record


def _overlap(starts: list, details: list, start, end):
    """The stored interval overlapping [start, end), if any (intervals are disjoint)."""
    index = bisect.bisect(starts, start)
    for neighbour in (index - 1, index):
        if 0 <= neighbour < len(details):
            other_start, other_end, _ = details[neighbour]
            if other_start < end and start < other_end:
                return details[neighbour]
    return None


def parse_activity(
    stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None
) -> Iterator[ActivityRow | RowError | RowWarning]:
    for item in _intervals(
        stream, tz, kind_field="state", allowed=ACTIVITY_STATES, extra=("reason",), check_overlaps=True, limits=limits
    ):
        if isinstance(item, (RowError, RowWarning)):
            yield item
            continue
        line, agent, state, start, end, record = item
        yield ActivityRow(line=line, agent=agent, state=state, start=start, end=end, reason=record.get("reason", ""))


def parse_schedule(
    stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None
) -> Iterator[ScheduleRow | RowError | RowWarning]:
    for item in _intervals(
        stream, tz, kind_field="activity", allowed=SCHEDULE_ACTIVITIES, extra=(), check_overlaps=False, limits=limits
    ):
        if isinstance(item, (RowError, RowWarning)):
            yield item
            continue
        line, agent, activity, start, end, _ = item
        yield ScheduleRow(line=line, agent=agent, activity=activity, start=start, end=end)
