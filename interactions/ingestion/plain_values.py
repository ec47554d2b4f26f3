"""Vectorised readers of the common, plain forms of a cell (pyarrow compute).

Each returns the values and a mask of the cells it vouches for: a cell in the mask reads
exactly as common.parse_* reads it; any other cell (another accepted form, or an error) is
left to the per-row reader, which has the messages. The forms:
timestamps ``YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]``, seconds as whole digits, costs
as ``digits[.dddd]``.
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pyarrow.compute as pc

from .common import YEARS

UTC_US = pa.timestamp("us", tz="UTC")
# Years 1900-2999 (common.YEARS) and offsets below 24 hours are checked here; the date and
# time values by pyarrow's ISO 8601 cast, as strictly as datetime.fromisoformat.
_TIMESTAMP = r"^(?:19|2\d)\d\d-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$"
_ZONE = r"(?:Z|[+-]\d\d:\d\d)$"
assert YEARS == (1900, 2999)
_EPOCH = "1970-01-01T00:00:00"


def is_empty(value: pa.Array) -> pa.Array:
    return pc.equal(pc.utf8_length(value), 0)


def arrow_zone(tz: dt.tzinfo) -> str:
    """Arrow's name for ``tz``: a zone's IANA key, or "+HH:MM" for a fixed offset (callers also
    pass ``datetime.UTC`` and other ``datetime.timezone`` objects, which have no key)."""
    key = getattr(tz, "key", None)
    if key:
        return key
    offset = tz.utcoffset(None)
    if offset is None:
        raise ValueError(f"{tz!r} is neither a named zone nor a fixed offset")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def plain_timestamps(value: pa.Array, tz: dt.tzinfo) -> tuple[pa.Array, pa.Array]:
    """UTC instants (null where not vouched for), and the mask. A timestamp without offset is
    local to ``tz``; in the repeated hour of a DST change it is the first occurrence (fold=0),
    and one in the skipped hour is left to the per-row reader (an error there)."""
    matched = pc.match_substring_regex(value, _TIMESTAMP)
    zoned = pc.match_substring_regex(value, _ZONE)
    try:
        instant, wall = _cast(value, matched, zoned)
    except pa.ArrowInvalid:  # a date that does not exist (April 31st): found value by value
        matched = pa.array([ok and _casts(v) for ok, v in zip(matched.to_pylist(), value.to_pylist(), strict=True)])
        instant, wall = _cast(value, matched, zoned)
    local = pc.and_kleene(matched, pc.invert(zoned))
    any_local = wall is not None
    valid = matched
    if any_local:
        zone = arrow_zone(tz)
        first = pc.assume_timezone(wall, timezone=zone, ambiguous="earliest", nonexistent="earliest")
        last = pc.assume_timezone(wall, timezone=zone, ambiguous="earliest", nonexistent="latest")
        valid = pc.and_kleene(valid, pc.or_kleene(zoned, pc.equal(first, last)))  # else in a DST gap
        instant = pc.if_else(local, pc.cast(first, UTC_US), instant)
    return pc.if_else(valid, instant, pa.scalar(None, UTC_US)), valid


def _cast(value: pa.Array, matched: pa.Array, zoned: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """The instants of the values with an offset, the clock readings of those without (None
    when there are none). The common cases (all with offsets, or all without) cast as they are."""
    aware = pc.and_kleene(matched, zoned)
    local = pc.and_kleene(matched, pc.invert(zoned))
    wall = None
    if not pc.any(local).as_py():
        instant = pc.cast(value if pc.all(aware).as_py() else pc.if_else(aware, value, _EPOCH + "Z"), UTC_US)
        return instant, wall
    instant = pc.cast(pc.if_else(aware, value, _EPOCH + "Z"), UTC_US)
    wall = pc.cast(value if pc.all(local).as_py() else pc.if_else(local, value, _EPOCH), pa.timestamp("us"))
    return instant, wall


def _casts(text: str) -> bool:
    target = UTC_US if re.search(_ZONE, text) else pa.timestamp("us")
    try:
        pc.cast(pa.array([text]), target)
    except pa.ArrowInvalid:
        return False
    return True


def plain_seconds(value: pa.Array, maximum: int) -> tuple[pa.Array, pa.Array]:
    """Whole non-negative seconds up to ``maximum`` (parse_seconds; "12.0" goes per row)."""
    digits = pc.match_substring_regex(value, r"^\d{1,9}$")
    number = pc.cast(pc.if_else(digits, value, "0"), pa.int64())
    valid = pc.and_kleene(digits, pc.less_equal(number, maximum))
    return pc.if_else(valid, number, pa.scalar(None, pa.int64())), valid


def plain_decimal(value: pa.Array) -> pa.Array:
    """The mask of ``digits[.dddd]`` below 10^8 (parse_decimal reads them as they are)."""
    return pc.match_substring_regex(value, r"^\d{1,8}(\.\d{1,4})?$")
