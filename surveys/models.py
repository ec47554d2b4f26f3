"""Survey responses (customer CSAT, NPS, CES). Survey definitions and invitations follow."""

from django.db import models

from interactions.models import Interaction


class SurveyKind(models.TextChoices):
    CSAT = "csat", "CSAT (1–5)"
    NPS = "nps", "NPS (0–10)"
    CES = "ces", "CES (1–7)"


SCORE_RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}


class SurveyResponse(models.Model):
    """A customer's answer about one interaction (and so its agent, queue, type, period)."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE,
                                    related_name="survey_responses")
    survey = models.CharField(max_length=8, choices=SurveyKind.choices)
    score = models.SmallIntegerField()
    responded_at = models.DateTimeField()
    comment = models.TextField(blank=True, default="")
    source = models.CharField(max_length=8, default="import")  # import, link
    updated_at = models.DateTimeField(db_default=models.functions.Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "survey"],
                                    name="survey_response_interaction_survey_key"),
            models.CheckConstraint(
                condition=(models.Q(survey="csat", score__gte=1, score__lte=5)
                           | models.Q(survey="nps", score__gte=0, score__lte=10)
                           | models.Q(survey="ces", score__gte=1, score__lte=7)),
                name="survey_response_score_in_range",
            ),
        ]
