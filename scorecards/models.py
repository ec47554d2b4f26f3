"""KPI snapshots, targets and the audit of KPI settings (tenant schema).

Snapshots are written only by the KPI engine (scorecards.engine, set-based SQL upserts);
targets and settings only through scorecards.services, which keep their history.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from interactions.models import InteractionType, Queue


class Scope(models.TextChoices):
    AGENT = "agent", _("Agent")
    TEAM = "team", _("Team")
    QUEUE = "queue", _("Queue")
    INTERACTION_TYPE = "interaction_type", _("Interaction type")
    CHANNEL = "channel", _("Channel")
    TENANT = "tenant", _("Tenant")


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class KpiSnapshot(models.Model):
    """One KPI value for one group (scope, key) and period. key: ACD login, team, queue,
    interaction type or channel name, or "all" for the tenant."""

    kpi = models.CharField(max_length=32)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=200)
    period = models.CharField(max_length=8, choices=Period.choices)
    period_start = models.DateField()
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    n = models.IntegerField(default=0)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    insufficient_data = models.BooleanField(default=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kpi", "scope", "key", "period", "period_start"], name="kpi_snapshot_key"),
        ]
        indexes = [
            # pages and the API read one scope and period over a date range
            models.Index(fields=["scope", "period", "period_start"], name="kpi_snapshot_read"),
        ]


class KpiRecompute(models.Model):
    """One run of the engine: what it covered and how long it took (visible to admins)."""

    # import, nightly, settings, manual, exclusion, ...: several, comma-separated, when
    # requests were coalesced into one run (scorecards.recompute_requests)
    reason = models.CharField(max_length=200)
    since = models.DateField(null=True)
    until = models.DateField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    snapshots = models.IntegerField(default=0)
    seconds = models.FloatField(null=True)
    # a full run rebuilds the engine's stored sums; until one has finished, every run is full
    full = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]


class KpiRecomputeRequest(models.Model):
    """A recompute asked for and not yet done: the database's record of background KPI work
    (the broker only carries a token to run it; Redis may lose messages, this may not).

    At most one pending row, the union of every request since the last run started, and one
    running row, which stays until its run has committed, so a run a dead worker or a lost
    database connection interrupted is run again. since/until None: an open end; both None:
    a full run. See scorecards.recompute_requests."""

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"

    state = models.CharField(max_length=8, choices=State.choices, unique=True)
    since = models.DateField(null=True)
    until = models.DateField(null=True)
    # every contact changed since then lies in [since, until]; None: rebuild every case there
    changed_since = models.DateTimeField(null=True)
    reasons = models.CharField(max_length=200)
    # the one message that runs this row; a message with another token is stale and does nothing
    token = models.UUIDField()
    # when that message is due; a request wanting it sooner sends a new one
    due_at = models.DateTimeField()
    requested_at = models.DateTimeField(auto_now_add=True)
    # runs started for this row; a row that keeps failing is given up (logged) after a few
    attempts = models.PositiveSmallIntegerField(default=0)


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Target(models.Model):
    """Bands for one KPI, optionally for one team, queue or interaction type, from a date.

    green/amber are thresholds in the KPI's unit: with "higher is better", a value ≥ green
    is green, ≥ amber is amber, below is red (mirrored for "lower is better").
    """

    kpi = models.CharField(max_length=32)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.CASCADE)
    interaction_type = models.ForeignKey(InteractionType, null=True, blank=True, on_delete=models.CASCADE)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    green = models.FloatField()
    amber = models.FloatField()
    effective_from = models.DateField()
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kpi", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "team", "queue", "interaction_type", "effective_from"],
                condition=models.Q(retired_at__isnull=True),
                nulls_distinct=False,
                name="target_one_per_scope_and_date",
            ),
        ]


class TargetChange(models.Model):
    """History of every target: who, when, old and new bands."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=8)  # created, updated, retired
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]


class SettingChange(models.Model):
    """Audit of the tenant's KPI settings (the settings live on the tenant, public schema)."""

    setting = models.CharField(max_length=48)
    old = models.CharField(max_length=64)
    new = models.CharField(max_length=64)
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]


from .models_daysums import *  # noqa: E402,F401,F403 - the engine's stored sums
