"""Kudos (a person thanks an agent for a contact or a behaviour) and milestones (an agent
did better than their own past), in the tenant's schema.

Nothing here carries a score to compare people by: no points, no counts, no levels. Pages
list recognitions one by one in time order, never per person.
"""

import datetime as dt

from django.db import models
from django.db.models.functions import Now
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Agent, Team, User
from interactions.models import Interaction


class Behaviour(models.TextChoices):
    """What a kudos can be for besides a contact. Deliberately nothing about speed or handle
    time (tests/recognition/test_rules.py holds that): thanking someone for being quick teaches
    everyone to rush customers."""

    EMPATHY = "empathy", _("Showed empathy")
    FIRST_TIME = "first_time", _("Solved it first time")
    HELPED_TEAMMATE = "helped_teammate", _("Helped a teammate")
    EXPLAINED_CLEARLY = "explained_clearly", _("Explained clearly")
    STAYED_CALM = "stayed_calm", _("Stayed calm")
    OWNED_IT = "owned_it", _("Followed it through")


class Visibility(models.TextChoices):
    TEAM = "team", _("The team")
    PRIVATE = "private", _("Only the agent and their managers")


class Kudos(models.Model):
    giver = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="kudos_given")
    receiver = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="kudos_received")
    # The receiver's team when it was given: a public kudos belongs to that team's feed even
    # after the agent moves on.
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    behaviour = models.CharField(max_length=20, choices=Behaviour.choices, blank=True, default="")
    message = models.CharField(max_length=280, blank=True, default="")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.TEAM)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["receiver", "created_at"]), models.Index(fields=["team", "created_at"])]
        constraints = [
            # a kudos is about something: a contact, a behaviour or both
            models.CheckConstraint(
                condition=models.Q(interaction__isnull=False) | ~models.Q(behaviour=""),
                name="kudos_about_something",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=["team", "private"]), name="kudos_visibility_valid"
            ),
        ]


class MilestoneKind(models.TextChoices):
    """Each against the agent's own history only; never AHT, speed, or anything from peers."""

    BEST_FCR_MONTH = "best_fcr_month", _("Best FCR month")
    BEST_CSAT_MONTH = "best_csat_month", _("Best CSAT month")
    CSAT_RUN = "csat_run", _("Run of top CSAT answers")
    QA_STREAK = "qa_streak", _("QA streak")


def _percent(value) -> str:
    return "—" if value is None else formats.number_format(value, 1) + "%"


def _month(key: str) -> str:
    """ "2026-03" as the active language writes a month ("March 2026", "März 2026")."""
    try:
        return formats.date_format(dt.date.fromisoformat(key + "-01"), "YEAR_MONTH_FORMAT")
    except ValueError:
        return key


class Milestone(models.Model):
    """Written only by recognition.milestones (set-based, after each KPI recompute); ``key``
    names the occurrence (a month "2026-03", or the first answer or evaluation of a run), so
    computing again updates the row instead of adding one."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices)
    key = models.CharField(max_length=40)
    achieved_at = models.DateTimeField()
    facts = models.JSONField(default=dict)
    # The agent's own choice, kept when the milestone is computed again.
    private = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-achieved_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["agent", "kind", "key"], name="milestone_occurrence_key")]

    def describe(self) -> str:
        """The milestone in words, with the numbers that earned it (and never a peer's)."""
        facts = self.facts or {}
        if self.kind in (MilestoneKind.BEST_FCR_MONTH, MilestoneKind.BEST_CSAT_MONTH):
            return gettext("%(kpi)s %(value)s in %(month)s (n=%(n)s), above the previous personal best of %(best)s") % {
                "kpi": "FCR" if self.kind == MilestoneKind.BEST_FCR_MONTH else "CSAT",
                "value": _percent(facts.get("value")),
                "month": _month(facts.get("month") or self.key),
                "n": facts.get("n", ""),
                "best": _percent(facts.get("previous_best")),
            }
        if self.kind == MilestoneKind.CSAT_RUN:
            return gettext("%(length)s top CSAT answers in a row") % {"length": facts.get("length", "")}
        if self.kind == MilestoneKind.QA_STREAK:
            return gettext("%(length)s QA evaluations in a row at or above the passing score") % {
                "length": facts.get("length", "")
            }
        return self.get_kind_display()


class RecognitionPreference(models.Model):
    """An agent's standing choice: every milestone private, the ones to come included."""

    agent = models.OneToOneField(Agent, on_delete=models.CASCADE, related_name="recognition_preference")
    milestones_private = models.BooleanField(default=False)
