"""Survey responses exported from another survey tool (ingestion.md §4)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from typing import BinaryIO

from .common import CellError, csv_records, parse_timestamp
from .rows import SURVEY_KINDS, SURVEY_SCORE_RANGES, FileWarning, RowError, SurveyResponseRow

REQUIRED = ("interaction_external_id", "survey", "score", "responded_at")


def parse(stream: BinaryIO, *, tz: zoneinfo.ZoneInfo) -> Iterator[SurveyResponseRow | RowError | FileWarning]:
    seen: dict[tuple[str, str], int] = {}
    warned = False
    for line, record, unknown in csv_records(stream, required=REQUIRED, known=REQUIRED + ("comment",)):
        if unknown and not warned:
            warned = True
            yield FileWarning(f"unknown column(s) ignored: {', '.join(unknown)}")
        if record is None:
            yield RowError(line, "*", "the line is not valid UTF-8 text")
            continue
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
