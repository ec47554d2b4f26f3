"""The canonical interactions CSV, read in columns: the reader every import uses.

Plain blocks (blocks.py) are validated with vectorised pyarrow checks that only ever
*accept* a row: a row they accept is one the per-row reader (canonical.py) turns into the
same InteractionRow with no warning. Every other row (a bad value, a value in a form the
checks do not cover, a warning, a duplicate external id) is handed to the per-row reader,
which gives the row or its error with the usual line, field and message. Accepted rows
leave as ``StagedRow``s of a table in the staging table's column order, COPied as
CSV in batches (upserts.upsert_staged_interactions).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import BinaryIO, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from . import canonical
from .blocks import Block, csv_blocks
from .common import MAX_DECIMAL, MAX_SECONDS, check_header, csv_header, decoded_lines
from .limits import Limits
from .plain_values import is_empty, plain_decimal, plain_seconds, plain_timestamps
from .rows import CHANNELS, NAME_MAX, OUTCOMES, InteractionRow, RowError, RowWarning

_TRUE = ["true", "1", "yes", "y", "t"]
_FALSE = ["false", "0", "no", "n", "f"]
# Logins in missed_by that need no quoting in a PostgreSQL array literal (and no stripping).
_LOGINS = r"^[A-Za-z0-9._@+\-]+(;[A-Za-z0-9._@+\-]+)*$"
assert MAX_DECIMAL == 10**8  # plain_decimal's 8 digits before the point
UTC_US = pa.timestamp("us", tz="UTC")


class StagedRow(NamedTuple):
    """One row the vectorised checks accepted: its place in its block's staging table.

    Rows leave the reader one by one, as the per-row reader's do, so an import batches,
    commits and reports progress the same way whichever reader a row came from."""

    block: pa.Table  # columns as in upserts._STAGES["interaction"]; empty names and cost are NULL
    position: int


def staged_table(rows: list[StagedRow]) -> pa.Table:
    """The staging table of a batch of staged rows (from one or more blocks)."""
    parts, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i].block is not rows[start].block:
            first, last = rows[start].position, rows[i - 1].position
            block = rows[start].block
            if last - first == i - 1 - start:  # consecutive rows: a slice, no copy
                parts.append(block.slice(first, last - first + 1))
            else:
                parts.append(block.take([r.position for r in rows[start:i]]))
            start = i
    return pa.concat_tables(parts) if parts else pa.table({})


def staged_rows_as_rows(rows: list[StagedRow]) -> list[InteractionRow]:
    """As the per-row reader's rows (tests compare the two readers with this)."""
    out = []
    for r in staged_table(rows).to_pylist():
        missed = r["missed_by"][2:-2].split('","') if r["missed_by"] != "{}" else []
        out.append(
            InteractionRow(
                line=r["line"],
                external_id=r["external_id"],
                offered_at=r["offered_at"],
                channel=r["channel"],
                queue=r["queue"] or None,
                interaction_type=r["itype"] or None,
                agent=r["agent"] or None,
                customer_id=r["customer_id"] or None,
                case_id=r["case_id"] or None,
                initiated_at=r["initiated_at"],
                answered_at=r["answered_at"],
                ended_at=r["ended_at"],
                talk_seconds=r["talk"],
                hold_seconds=r["hold"],
                acw_seconds=r["acw"],
                hold_count=r["hold_count"],
                outcome=r["outcome"],
                transferred=r["transferred"],
                resolved=r["resolved"],
                callback_requested=r["callback_requested"],
                missed_by=missed,
                cost=Decimal(r["cost"]) if r["cost"] else None,
                transcript=r["transcript"],
            )
        )
    return out


FORCE_NULL_COLUMNS = ("queue", "itype", "agent", "customer_id", "case_id", "cost")

Item = InteractionRow | RowError | RowWarning | StagedRow


def parse_interactions(stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None) -> Iterator[Item]:
    limits = limits or Limits.from_settings()
    header = csv_header(next(decoded_lines(stream, limits), None), limits)
    yield from check_header(header, required=canonical.REQUIRED, known=canonical.COLUMNS)
    checker = canonical.RowChecker(tz)
    for item in csv_blocks(stream, header, limits):
        if isinstance(item, Block):
            yield from _block(item, header, checker)
        elif isinstance(item, tuple):
            yield from checker.check(*item)
        else:
            yield item


def _block(block: Block, header: list[str], checker: canonical.RowChecker) -> Iterator[Item]:
    n = block.table.num_rows
    # A record maps each named column to its value; of two columns with one name, the last.
    columns = {name: block.table.column(i) for i, name in enumerate(header) if name}
    empty = pa.array([""] * n, pa.string())
    staged, accepted = _stage(lambda name: columns.get(name, empty), n, block.first_line, checker.tz)
    keep = []
    for i, (external_id, plain) in enumerate(
        zip(staged.column("external_id").to_pylist(), accepted.to_pylist(), strict=True)
    ):
        line = block.first_line + i
        if plain and external_id not in checker.seen:
            checker.seen[external_id] = line
            keep.append(True)
            continue
        keep.append(False)
        yield from checker.check(line, {name: col[i].as_py() for name, col in columns.items()})
    if any(keep):
        staged = staged.filter(pa.array(keep))
        yield from (StagedRow(staged, i) for i in range(staged.num_rows))


def _and(*conditions: pa.Array) -> pa.Array:
    result = pc.fill_null(conditions[0], False)
    for condition in conditions[1:]:
        result = pc.and_kleene(result, pc.fill_null(condition, False))
    return result


