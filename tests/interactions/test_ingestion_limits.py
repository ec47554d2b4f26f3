"""Every reader on hostile input: linear work, bounded memory, limits that become row errors.

Pure parsers, no database: what lands is checked in test_import_bad_files.py.
"""

from __future__ import annotations

import io
import json
import random
import tracemalloc
import zoneinfo

import pytest

from interactions.ingestion import PARSERS, amazon_connect, asterisk, canonical, common, survey_responses
from interactions.ingestion.limits import Limits
from interactions.ingestion.rows import FileUnreadable, InteractionRow, RowError, RowWarning

UTC = zoneinfo.ZoneInfo("UTC")
HEADER = b"external_id,offered_at,answered_at,initiated_at,transcript\n"


def contact(i: int, transcript: str = "thanks") -> bytes:
    return f"c{i},2026-03-02T10:00:00,2026-03-02T10:00:05,,{transcript}\n".encode()


def items(parse, data: bytes, limits: Limits | None = None) -> list:
    return list(parse(io.BytesIO(data), tz=UTC, limits=limits))


def landed(found: list) -> list[str]:
    return [x.external_id for x in found if isinstance(x, InteractionRow)]


def errors(found: list) -> list[tuple[int, str]]:
    return [(x.line, x.field) for x in found if isinstance(x, RowError)]


@pytest.fixture
def handed_bytes(monkeypatch):
    """How many bytes of lines the CSV reader processes (lines read again after a stray quote
    count again): the reader's work, measured without a clock."""
    counter = {"bytes": 0}
    original = common._Rewindable.next

    def counting(self):
        line = original(self)
        if line is not None:
            counter["bytes"] += line.size
        return line

    monkeypatch.setattr(common._Rewindable, "next", counting)
    return counter


def test_an_unterminated_quote_in_4_mb_costs_at_most_one_more_pass_and_the_rest_lands(handed_bytes):
    rows = b"".join(contact(i) for i in range(2, 90_000))
    data = HEADER + contact(0) + b'broken,2026-03-02T10:00:00,,,"the quote never closes\n' + rows
    assert len(data) > 4 * 1024 * 1024
    found = items(canonical.parse, data)
    assert errors(found) == [(3, "*")]
    assert "quoted field starts on this line" in next(x for x in found if isinstance(x, RowError)).message
    assert len(landed(found)) == 1 + 89_998
    # the quadratic reader re-joined every pending line per line: ~10^11 bytes here
    assert handed_bytes["bytes"] <= len(data) + Limits.from_settings().line_bytes


def test_an_unterminated_quote_at_the_end_is_one_error_and_the_lines_after_it_still_land(handed_bytes):
    data = HEADER + contact(0) + b'x,2026-03-02T10:00:00,,,"open\n' + contact(1) + contact(2)
    found = items(canonical.parse, data)
    assert errors(found) == [(3, "*")] and landed(found) == ["c0", "c1", "c2"]
    assert handed_bytes["bytes"] < 2 * len(data)


def test_a_quoted_field_over_several_lines_is_still_one_record():
    data = HEADER + b'c0,2026-03-02T10:00:00,,,"line one\nline ""two""\nthree"\n' + contact(1)
    found = items(canonical.parse, data)
    assert landed(found) == ["c0", "c1"]
    assert found[0].transcript == 'line one\nline "two"\nthree' and found[1].line == 5


def test_a_200_kb_field_is_one_error_naming_the_line_and_field():
    data = HEADER + contact(0) + contact(1, "x" * 200_000) + contact(2)
    found = items(canonical.parse, data)
    assert errors(found) == [(3, "transcript")] and landed(found) == ["c0", "c2"]
    message = next(x for x in found if isinstance(x, RowError)).message
    assert "195 KiB" in message and "128 KiB per field" in message


def test_a_200_kb_field_within_a_raised_limit_lands():
    found = items(canonical.parse, HEADER + contact(1, "x" * 200_000), Limits(field_bytes=256_000, line_bytes=512_000))
    assert landed(found) == ["c1"] and len(found[0].transcript) == 200_000


def test_a_line_over_the_limit_is_skipped_unread_and_the_next_lines_land():
    endless = b"c1,2026-03-02T10:00:00,,," + b"y" * 3_000_000 + b"\n"
    found = items(canonical.parse, HEADER + contact(0) + endless + contact(2))
    assert errors(found) == [(3, "*")] and landed(found) == ["c0", "c2"]
    assert "per line" in found[1].message


def test_a_record_over_the_limit_spanning_lines_is_one_error():
    limits = Limits(field_bytes=100, line_bytes=200)
    # 186 bytes while the quote is open, 218 when the last line closes it
    spans = b'c1,2026-03-02T10:00:00,,,"' + b"a\n" * 80 + b"b" * 30 + b'"\n'
    found = items(canonical.parse, HEADER + spans + contact(2), limits)
    assert errors(found) == [(2, "*")] and landed(found) == ["c2"]
    assert "lines 2-82 is 218 bytes" in found[0].message


