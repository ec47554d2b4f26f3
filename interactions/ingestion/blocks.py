"""CSV read in blocks: plain blocks go to pyarrow whole, the rest to the per-line reader.

A block is ``BLOCK_BYTES`` of the file, completed to the end of its last line. It is
*plain* when pyarrow's CSV parser and ``common.csv_body`` provably read it the same way:
ASCII without control characters (a CR only before LF), no blank line, no line over the
field limit (so no field can exceed it), every quote part of a well-formed quoted field on
one line, and every line with as many fields as the header. Then line N of the block is
record N, and the block is one pyarrow table. Any other block goes through
``common.csv_body`` line by line (the reference: same records, same errors, same line
numbers), which may read past the block's end until no quoted field is open; the next
block starts there. Memory: one block and its table at a time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .common import CsvItem, Line, _Rewindable, csv_body, decoded_lines
from .limits import Limits

BLOCK_BYTES = 4 * 1024 * 1024
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r") + b"\x7f"
_FIELD = rb'(?:[^",\r\n]*+|"(?:[^"\r\n]++|"")*+")'
_BLANK = re.compile(rb"\n[ \t]*\r?(?:\n|\Z)")  # a line csv_body skips
_QUOTED_LINE = re.compile(_FIELD + rb"(?:," + _FIELD + rb")*\r?")


class Block(NamedTuple):
    first_line: int  # the file's line number of the table's first row
    table: pa.Table  # one string column per header column, values stripped as csv_body does


class _Chain:
    """``readline`` over a block already read, then the rest of the stream."""

    def __init__(self, buffer: bytes, stream: BinaryIO):
        self.buffer, self.pos, self.stream = buffer, 0, stream

    def exhausted(self) -> bool:
        return self.pos >= len(self.buffer)

    def readline(self, size: int) -> bytes:
        if self.exhausted():
            return self.stream.readline(size)
        end = self.buffer.find(b"\n", self.pos, self.pos + size)
        stop = end + 1 if end >= 0 else min(len(self.buffer), self.pos + size)
        out = self.buffer[self.pos : stop]
        self.pos = stop
        if out.endswith(b"\n") or len(out) >= size:
            return out
        return out + self.stream.readline(size - len(out))


class _Counted:
    """Lines, remembering the number of the last one read from the file."""

    def __init__(self, lines: Iterator[Line], last: int):
        self.lines, self.last = lines, last

    def __iter__(self) -> Iterator[Line]:
        return self

    def __next__(self) -> Line:
        line = next(self.lines)
        self.last = line.number
        return line


def csv_blocks(
    stream: BinaryIO, header: list[str], limits: Limits, *, block_bytes: int | None = None
) -> Iterator[Block | CsvItem]:
    """After the header line has been read: ``Block``s, and (line, record) or RowError items
    for the parts of the file that are not plain, in file order."""
    block_bytes = block_bytes or BLOCK_BYTES
    names = [f"c{i}" for i in range(len(header))]
    consumed = 1  # lines of the file read so far (the header)
    while True:
        data = stream.read(block_bytes)
        if not data:
            return
        if not data.endswith(b"\n"):
            data += stream.readline(limits.line_bytes + 1)
        table = plain_table(data, names, min(limits.field_bytes, limits.line_bytes))
        if table is not None:
            yield Block(consumed + 1, table)
            consumed += table.num_rows
            continue
        chain = _Chain(data, stream)
        counted = _Counted(decoded_lines(chain, limits, first=consumed + 1), consumed)  # type: ignore[arg-type]
        yield from csv_body(_Rewindable(counted), header, limits, until=chain.exhausted)
        consumed = counted.last


def plain_table(data: bytes, names: list[str], max_line: int) -> pa.Table | None:
    """The block as a table of stripped strings, or None when it is not plain."""
    if not data.isascii() or len(data.translate(None, _CONTROL)) != len(data):
        return None
    if data.count(b"\r") != data.count(b"\r\n"):
        return None
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    if max(map(len, lines)) > max_line or _BLANK.search(b"\n" + b"\n".join(lines)):
        return None
    if any(_QUOTED_LINE.fullmatch(line) is None for line in lines if b'"' in line):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # a line with more or fewer fields than the header
        return None
    if table.num_rows != len(lines):
        return None
    # csv_body strips every value; ASCII without control characters leaves spaces and tabs.
    return pa.table([pc.utf8_trim(col, " \t") for col in table.columns], names=names)
