"""What the columnar reader lands is what the per-row reader lands, to the stored value.

The upsert leaves a row whose stored twin is identical alone (``IS DISTINCT FROM``): so a
file imported through one reader and then through the other reports every row unchanged
only when both readers store the very same values.
"""

from __future__ import annotations

import io
import zoneinfo

import pytest

from interactions.ingestion import canonical
from interactions.models import Interaction
from interactions.services import import_rows, import_stream

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HEADER = (
    "external_id,channel,queue,interaction_type,agent,customer_id,case_id,initiated_at,offered_at,"
    "answered_at,ended_at,talk_seconds,hold_seconds,acw_seconds,hold_count,outcome,transferred,"
    "resolved,callback_requested,missed_by,cost,transcript\n"
)


def contacts(prefix: str) -> bytes:
    lines = [
        f"{prefix}1,voice,Billing,billing,ag.col1,C1,K1,2026-03-02T09:00:00+01:00,2026-03-02T09:00:10+01:00,"
        f'2026-03-02T09:00:30.5+01:00,2026-03-02T09:05:59Z,,3,20,1,answered,false,true,false,ag.col2;ag.col3,1.25,"hi, there"\n',
        f"{prefix}2,CHAT,,,,,,,2026-10-25T02:30:00,,2026-10-25T02:31:00,,,,,,,,,,,\n",  # repeated hour
        f"{prefix}3,,,,,,,,2026-03-29T02:30:00,,,,,,,,,,,,,\n",  # skipped hour: an error
        f"{prefix}4,email,,,,,,,2026-03-02 10:00:00,2026-03-02 10:00:05,,12.0,,,,,,,,,0.5,\n",
        f'{prefix}5,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,"two\nlines"\n',
        f"{prefix}1,,,,,,,,2026-03-02T10:00:00,,,,,,,,,,,,,\n",  # duplicate
        f"{prefix}6,,,,,,,2026-03-02T11:00:00,2026-03-02T10:00:00,,,,,,,,,,,,,\n",  # warning, lands
    ]
    return (HEADER + "".join(lines)).encode()


@pytest.fixture
def alpha(tenants, in_tenant):
    return in_tenant(tenants.alpha)


def by_row(data: bytes) -> dict:
    return import_rows(canonical.parse(io.BytesIO(data), tz=BERLIN)).as_dict()


def in_columns(data: bytes) -> dict:
    return import_stream(kind="interactions", stream=io.BytesIO(data), tz=BERLIN).as_dict()


@pytest.mark.parametrize("first,second", [(in_columns, by_row), (by_row, in_columns)])
def test_either_reader_then_the_other_finds_every_row_unchanged(alpha, first, second):
    data = contacts(f"col-{first.__name__}-")
    landed = first(data)
    assert (landed["created"], landed["rejected"]) == (5, 2)
    again = second(data)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert (again["errors"], again["warnings"]) == (landed["errors"], landed["warnings"])
    assert [e["line"] for e in landed["errors"]] == [4, 8]
    assert in_columns(data)["unchanged"] == 5  # and a re-import is idempotent


def test_a_correction_is_one_update(alpha):
    data = contacts("col-fix-")
    in_columns(data)
    summary = in_columns(data.replace(b",3,20,1,answered,", b",4,20,1,answered,"))
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 4)
    assert Interaction.objects.get(external_id="col-fix-1").hold_seconds == 4
