"""The upsert of imported survey responses (the survey_responses format of the ingestion spec).

The import pipeline (interactions.services) parses the file; this lands its rows. Registered
with interactions.upserts by SurveysConfig.ready, since interactions may not import surveys.
"""

from __future__ import annotations

from django.db import connection

from interactions.ingestion.rows import RowError, SurveyResponseRow
from interactions.upserts import INTERACTION, created_updated, stage_rows

from .models import SurveyResponse

RESPONSE = SurveyResponse._meta.db_table


def upsert_survey_responses(rows: list[SurveyResponseRow]) -> tuple[int, int, list[RowError]]:
    with connection.cursor() as cur:
        stage = stage_rows(
            cur,
            "response",
            [(r.line, r.interaction_external_id, r.survey, r.score, r.responded_at, r.comment) for r in rows],
        )
        cur.execute(
            f"""
            DELETE FROM {stage} s
             WHERE NOT EXISTS (SELECT 1 FROM {INTERACTION} i WHERE i.external_id = s.external_id)
            RETURNING s.line, s.external_id
            """
        )
        errors = [
            RowError(
                line,
                "interaction_external_id",
                f"no interaction with external_id {ext!r}; import the interactions first",
            )
            for line, ext in sorted(cur.fetchall())
        ]
        cur.execute(
            f"""
            INSERT INTO {RESPONSE} AS t (interaction_id, survey, score, responded_at, comment,
                                         source, updated_at)
            SELECT i.id, s.survey, s.score, s.responded_at, s.comment, 'import', statement_timestamp()
              FROM {stage} s JOIN {INTERACTION} i ON i.external_id = s.external_id
            ON CONFLICT (interaction_id, survey) DO UPDATE
               SET (score, responded_at, comment, updated_at) =
                   (EXCLUDED.score, EXCLUDED.responded_at, EXCLUDED.comment, statement_timestamp())
             WHERE (t.score, t.responded_at, t.comment) IS DISTINCT FROM
                   (EXCLUDED.score, EXCLUDED.responded_at, EXCLUDED.comment)
            RETURNING (xmax = 0)
            """
        )
        created, updated = created_updated(cur, len(rows))
    return created, updated, errors