@pytest.mark.parametrize(
    "value,accepted",
    [
        ("2026-03-02T15:58:42", True),
        ("2026-03-02 15:58:42", True),
        ("2026-03-02T15:58:42+01:00", True),
        ("2026-03-02T15:58:42.250Z", True),
        ("2026-03-02X15:58:42", False),
        ("2026-03-02_15:58:42", False),
        ("2026-03-0215:58:42", False),
        ("2026-W10-1", False),
        ("٢٠٢٦-03-02T10:00:00", False),
    ],
)
def test_timestamps_are_strict_iso_8601_with_t_or_a_space(value, accepted):
    data = HEADER + f"c1,2026-03-02T12:00:00,{value},,\n".encode()
    found = items(canonical.parse, data)
    if accepted:
        assert landed(found) == ["c1"]
    else:
        assert errors(found) == [(2, "answered_at")]
        assert "ISO 8601" in found[0].message


def test_an_initiated_at_after_offered_at_lands_without_it_and_warns():
    data = HEADER + b"c1,2026-03-02T10:00:00,,2026-03-02T10:01:00,\n"
    [warning, row] = items(canonical.parse, data)
    assert isinstance(warning, RowWarning) and (warning.line, warning.field) == (2, "initiated_at")
    assert "after offered_at" in warning.message
    assert row.initiated_at is None and row.offered_at.minute == 0


def test_numbers_the_database_cannot_hold_are_row_errors():
    header = b"external_id,offered_at,answered_at,ended_at,talk_seconds,cost\n"
    data = header + (
        b"c1,2026-03-02T10:00:00,2026-03-02T10:00:05,,99999999999,\n"
        b"c2,2026-03-02T10:00:00,,,,1e30\n"
        b"c3,2026-03-02T10:00:00,2026-03-02T10:00:05,9999-12-31T00:00:00,,\n"
        b"c4,2026-03-02T10:00:00,2026-03-02T10:00:05,2026-03-02T10:05:00,,12.5\n"
    )
    found = items(canonical.parse, data)
    assert errors(found) == [(2, "talk_seconds"), (3, "cost"), (4, "ended_at")] and landed(found) == ["c4"]


def test_survey_responses_and_activity_get_the_same_limits():
    survey = b"interaction_external_id,survey,score,responded_at,comment\n"
    survey += b"c1,csat,5,2026-03-02T10:00:00," + b"z" * 200_000 + b"\nc2,csat,4,2026-03-02T10:00:00,ok\n"
    found = items(survey_responses.parse, survey)
    assert errors(found) == [(2, "comment")] and [r.interaction_external_id for r in found[1:]] == ["c2"]
    activity = b"agent,state,start,end\n" + b'a1,ready,"2026-03-02T10:00:00,2026-03-02T10:05:00\n'
    activity += b"a2,ready,2026-03-02T10:00:00,2026-03-02T10:05:00\n"
    found = items(PARSERS["activity"], activity)
    assert errors(found) == [(2, "*")] and [r.agent for r in found[1:]] == ["a2"]


def test_queue_log_fields_and_lines_over_the_limit_are_row_errors():
    call = "1772445600|{id}|support|Agent/1|{event}|{data}\n"
    lines = [
        call.format(id="1", event="ENTERQUEUE", data="|555"),
        call.format(id="1", event="CONNECT", data="5|x|1"),
        call.format(id="1", event="COMPLETECALLER", data="5|60|1"),
        call.format(id="2", event="ENTERQUEUE", data="x" * 200_000),
        "1772445600|3|support|Agent/1|CONNECT|" + "y" * 3_000_000 + "\n",
        call.format(id="4", event="ABANDON", data="1|1|inf"),
        "1e300|5|support|Agent/1|ENTERQUEUE|\n",
        "253402300799|6|support|Agent/1|ENTERQUEUE|\n",  # 9999-12-31: year 10000 east of UTC
    ]
    found = items(asterisk.parse, "".join(lines).encode())
    assert errors(found) == [(4, "data"), (5, "*"), (6, "data"), (7, "time"), (8, "time")]
    assert landed(found) == ["1"]


def test_queue_log_a_call_that_ends_twice_is_one_error_not_a_second_contact():
    log = (
        "1772445600|1|support|Agent/1|ENTERQUEUE||555|1\n"
        "1772445610|1|support|Agent/1|CONNECT|10|x|1\n"
        "1772445670|1|support|Agent/1|COMPLETECALLER|10|60|1\n"
        "1772445671|1|support|Agent/1|COMPLETEAGENT|10|61|1\n"
    )
    found = items(asterisk.parse, log.encode())
    assert landed(found) == ["1"] and errors(found) == [(4, "callid")]
    (second,) = [f for f in found if isinstance(f, RowError)]
    assert "already ended on line 3" in second.message


