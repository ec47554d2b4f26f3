"""Size limits every reader applies, so no input can take unbounded time or memory.

An over-long field or line is one rejected row (line, field, reason); the reader goes on
with the next line. The values come from settings (environment overrides), read when a
parse starts, so tests and operators can change them without a restart of anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, slots=True)
class Limits:
    field_bytes: int  # one CSV cell, one queue_log field, one JSON string value
    line_bytes: int  # one CSV record (several physical lines when a quoted field spans them),
    # one queue_log line, one JSON line or one contact record of a JSON array

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(field_bytes=settings.IMPORT_MAX_FIELD_BYTES, line_bytes=settings.IMPORT_MAX_LINE_BYTES)


def utf8_size(text: str, limit: int) -> int:
    """The UTF-8 size of ``text``; exact when it may exceed ``limit``, cheap otherwise."""
    if len(text) * 4 <= limit:  # at most 4 bytes per character: cannot exceed
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def describe(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB".replace(".0 ", " ")
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"
