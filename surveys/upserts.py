"""The upsert of imported survey responses (the survey_responses format of the ingestion spec).

The import pipeline (interactions.services) parses the file; this lands its rows. Registered
with interactions.upserts by SurveysConfig.ready, since interactions may not import surveys.
"""

from __future__ import annotations

from django.db import connection

from audit.actions import Action
from audit.services import audit_event, audit_record_many
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
        overwritten = _customer_answers_to_overwrite(cur, stage)
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
    audit_record_many(
        audit_event(
            action=Action.SURVEY_RESPONSE_OVERWRITE,
            object_type=SurveyResponse._meta.label_lower,
            object_id=pk,
            object_label=f"{survey} answer to {external_id}",
            before={"score": old[0], "responded_at": old[1], "comment": old[2], "source": source},
            after={"score": new[0], "responded_at": new[1], "comment": new[2], "source": "import"},
        )
        for pk, external_id, survey, source, old, new in overwritten
    )
    return created, updated, errors


def _customer_answers_to_overwrite(cur, stage: str) -> list[tuple]:
    """The answers customers gave themselves (through a survey link) that this batch will
    change, with their values now; locked, so what the log says was there is what was there.
    (The parser rejects a second row for the same contact and survey: one stage row per answer.)"""
    cur.execute(
        f"""
        SELECT t.id, s.external_id, t.survey, t.source,
               t.score, t.responded_at, t.comment, s.score, s.responded_at, s.comment
          FROM {RESPONSE} t
          JOIN {INTERACTION} i ON i.id = t.interaction_id
          JOIN {stage} s ON s.external_id = i.external_id AND s.survey = t.survey
         WHERE t.source <> 'import'
           AND (t.score, t.responded_at, t.comment) IS DISTINCT FROM (s.score, s.responded_at, s.comment)
         ORDER BY t.id
           FOR UPDATE OF t
        """
    )
    return [(row[0], row[1], row[2], row[3], row[4:7], row[7:10]) for row in cur.fetchall()]
