"""Survey responses exported from another survey tool (ingestion.md §4)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from typing import BinaryIO

from .common import CellError, csv_records, parse_timestamp
from .limits import Limits
from .rows import SURVEY_KINDS, SURVEY_SCORE_RANGES, RowError, RowWarning, SurveyResponseRow

REQUIRED = ("interaction_external_id", "survey", "score", "responded_at")


def parse(
    stream: BinaryIO, *, tz: zoneinfo.ZoneInfo, limits: Limits | None = None
) -> Iterator[SurveyResponseRow | RowError | RowWarning]:
    seen: dict[tuple[str, str], int] = {}
    known = REQUIRED + ("comment",)
    for item in csv_records(stream, required=REQUIRED, known=known, limits=limits):
        if not isinstance(item, tuple):
            yield item
            continue
        line, record = item
        external_id = record.get("interaction_external_id", "")
        if not external_id:
            yield RowError(line, "interaction_external_id", "interaction_external_id is required")
            continue
        survey = record.get("survey", "").lower()
        if survey not in SURVEY_KINDS:
            yield RowError(line, "survey", f"survey {survey!r} is not one of {', '.join(SURVEY_KINDS)}")
            continue
        low, high = SURVEY_SCORE_RANGES[survey]
        try:
            score = int(record.get("score", ""))
        except ValueError:
            yield RowError(line, "score", f"score {record.get('score')!r} is not a whole number")
            continue
        if not low <= score <= high:
            yield RowError(line, "score", f"score {score} is outside {low}-{high} for {survey}")
            continue
        try:
            if not record.get("responded_at"):
                raise CellError("responded_at is required")
            responded_at = parse_timestamp(record["responded_at"], tz)
        except CellError as exc:
            yield RowError(line, "responded_at", f"responded_at: {exc}")
            continue
        key = (external_id, survey)
        if key in seen:
            yield RowError(
                line, "interaction_external_id", f"a {survey} response for {external_id} is already on line {seen[key]}"
            )
            continue
        seen[key] = line
        yield SurveyResponseRow(
            line=line,
            interaction_external_id=external_id,
            survey=survey,
            score=score,
            responded_at=responded_at,
            comment=record.get("comment", ""),
        )
