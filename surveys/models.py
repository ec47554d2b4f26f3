"""Customer surveys (CSAT, NPS, CES: definitions, invitations, responses, follow-ups) and
agent effort surveys (AES), in the tenant's schema."""

from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models.functions import Now

from accounts.models import Agent, Team, User
from common.privacy import ANONYMITY_MIN  # noqa: F401 - surveys' pages and selectors read it here
from interactions.models import Interaction, InteractionType


class SurveyKind(models.TextChoices):
    CSAT = "csat", "CSAT (1–5)"
    NPS = "nps", "NPS (0–10)"
    CES = "ces", "CES (1–7)"


SCORE_RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
DEFAULT_QUESTIONS = {
    "csat": "How satisfied were you with the help you received?",
    "nps": "How likely are you to recommend us to a friend or colleague?",
    "ces": "It was easy to handle my issue.",
}


class Survey(models.Model):
    """A customer survey definition: what is asked, of whom, and for how long a link works."""

    kind = models.CharField(max_length=8, choices=SurveyKind.choices)
    name = models.CharField(max_length=120)
    question = models.CharField(max_length=300)
    follow_up_question = models.CharField(max_length=300, blank=True, default="")
    languages = models.CharField(max_length=60, default="en", help_text="Comma-separated language codes.")
    # question and follow_up_question are the wording in the first of `languages`; the others'
    # wording is here: {"de": {"question": "...", "follow_up_question": "..."}, ...}
    translations = models.JSONField(default=dict, blank=True)
    # Share of handled contacts to invite, overall and per channel or queue name (overrides).
    sample_pct = models.DecimalField(max_digits=5, decimal_places=2, default=20)
    sample_pct_by_channel = models.JSONField(default=dict, blank=True)
    sample_pct_by_queue = models.JSONField(default=dict, blank=True)
    cooldown_days = models.PositiveIntegerField(
        default=30, help_text="Invite one customer at most once per this many days."
    )
    link_valid_days = models.PositiveIntegerField(default=7)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    def wording(self, language: str) -> dict[str, str]:
        """{"question", "follow_up_question"} in one language; the first language's (the main
        fields) for the first one and for any language without a question of its own."""
        codes = self.language_codes
        if codes and language != codes[0]:
            own = (self.translations or {}).get(language) or {}
            if own.get("question"):
                return {"question": own["question"], "follow_up_question": own.get("follow_up_question", "")}
        return {"question": self.question, "follow_up_question": self.follow_up_question}

    @property
    def offered_languages(self) -> list[str]:
        """The languages a customer can answer in: the first, and every other with its own question
        (a language listed before its wording was entered is not offered in the first's words)."""
        codes = self.language_codes
        return codes[:1] + [code for code in codes[1:] if ((self.translations or {}).get(code) or {}).get("question")]


class SurveyInvitation(models.Model):
    """One invitation to rate one interaction (and so its agent, queue, type and period)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="survey_invitations")
    # secrets.token_urlsafe(32): 256 bits, unguessable; looked up by its unique index
    token = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=8, default="sampling")  # sampling, api
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "interaction"], name="invitation_survey_interaction_key"),
        ]
        indexes = [models.Index(fields=["created_at"])]


class SurveyResponse(models.Model):
    """A customer's answer about one interaction (and so its agent, queue, type, period)."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="survey_responses")
    survey = models.CharField(max_length=8, choices=SurveyKind.choices)
    score = models.SmallIntegerField()
    responded_at = models.DateTimeField()
    comment = models.TextField(blank=True, default="")
    source = models.CharField(max_length=8, default="import")  # import, link
    invitation = models.OneToOneField(
        SurveyInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    language = models.CharField(max_length=8, blank=True, default="", db_default="")
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        # the rows an import wrote (scorecards.services.kpi_changed_range): see AgentActivity's
        indexes = [BrinIndex(fields=["updated_at"], name="surveyresponse_updated_brin")]
        constraints = [
            models.UniqueConstraint(fields=["interaction", "survey"], name="survey_response_interaction_survey_key"),
            models.CheckConstraint(
                condition=(
                    models.Q(survey="csat", score__gte=1, score__lte=5)
                    | models.Q(survey="nps", score__gte=0, score__lte=10)
                    | models.Q(survey="ces", score__gte=1, score__lte=7)
                ),
                name="survey_response_score_in_range",
            ),
        ]


class FollowUp(models.Model):
    """Closed loop: a CSAT of 1–2 or an NPS detractor, for the agent's manager to act on."""

    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"

    response = models.OneToOneField(SurveyResponse, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]


class EffortPulseSettings(models.Model):
    """The agent effort pulse of this contact center (one row)."""

    every_days = models.PositiveIntegerField(default=7, help_text="Ask each agent again after this many days.")
    is_active = models.BooleanField(default=True)


class EffortResponse(models.Model):
    """An agent's answer to the effort pulse. Managers only ever see these aggregated over
    at least ANONYMITY_MIN respondents (see surveys.effort_selectors); agents see their own."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="effort_responses")
    # The team the agent was in when answering (None: no team). Aggregates group by it, never by
    # the agent's current team: if history moved with the agent, the weeks before and after a
    # move would differ by her answers alone. PROTECT: a team with answers is never deleted, so
    # a published week never changes (docs/kpis.md, "Agent effort: what is published").
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    # 1–7, higher = more effort
    effort = models.SmallIntegerField()
    tools = models.SmallIntegerField(null=True, blank=True)
    knowledge_base = models.SmallIntegerField(null=True, blank=True)
    process = models.SmallIntegerField(null=True, blank=True)
    hardest_types = models.ManyToManyField(InteractionType, blank=True, related_name="+")
    comment = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effort__gte=1, effort__lte=7)
                & (models.Q(tools__isnull=True) | models.Q(tools__gte=1, tools__lte=7))
                & (models.Q(knowledge_base__isnull=True) | models.Q(knowledge_base__gte=1, knowledge_base__lte=7))
                & (models.Q(process__isnull=True) | models.Q(process__gte=1, process__lte=7)),
                name="effort_response_scales",
            ),
        ]
