"""Helpers shared by the parsers: bounded UTF-8 lines, CSV records, typed cells.

Every reader here runs in time linear in the input and holds at most one record (bounded
by ``Limits.line_bytes``): a physical line is read with a size cap, a record whose quoted
field spans lines is joined once, when it is complete, and a quote that is never closed
costs at most one more pass over ``line_bytes`` of the lines after it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zoneinfo
from collections import deque
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, NamedTuple

from .limits import Limits, describe, utf8_size
from .rows import FileUnreadable, RowError, RowWarning

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}
# Talk + hold + after-call work is stored as a 32-bit sum (handle_seconds): each below a third.
MAX_SECONDS = 700_000_000
MAX_DECIMAL = 10**8  # Interaction.cost: 12 digits, 4 after the point
# The rest of an over-long line is skipped in pieces of this size.
_SKIP_CHUNK = 64 * 1024


class CellError(ValueError):
    """A cell that cannot be read; the parser turns it into a RowError for its column."""


class Line(NamedTuple):
    number: int
    text: str | None  # None when ``problem`` says why the line cannot be read
    size: int  # in bytes, as in the file
    problem: str | None = None


def decoded_lines(stream: BinaryIO, limits: Limits, *, first: int = 1) -> Iterator[Line]:
    """One ``Line`` per physical line, never reading more than ``limits.line_bytes`` of it.

    The header line (line 1) must decode: a file in another encoding fails as a whole.
    ``first`` is the number of the stream's first line (the columnar reader resumes here
    in the middle of a file).
    """
    number = first - 1
    while True:
        raw = stream.readline(limits.line_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limits.line_bytes and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(_SKIP_CHUNK)
                size += len(raw)
            problem = f"the line is {describe(size)}, over the limit of {describe(limits.line_bytes)} per line"
            if number == 1:
                raise FileUnreadable(f"the first line is {describe(size)}: not a header line (or not a text file)")
            yield Line(number, None, size, problem)
            continue
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
            yield Line(number, None, len(raw), "the line is not valid UTF-8 text")
            continue
        yield Line(number, text, len(raw))


class _Rewindable:
    """An iterator of lines that can be handed back lines to read again (resynchronising)."""

    def __init__(self, lines: Iterator[Line]):
        self._lines = lines
        self._again: deque[Line] = deque()

    def next(self) -> Line | None:
        return self._again.popleft() if self._again else next(self._lines, None)

    def pending(self) -> bool:
        return bool(self._again)

    def again(self, lines: list[Line]) -> None:
        self._again.extendleft(reversed(lines))


CsvItem = tuple[int, dict[str, str]] | RowError | RowWarning


def csv_records(
    stream: BinaryIO, *, required: tuple[str, ...], known: tuple[str, ...], limits: Limits | None = None
) -> Iterator[CsvItem]:
    """Yields a warning per unknown column, then (line, record) per good CSV record and a
    RowError per record that cannot be read.

    Line numbers are those where each record starts, so a quoted field spanning lines
    still points at the right place. A quoted field that is not closed by the end of the
    file, or within ``limits.line_bytes``, is an error on the line where it starts; reading
    goes on with the line after it, so the records after a stray quote still land.
    """
    limits = limits or Limits.from_settings()
    lines = _Rewindable(decoded_lines(stream, limits))
    header = csv_header(lines.next(), limits)
    yield from check_header(header, required=required, known=known)
    yield from csv_body(lines, header, limits)


def check_header(header: list[str], *, required: tuple[str, ...], known: tuple[str, ...]) -> list[RowWarning]:
    """FileUnreadable when a required column is missing; a warning per unknown column."""
    missing = [c for c in required if c not in header]
    if missing:
        raise FileUnreadable(
            f"missing required column(s) {', '.join(missing)}; the first line must be a "
            f"header naming the columns (found: {', '.join(h for h in header if h)[:200]})"
        )
    return [RowWarning(1, name or "*", f"unknown column {name!r} ignored") for name in header if name not in known]


def csv_header(first: Line | None, limits: Limits) -> list[str]:
    """The column names of a header line, lower-cased (FileUnreadable when there is none)."""
    _allow_csv_fields(limits.line_bytes)
    if first is None or first.text is None or not first.text.strip():
        raise FileUnreadable("the file is empty: expected a header line naming the columns")
    try:
        return [h.strip().lower() for h in next(csv.reader([first.text]))]
    except csv.Error as exc:
        raise FileUnreadable(f"the header line is not valid CSV: {exc}") from None


def csv_body(
    lines: _Rewindable, header: list[str], limits: Limits, *, until: Callable[[], bool] | None = None
) -> Iterator[CsvItem]:
    """The records after the header. With ``until``, stops before reading a line when no
    record is open and ``until()`` says so (the columnar reader takes over again there)."""
    pending: list[Line] = []  # the lines of a record whose quoted field is still open
    pending_size = 0
    while True:
        if until is not None and not pending and not lines.pending() and until():
            return
        line = lines.next()
        if line is None:
            if not pending:
                return
            yield RowError(pending[0].number, "*", "a quoted field starts on this line and is never closed")
            lines.again(pending[1:])
            pending, pending_size = [], 0
            continue
        if line.text is None:
            if pending:
                yield RowError(
                    pending[0].number,
                    "*",
                    f"a quoted field starts on this line and is not closed before line {line.number}, "
                    "which cannot be read",
                )
                lines.again(pending[1:] + [line])
                pending, pending_size = [], 0
                continue
            yield RowError(line.number, "*", line.problem or "the line cannot be read")
            continue
        if not pending:
            if not line.text.strip():
                continue
            if line.text.count('"') % 2 == 0:  # the common case: one line, one record
                yield _record(line.number, line.text, line.size, header, limits)
                continue
        # Only the new line's quotes are counted, never the record so far (that was quadratic):
        # a record's first line here has an odd count, so an odd count later closes it.
        quote_open = not pending or line.text.count('"') % 2 == 0
        pending.append(line)
        pending_size += line.size
        if not quote_open:
            start = pending[0].number
            if pending_size > limits.line_bytes:
                yield RowError(
                    start,
                    "*",
                    f"the record on lines {start}-{line.number} is {describe(pending_size)}, "
                    f"over the limit of {describe(limits.line_bytes)} per record",
                )
            else:
                text = "".join(p.text for p in pending if p.text is not None)
                yield _record(start, text, pending_size, header, limits)
            pending, pending_size = [], 0
        elif pending_size > limits.line_bytes:
            yield RowError(
                pending[0].number,
                "*",
                f"a quoted field starts on this line and is not closed within {describe(limits.line_bytes)}",
            )
            lines.again(pending[1:])
            pending, pending_size = [], 0


def _record(
    line: int, text: str, size: int, header: list[str], limits: Limits
) -> tuple[int, dict[str, str]] | RowError:
    try:
        values = next(csv.reader([text]), [])
    except csv.Error as exc:
        return RowError(line, "*", f"not a valid CSV record: {exc}")
    # No field of a record within the field limit can exceed it: the usual case checks nothing.
    for i, value in enumerate(values if size > limits.field_bytes else ()):
        field_size = utf8_size(value, limits.field_bytes)
        if field_size > limits.field_bytes:
            name = header[i] if i < len(header) and header[i] else f"column {i + 1}"
            return RowError(
                line,
                name,
                f"{name} is {describe(field_size)}, over the limit of {describe(limits.field_bytes)} per field",
            )
    return line, {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header) if name}


def _allow_csv_fields(size: int) -> None:
    # The csv module's own cap (128 Ki characters by default) raises an error that names no
    # field; records are at most ``size`` bytes, so a cap at ``size`` is never reached and
    # our per-field limit gives the message. The setting is process-wide: only ever raised.
    if csv.field_size_limit() < size + 1:
        csv.field_size_limit(size + 1)


# fromisoformat alone takes any character between date and time (2026-03-02X15:58); ISO 8601
# has a T there, and a space is the common exception (SQL exports, RFC 3339). The date is the
# calendar form, extended or basic; fromisoformat then checks the values themselves.
ISO_8601 = re.compile(
    r"\d{4}(-\d{2}-\d{2}|\d{4})"
    r"([Tt ]\d{2}(:?\d{2}(:?\d{2}([.,]\d+)?)?)?"
    r"([Zz]|[+-]\d{2}(:?\d{2}(:?\d{2}(\.\d+)?)?)?)?)?\Z",
    re.ASCII,  # \d is 0-9 only, not every script's digits
)
YEARS = (1900, 2999)
ISO_8601_HINT = "expected YYYY-MM-DDTHH:MM:SS, a space also accepted before the time, optional offset"


def parse_timestamp(value: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """ISO 8601; a timestamp without offset is local to the tenant's timezone."""
    if not ISO_8601.match(value):
        raise CellError(f"{value!r} is not an ISO 8601 timestamp ({ISO_8601_HINT})")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CellError(f"{value!r} is not an ISO 8601 timestamp ({ISO_8601_HINT})") from None
    # Years 1 and 9999 overflow once moved to UTC or another zone, here or when read back.
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise CellError(f"{value} is outside the years {YEARS[0]}-{YEARS[1]}")
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
    if number > MAX_SECONDS:
        raise CellError(f"{value} is more than {MAX_SECONDS} seconds (22 years)")
    return round(number)


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise CellError(f"{value} must be a number ≥ 0")
    if number >= MAX_DECIMAL:
        raise CellError(f"{value} must be less than {MAX_DECIMAL:,}")
    return number
