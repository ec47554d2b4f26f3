"""Helpers shared by the parsers: strict UTF-8 lines, CSV with line numbers, typed cells."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from .rows import FileUnreadable

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}


class CellError(ValueError):
    """A cell that cannot be read; the parser turns it into a RowError for its column."""


def decoded_lines(stream: BinaryIO) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per physical line; text is None when the line is not UTF-8.

    The header line (line 1) must decode: a file in another encoding fails as a whole.
    """
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if number == 1:
                raise FileUnreadable(
                    f"the file is not UTF-8 text (byte {exc.start} of the first line); "
                    "save it as UTF-8 CSV and import it again"
                ) from None
            yield number, None
            continue
        yield number, text


def csv_records(
    stream: BinaryIO, *, required: tuple[str, ...], known: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str] | None, list[str]]]:
    """Yields (line, record or None if undecodable, unknown columns) per CSV record.

    Line numbers are those where each record starts, so a quoted field spanning lines
    still points at the right place.
    """
    lines = decoded_lines(stream)
    first = next(lines, None)
    header_text = first[1] if first is not None else None
    if header_text is None or not header_text.strip():
        raise FileUnreadable("the file is empty: expected a header line naming the columns")
    header = [h.strip().lower() for h in next(csv.reader([header_text]))]
    missing = [c for c in required if c not in header]
    if missing:
        raise FileUnreadable(
            f"missing required column(s) {', '.join(missing)}; the first line must be a "
            f"header naming the columns (found: {', '.join(h for h in header if h)[:200]})"
        )
    unknown = [h for h in header if h not in known]

    pending: list[str] = []
    start_line = 0
    for number, text in lines:
        if text is None:
            if pending:  # an undecodable line inside a quoted field: drop the record
                pending = []
            yield number, None, unknown
            continue
        if not pending:
            start_line = number
            if not text.strip():
                continue
        pending.append(text)
        joined = "".join(pending)
        if joined.count('"') % 2:  # inside a quoted field that continues on the next line
            continue
        pending = []
        values = next(csv.reader([joined]), [])
        record = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header) if name}
        yield start_line, record, unknown
    if pending:
        yield start_line, {"__unterminated__": "1"}, unknown


def parse_timestamp(value: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """ISO 8601; a timestamp without offset is local to the tenant's timezone."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CellError(f"{value!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is not None:
        return parsed
    # fold=0: in the repeated hour of a DST change, take the first (summer-time) occurrence;
    # exports without offsets cannot say which one was meant.
    local = parsed.replace(tzinfo=tz, fold=0)
    roundtrip = local.astimezone(dt.UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != parsed:
        raise CellError(f"{value} does not exist in {tz.key} (clocks jump forward at that time)")
    return local


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise CellError(f"{value!r} is not true/false (also accepted: 1/0, yes/no)")


def parse_seconds(value: str) -> int:
    """A non-negative whole number of seconds ("12" and "12.0" are both fine)."""
    try:
        number = float(value)
    except ValueError:
        raise CellError(f"{value!r} is not a number of seconds") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"{value!r} is not a number of seconds")
    if number < 0:
        raise CellError(f"{value} is negative; durations must be ≥ 0")
    return round(number)


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise CellError(f"{value} must be a number ≥ 0")
    return number
