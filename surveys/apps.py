from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self) -> None:
        from interactions.ingestion.rows import SurveyResponseRow
        from interactions.upserts import register_upsert

        from .upserts import upsert_survey_responses

        # Imports of survey responses land in this app's table (surveys/upserts.py).
        register_upsert(SurveyResponseRow, upsert_survey_responses)
