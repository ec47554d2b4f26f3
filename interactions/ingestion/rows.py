"""Plain rows that every parser yields: no ORM, no database.

A parser turns one file into a stream of ``InteractionRow``/``ActivityRow``/...
and ``RowError`` objects; ``interactions.services`` upserts the rows in bulk.
Keeping the parsers pure makes every format testable without PostgreSQL and lets
the demo data generator feed the same upsert path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

CHANNELS = ("voice", "chat", "email", "social", "video")
OUTCOMES = ("answered", "abandoned", "blocked", "callback", "deflected")
ACTIVITY_STATES = (
    "ready",
    "on_contact",
    "acw",
    "not_ready",
    "break",
    "lunch",
    "training",
    "meeting",
    "offline",
)
SCHEDULE_ACTIVITIES = ("work", "break", "lunch", "training", "meeting", "off")
SURVEY_KINDS = ("csat", "nps", "ces")
SURVEY_SCORE_RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}


@dataclass(slots=True)
class RowError:
    """One rejected input line. ``line`` is 1-based and counts the header as line 1."""

    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass(slots=True)
class RowWarning:
    """Something that rejected no row: an unknown column (the header's line 1), an
    inconsistent optional value the row landed without, events a format ignores (line 0:
    the whole file). Same shape as RowError."""

    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


class FileUnreadable(Exception):
    """The file as a whole cannot be read (wrong encoding, no header, not JSON...)."""


@dataclass(slots=True)
class InteractionRow:
    line: int
    external_id: str
    offered_at: dt.datetime  # timezone-aware
    channel: str = "voice"
    queue: str | None = None
    interaction_type: str | None = None
    agent: str | None = None
    customer_id: str | None = None
    case_id: str | None = None
    initiated_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    talk_seconds: int = 0
    hold_seconds: int = 0
    acw_seconds: int = 0
    hold_count: int = 0
    outcome: str = "abandoned"
    transferred: bool = False
    resolved: bool | None = None
    callback_requested: bool = False
    missed_by: list[str] = field(default_factory=list)
    cost: Decimal | None = None
    transcript: str = ""
    # Only Amazon Connect carries a version; later versions of a contact win.
    source_updated_at: dt.datetime | None = None
    # Written by the live feed (live/): a batch import of the same contact replaces it, never
    # the other way round.
    live: bool = False


@dataclass(slots=True)
class ActivityRow:
    line: int
    agent: str
    state: str
    start: dt.datetime
    end: dt.datetime
    reason: str = ""
    live: bool = False  # as InteractionRow.live


@dataclass(slots=True)
class ScheduleRow:
    line: int
    agent: str
    activity: str
    start: dt.datetime
    end: dt.datetime


@dataclass(slots=True)
class SurveyResponseRow:
    line: int
    interaction_external_id: str
    survey: str
    score: int
    responded_at: dt.datetime
    comment: str = ""


# Names and identifiers are stored as varchar(200): a longer one is that row's error, never a
# failed batch. (Free text, transcript and comment, is bounded by Limits.field_bytes.)
NAME_MAX = 200
_NAMES: dict[type, tuple[str, ...]] = {
    InteractionRow: ("external_id", "queue", "interaction_type", "agent", "customer_id", "case_id"),
    ActivityRow: ("agent", "reason"),
    ScheduleRow: ("agent",),
    SurveyResponseRow: ("interaction_external_id",),
}


def name_too_long(row: object) -> RowError | None:
    values = [(f, getattr(row, f)) for f in _NAMES.get(type(row), ())]
    values += [("missed_by", m) for m in getattr(row, "missed_by", None) or ()]
    for name, value in values:
        if value is not None and len(value) > NAME_MAX:
            return RowError(getattr(row, "line", 0), name, f"{name} is {len(value)} characters, over {NAME_MAX}")
    return None