def ctr(i: int, updated: str = "2026-03-02T10:10:00Z", **extra) -> dict:
    return {
        "ContactId": f"contact-{i}",
        "Channel": "VOICE",
        "InitiationTimestamp": "2026-03-02T10:00:00Z",
        "DisconnectTimestamp": "2026-03-02T10:05:00Z",
        "LastUpdateTimestamp": updated,
        "Queue": {"Name": "Support", "EnqueueTimestamp": "2026-03-02T10:00:10Z", "Duration": 20},
        "Agent": {"Username": "ada", "ConnectedToAgentTimestamp": "2026-03-02T10:00:30Z"},
        **extra,
    }


@pytest.mark.parametrize("shape", ["array", "pretty", "concatenated", "lines"])
def test_amazon_connect_reads_every_shape_it_documents(shape):
    records = [ctr(1), ctr(2)]
    data = {
        "array": json.dumps(records),
        "pretty": json.dumps(records, indent=2),
        "concatenated": "".join(json.dumps(r, indent=1) for r in records),
        "lines": "\n".join(json.dumps(r) for r in records),
    }[shape].encode()
    found = items(amazon_connect.parse, b"\xef\xbb\xbf" + data)
    assert landed(found) == ["contact-1", "contact-2"] and not errors(found)


def test_amazon_connect_field_and_record_limits_are_row_errors_and_the_next_record_lands():
    big = ctr(1, Attributes={"transcript": "t" * 200_000})
    for data in (json.dumps([big, ctr(2)]), json.dumps(big) + "\n" + json.dumps(ctr(2))):
        found = items(amazon_connect.parse, data.encode())
        assert errors(found) == [(1, "*")] and landed(found) == ["contact-2"]
        assert "Attributes.transcript is 195 KiB" in found[0].message
    nested: object = 1
    for _ in range(40):
        nested = [nested]
    nested = {"ContactId": "deep", "Attributes": {"a": nested}}
    found = items(amazon_connect.parse, json.dumps([nested, ctr(3)]).encode())
    assert errors(found) == [(1, "*")] and landed(found) == ["contact-3"]
    deep_line = b'{"ContactId": "deep", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    found = items(amazon_connect.parse, json.dumps(ctr(1)).encode() + b"\n" + deep_line + b"\n")
    assert landed(found) == ["contact-1"] and errors(found) == [(2, "*")]


def test_amazon_connect_a_broken_array_keeps_the_records_before_the_break():
    data = json.dumps([ctr(1), ctr(2), ctr(3)]).encode()[:-40]
    found = items(amazon_connect.parse, data)
    assert landed(found) == ["contact-1", "contact-2"] and errors(found) == [(3, "*")]
    with pytest.raises(FileUnreadable):
        items(amazon_connect.parse, b"[{nope")


def test_amazon_connect_holds_more_contacts_than_a_batch():
    from interactions.services import BATCH_SIZE

    # two versions of one contact never share an upsert batch (ON CONFLICT can't touch a row twice)
    assert amazon_connect.HOLD_ROWS > BATCH_SIZE


def _peak(data: bytes) -> int:
    tracemalloc.start()
    try:
        for _ in amazon_connect.parse(io.BytesIO(data), tz=UTC):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_amazon_connect_memory_does_not_grow_with_the_file(monkeypatch):
    monkeypatch.setattr(amazon_connect, "HOLD_ROWS", 200)
    small = json.dumps([ctr(i) for i in range(1_000)]).encode()
    large = json.dumps([ctr(i) for i in range(4_000)]).encode()
    small_peak, large_peak = _peak(small), _peak(large)
    # the old reader held the file, its text and every row: 4x the records, ~4x the peak
    assert large_peak < 1.3 * small_peak, (small_peak, large_peak)
    assert large_peak < len(large)


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_random_bytes_never_crash_a_reader(kind):
    rng = random.Random(13)
    alphabet = b'0123456789-:T ,|"\n\r{}[]:ab\xc3\xa9\xff' + b"ENTERQUEUE"
    for _ in range(200):
        header = {
            "interactions": HEADER,
            "survey_responses": b"interaction_external_id,survey,score,responded_at\n",
            "activity": b"agent,state,start,end\n",
            "schedule": b"agent,activity,start,end\n",
        }.get(kind, b"")
        data = header + bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        try:
            for item in PARSERS[kind](io.BytesIO(data), tz=UTC):
                assert isinstance(item, (RowError, RowWarning)) or item.line >= 1
        except FileUnreadable:
            pass
