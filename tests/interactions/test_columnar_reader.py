"""The columnar reader (every import of the canonical CSV) against the per-row reader.

The per-row reader (canonical.parse) is the reference: on every file the columnar reader
gives the same rows and the same errors and warnings (line, field, message), whichever
rows it checked in columns and whichever it handed back to the per-row code. Pure
parsers, no database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zoneinfo

import pytest

from interactions.ingestion import PARSERS, blocks, canonical
from interactions.ingestion.columnar import StagedRow, parse_interactions, staged_rows_as_rows
from interactions.ingestion.limits import Limits
from interactions.ingestion.rows import FileUnreadable, InteractionRow, RowError, RowWarning

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HEADER = (
    "external_id,channel,queue,interaction_type,agent,customer_id,case_id,initiated_at,offered_at,"
    "answered_at,ended_at,talk_seconds,hold_seconds,acw_seconds,hold_count,outcome,transferred,"
    "resolved,callback_requested,missed_by,cost,transcript\n"
)


def good(i: int) -> str:
    minute = i % 60
    return (
        f"k{i},voice,Billing,billing,ag.{i % 5},C{i},K{i},2026-03-02T09:{minute:02d}:00+01:00,"
        f"2026-03-02T09:{minute:02d}:10+01:00,2026-03-02T09:{minute:02d}:30.5+01:00,"
        f"2026-03-02T09:{minute:02d}:59Z,,3,20,1,answered,false,true,false,ag.1;ag.2,1.25,"
        f'"hello, world"\n'
    )


GOOD = "".join(good(i) for i in range(40))

# Each file: a header and lines that the per-row reader answers in its own ways.
HOSTILE = {
    "plain": HEADER + GOOD,
    "bom and crlf": "\ufeff" + (HEADER + GOOD).replace("\n", "\r\n"),
    "no final newline": HEADER + GOOD.rstrip("\n"),
    "quoted newline": HEADER + good(1) + 'q1,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,"two\nlines"\n' + good(2),
    "unterminated quote": HEADER + good(1) + 'q2,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,"open\n' + good(2) + good(3),
    "quote inside a field": HEADER + good(1) + 'q3,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,ab"c"d\n' + good(2),
    "text after a quoted field": HEADER + 'q4,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,"ab"cd\n' + good(2),
    "duplicates": HEADER + good(1) + good(2) + good(1) + good(1).replace("voice", "chat"),
    "duplicate of a row the per-row code read": HEADER
    + "d1,,,,,,,,2026-03-02T10:00:00.1234567,,,,,,,,,,,,,\nd1,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,\n",
    "local times around DST": HEADER
    + "g1,,,,,,,,2026-03-29T02:30:00,,,,,,,,,,,,,\n"  # skipped hour in Berlin
    + "g2,,,,,,,,2026-10-25T02:30:00,,,,,,,,,,,,,\n"  # repeated hour: the first one
    + "g3,,,,,,,,2026-10-25 03:30:00,,,,,,,,,,,,,\n"
    + "g4,,,,,,,,2026-07-01T12:00:00,,,,,,,,,,,,,\n",
    "bad and unusual values": HEADER
    + "b1,VOICE,,,,,,,2026-02-30T10:00:00,,,,,,,,,,,,,\n"
    + "b2,fax,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,\n"
    + "b3,,,,,,,,2026-03-02T10:00:00,,,12.0,,,,,,,,,,\n"
    + "b4,,,,,,,,2026-03-02T10:00:00,,,-1,,,,,,,,,,\n"
    + "b5,,,,,,,,2026-03-02T10:00:00,2026-03-02T09:00:00,,,,,,,,,,,,\n"
    + "b6,,,,,,,,2026-03-02T10:00:00,,,,,,,answered,,,,,,\n"
    + "b7,,,,,,,2026-03-02T11:00:00,2026-03-02T10:00:00,,,,,,,,,,,,,\n"  # warning, lands
    + "b8,,,,,,,,2026-03-02T10:00:00,,,,,,,,maybe,,,,,\n"
    + "b9,,,,,,,,2026-03-02T10:00:00,,,,,,,,YES,T,0,,1e3,\n"
    + "b10,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,, ag.1 ; ;ag.2,,\n"
    + "b11,,,,,,,,1899-12-31T23:59:59,,,,,,,,,,,,,\n"
    + "b12,,,,,,,,2026-03-02T10:00:00+24:00,,,,,,,,,,,,,\n"
    + "b13,,,,,,,,2026-03-02T10:00:00,2026-03-02T10:00:00,2048-03-02T10:00:00,,,,,,,,,,,\n"
    + ",,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,\n"
    + "b14,,,,,,,,,,,,,,,,,,,,,\n"
    + f"{'x' * 201},,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,\n"
    + f"b15,,{'q' * 201},,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,\n"
    + "b16,,,,,,,,2026-03-02t10:00:00,,,,,,,,,,,,,\n"
    + "  b17 ,, Billing ,,,,,,\t2026-03-02T10:00:00 ,,,,,,,,,,,,,  padded  \n"
    + good(7),
    "blank lines and short or long records": HEADER + good(1) + "\n   \n" + "s1,,,,,,,,2026-03-02T10:00:00\n"
    "s2,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,,extra,more\n" + good(2),
    "non-UTF-8 and control characters": (HEADER + good(1)).encode()
    + b"n1,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,caf\xe9\n"
    + b"n2,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,bell\x07\n"
    + "n3,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,Grüße\n".encode()
    + good(2).encode(),
    "unknown and repeated columns": "external_id,offered_at,shoe_size,,channel,channel\n"
    "u1,2026-03-02T10:00:00,42,x,fax,chat\nu2,2026-03-02T10:00:00,43,y,chat,fax\n",
    "only the required columns": "external_id,offered_at\n"
    + "".join(f"r{i},2026-03-02T10:{i % 60:02d}:00\n" for i in range(30)),
}


def collect(parse, data: bytes, limits: Limits | None = None, tz: dt.tzinfo = BERLIN) -> tuple[list, list, int]:
    """(rows sorted by line, errors and warnings as tuples, how many rows came staged)."""
    found = list(parse(io.BytesIO(data), tz=tz, limits=limits))
    staged = [x for x in found if isinstance(x, StagedRow)]
    rows = [x for x in found if isinstance(x, InteractionRow)] + staged_rows_as_rows(staged)
    notes = [(type(x).__name__, x.line, x.field, x.message) for x in found if isinstance(x, (RowError, RowWarning))]
    return [_instants(r) for r in sorted(rows, key=lambda r: r.line)], sorted(notes), len(staged)


def _instants(row: InteractionRow) -> tuple:
    """The row's values, times as UTC: datetimes in a repeated hour of one zone never equal
    those of another zone (PEP 495), even at the same instant."""
    return tuple(v.astimezone(dt.UTC) if isinstance(v, dt.datetime) else v for v in dataclasses.astuple(row))


@pytest.fixture(params=[64, 1 << 20], ids=["tiny blocks", "one block"])
def block_bytes(request, monkeypatch):
    """Tiny blocks put block edges everywhere: inside quoted fields, next to bad lines."""
    monkeypatch.setattr(blocks, "BLOCK_BYTES", request.param)
    return request.param


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_columnar_reader_gives_the_per_row_readers_rows_and_errors(case, block_bytes):
    data = HOSTILE[case]
    data = data if isinstance(data, bytes) else data.encode()
    columnar = collect(parse_interactions, data)
    reference = collect(canonical.parse, data)
    assert columnar[:2] == reference[:2]
    assert reference[2] == 0 and reference[0]  # the reference reads row by row, and rows land


@pytest.mark.parametrize(
    "tz", [dt.UTC, dt.timezone(dt.timedelta(hours=-5, minutes=-30))], ids=["datetime.UTC", "fixed -05:30"]
)
def test_local_times_in_a_fixed_offset_zone_read_as_the_per_row_reader_reads_them(tz):
    """Callers also pass datetime.timezone objects, which have no IANA key for pyarrow."""
    data = (HOSTILE["local times around DST"] + "".join(good(i) for i in range(5))).encode()
    columnar = collect(parse_interactions, data, tz=tz)
    assert columnar[:2] == collect(canonical.parse, data, tz=tz)[:2]
    assert columnar[2] == 9  # every row came through the columns, none left to the per-row code


def test_plain_rows_are_checked_in_columns_and_the_rest_row_by_row(block_bytes):
    found = list(parse_interactions(io.BytesIO(HOSTILE["bad and unusual values"].encode()), tz=BERLIN))
    staged = {r.external_id for r in staged_rows_as_rows([x for x in found if isinstance(x, StagedRow)])}
    by_row = {x.external_id for x in found if isinstance(x, InteractionRow)}
    assert "k7" in staged and "b7" in by_row  # b7 lands with a warning: only the per-row code gives those
    assert not staged & {"b1", "b3", "b9", "b10", "b16"}  # values in forms only the per-row code reads


def test_every_import_of_the_canonical_csv_takes_the_columnar_reader():
    assert PARSERS["interactions"] is parse_interactions
    found = list(PARSERS["interactions"](io.BytesIO((HEADER + GOOD).encode()), tz=BERLIN))
    assert len(found) == 40 and all(isinstance(x, StagedRow) for x in found)


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xff\xfeexternal_id\n", b"external_id,channel\nx,voice\n"])
def test_a_file_that_cannot_be_read_fails_the_same_way(data):
    messages = []
    for parse in (parse_interactions, canonical.parse):
        with pytest.raises(FileUnreadable) as failure:
            list(parse(io.BytesIO(data), tz=BERLIN))
        messages.append(str(failure.value))
    assert messages[0] == messages[1]


def test_an_over_long_field_and_record_are_the_same_errors():
    limits = Limits(field_bytes=300, line_bytes=600)
    long_field = f"l1,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,{'y' * 400}\n"
    long_line = f"l2,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,{'z' * 700}\n"
    spanning = 'l3,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,"' + ("w" * 250 + "\n") * 3 + '"\n'
    data = (HEADER + good(1) + long_field + long_line + spanning + good(2)).encode()
    columnar, reference = collect(parse_interactions, data, limits), collect(canonical.parse, data, limits)
    assert columnar[:2] == reference[:2]
    assert [n[1:3] for n in reference[1]][:3] == [(3, "transcript"), (4, "*"), (5, "*")]


class RecordingStream(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.largest = 0

    def read(self, size: int | None = -1) -> bytes:
        out = super().read(size)
        self.largest = max(self.largest, len(out))
        return out

    def readline(self, size: int | None = -1) -> bytes:
        out = super().readline(size)
        self.largest = max(self.largest, len(out))
        return out


def test_the_reader_holds_one_block_at_a_time(monkeypatch):
    """Memory is bounded by the block size (plus one line to complete it), not the file."""
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 4096)
    data = (HEADER + "".join(good(i) for i in range(3000))).encode()
    stream = RecordingStream(data)
    tables = []
    for item in parse_interactions(stream, tz=BERLIN):
        if isinstance(item, StagedRow) and (not tables or tables[-1] is not item.block):
            tables.append(item.block)
    limits = Limits.from_settings()
    assert len(data) > 100 * 4096
    assert stream.largest <= 4096 + limits.line_bytes
    longest = max(len(good(i)) for i in range(3000))
    shortest = min(len(good(i)) for i in range(3000))
    assert len(tables) >= len(data) // (4096 + longest)
    assert max(t.num_rows for t in tables) <= (4096 + longest) // shortest
    assert sum(t.num_rows for t in tables) == 3000
