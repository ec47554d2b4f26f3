"""Coaching: sessions with their evidence and action items, signals from the KPIs, context
exclusions that take interactions out of the KPIs, and the weekly digest's ledger."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import Agent, User
from interactions.models import Interaction
from surveys.models import SurveyResponse

# Questions that keep a session on "what made this hard", not "why was this call long".
# gettext_noop: the column's default stays this English text; the session form offers it translated.
DEFAULT_AGENDA = gettext_noop(
    "What made these contacts hard?\n"
    "What would have made them easier (tools, knowledge, process, routing)?\n"
    "What went well that we should keep?\n"
    "What will we try before the follow-up, and how will we know it helped?"
)


class SessionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested by the agent")
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FOLLOW_UP = "follow_up", _("Follow-up planned")
    CLOSED = "closed", _("Closed")


class CoachingSession(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="coaching_sessions")
    coach = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    focus_kpis = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    focus_behaviours = models.TextField(blank=True, default="")
    agenda = models.TextField(blank=True, default=DEFAULT_AGENDA)
    notes = models.TextField(blank=True, default="")
    scheduled_for = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agent_comment = models.TextField(blank=True, default="")
    follow_up_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    signal = models.ForeignKey("Signal", null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class SessionEvent(models.Model):
    """Every transition of a session: who moved it, when, from what to what."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True, default="")
    to_status = models.CharField(max_length=12)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "pk"]

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(status: str) -> str:
    """The words of a status as the session shows them (an unknown one as it was stored)."""
    return str(dict(SessionStatus.choices).get(status, status))


class Evidence(models.Model):
    """What a session looks at: a contact, a KPI value as it stood (copied, with its interval
    and n, so later recomputes do not rewrite the record), or a customer's comment."""

    class Kind(models.TextChoices):
        INTERACTION = "interaction", _("Interaction")
        KPI = "kpi", _("KPI value")
        SURVEY_COMMENT = "survey_comment", _("Survey comment")
        QA_EVALUATION = "qa_evaluation", _("QA evaluation")

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    survey_response = models.ForeignKey(
        SurveyResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kpi = models.CharField(max_length=32, blank=True, default="")
    period = models.CharField(max_length=8, blank=True, default="")
    period_start = models.DateField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    n = models.IntegerField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    # A submitted QA evaluation of one of the agent's contacts (not a draft: the agent could not
    # read it yet; not a calibration round: those measure reviewers).
    qa_evaluation = models.ForeignKey(
        "qa.QaEvaluation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Older records: a QA evaluation named in words, before evaluations could be linked.
    reference = models.CharField(max_length=120, blank=True, default="")
    note = models.TextField(blank=True, default="")


class ActionItem(models.Model):
    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]


class SignalKind(models.TextChoices):
    RUSHING = "rushing", _("Rushing")
    COMPLEXITY_MISMATCH = "complexity_mismatch", _("Complexity mismatch")
    BURNOUT_RISK = "burnout_risk", _("Burnout risk")


class Signal(models.Model):
    """A pattern in an agent's KPIs worth a conversation (kpis.md "Signals"), per week, with
    the facts behind it. Shown to the agent's managers only; never ranked."""

    kind = models.CharField(max_length=20, choices=SignalKind.choices)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="signals")
    week_start = models.DateField()
    facts = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-week_start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "agent", "week_start"], name="signal_key")]


class ExclusionReason(models.TextChoices):
    OUTAGE = "outage", _("System outage")
    ABUSIVE = "abusive", _("Abusive caller")
    TEST = "test", _("Test or training contact")
    OTHER = "other", _("Other")


class InteractionExclusion(models.Model):
    """A contact a manager left out of the KPIs, with the reason. Removing it keeps the row
    (removed_at, removed_by): the audit shows both acts."""

    # PROTECT: an exclusion is a record of a decision; deleting the contact must not erase it
    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="exclusions")
    reason = models.CharField(max_length=10, choices=ExclusionReason.choices)
    note = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction"],
                condition=models.Q(removed_at__isnull=True),
                name="one_active_exclusion_per_interaction",
            ),
        ]


class DigestSettings(models.Model):
    """When this contact center's weekly digest goes out, in its own timezone (one row)."""

    weekday = models.PositiveSmallIntegerField(default=0, help_text=_("0 = Monday"))
    hour = models.PositiveSmallIntegerField(default=8)
    send_to_agents = models.BooleanField(default=False)


class DigestDelivery(models.Model):
    """The ledger: one row per recipient, kind and period (a digest's week, a report's week or
    month), claimed before the email is sent, so a re-run, a retry or two workers at once never
    send it twice."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        MANAGER = "manager"
        AGENT = "agent"
        # reports.ReportSubscription: one email per recipient and period with all their
        # subscriptions of that cadence; week_start is the period's first day (a month's 1st).
        REPORT_WEEK = "report_week", _("Weekly report")
        REPORT_MONTH = "report_month", _("Monthly report")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MANAGER)
    week_start = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CLAIMED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "week_start"], name="digest_delivery_key"),
        ]