def _or_empty(value: pa.Array, condition: pa.Array) -> pa.Array:
    return pc.or_kleene(is_empty(value), pc.fill_null(condition, False))


def _flag(value: pa.Array) -> tuple[pa.Array, pa.Array]:
    lowered = pc.ascii_lower(value)
    truth = pc.if_else(is_empty(value), pa.scalar(None, pa.bool_()), pc.is_in(lowered, pa.array(_TRUE)))
    return truth, _or_empty(value, pc.is_in(lowered, pa.array(_TRUE + _FALSE)))


def _stage(col, n: int, first_line: int, tz: zoneinfo.ZoneInfo) -> tuple[pa.Table, pa.Array]:
    """The staging table of a block and which of its rows the checks accept."""
    checks = []
    external_id = col("external_id")
    checks.append(pc.less_equal(pc.utf8_length(external_id), NAME_MAX))
    checks.append(pc.invert(is_empty(external_id)))
    times = {}
    for name in canonical.TIMESTAMPS:
        value, valid = plain_timestamps(col(name), tz)
        times[name] = value
        checks.append(_or_empty(col(name), valid))
    offered, answered, ended = times["offered_at"], times["answered_at"], times["ended_at"]
    checks.append(pc.invert(is_empty(col("offered_at"))))
    numbers = {}
    for name in canonical.SECONDS:
        value, valid = plain_seconds(col(name), MAX_SECONDS)
        numbers[name] = value
        checks.append(_or_empty(col(name), valid))
    channel = pc.ascii_lower(col("channel"))
    checks.append(_or_empty(channel, pc.is_in(channel, pa.array(CHANNELS))))
    channel = pc.if_else(is_empty(channel), "voice", channel)
    outcome = pc.ascii_lower(col("outcome"))
    outcome = pc.if_else(is_empty(outcome), pc.if_else(pc.is_valid(answered), "answered", "abandoned"), outcome)
    checks.append(pc.is_in(outcome, pa.array(OUTCOMES)))
    checks.append(pc.equal(pc.equal(outcome, "answered"), pc.is_valid(answered)))
    checks.append(pc.or_kleene(pc.is_null(answered), pc.greater_equal(answered, offered)))
    checks.append(pc.or_kleene(pc.is_null(ended), pc.greater_equal(ended, pc.coalesce(answered, offered))))
    initiated = times["initiated_at"]
    checks.append(pc.or_kleene(pc.is_null(initiated), pc.less_equal(initiated, offered)))  # else a warning
    hold = pc.fill_null(numbers["hold_seconds"], 0)
    # talk_seconds left empty: what answered_at to ended_at spans, less hold (round half to even
    # of the float seconds, as Python's round(timedelta.total_seconds())).
    span = pc.divide(pc.cast(pc.subtract(pc.cast(ended, pa.int64()), pc.cast(answered, pa.int64())), pa.float64()), 1e6)
    derived = pc.max_element_wise(pc.subtract(pc.cast(pc.round(span, round_mode="half_to_even"), pa.int64()), hold), 0)
    derived = pc.fill_null(derived, 0)
    checks.append(pc.or_kleene(pc.is_valid(numbers["talk_seconds"]), pc.less_equal(derived, MAX_SECONDS)))
    talk = pc.coalesce(numbers["talk_seconds"], derived)
    flags = {}
    for name in ("transferred", "resolved", "callback_requested"):
        flags[name], valid = _flag(col(name))
        checks.append(valid)
    missed = col("missed_by")
    checks.append(
        _or_empty(
            missed,
            pc.and_kleene(pc.match_substring_regex(missed, _LOGINS), pc.less_equal(pc.utf8_length(missed), NAME_MAX)),
        )
    )
    missed = pc.if_else(
        is_empty(missed), "{}", pc.binary_join_element_wise('{"', pc.replace_substring(missed, ";", '","'), '"}', "")
    )
    cost = col("cost")  # empty is NULL (FORCE_NULL); rows with any other form are not kept
    checks.append(_or_empty(cost, plain_decimal(cost)))
    texts = {}
    for name in canonical.TEXT:
        checks.append(pc.less_equal(pc.utf8_length(col(name)), NAME_MAX))
        texts[name] = col(name)  # empty is NULL: FORCE_NULL in upsert_staged_interactions
    table = pa.table(
        {
            "line": pa.array(range(first_line, first_line + n), pa.int32()),
            "external_id": external_id,
            "channel": channel,
            "queue": texts["queue"],
            "itype": texts["interaction_type"],
            "agent": texts["agent"],
            "customer_id": texts["customer_id"],
            "case_id": texts["case_id"],
            "initiated_at": initiated,
            "offered_at": offered,
            "answered_at": answered,
            "ended_at": ended,
            "talk": talk,
            "hold": hold,
            "acw": pc.fill_null(numbers["acw_seconds"], 0),
            "hold_count": pc.fill_null(numbers["hold_count"], 0),
            "outcome": outcome,
            "transferred": pc.fill_null(flags["transferred"], False),
            "resolved": flags["resolved"],
            "callback_requested": pc.fill_null(flags["callback_requested"], False),
            "missed_by": missed,
            "cost": cost,
            "transcript": col("transcript"),
            "source_updated_at": pa.nulls(n, UTC_US),
            "live": pa.array([False] * n),
        }
    )
    return table, _and(*checks)
