"""Alert rules and their episodes.

An episode is one breach, from the evaluation that found the rule breached to the one that
found it recovered: one "fired" and one "recovered" message each, however many events and
evaluations fall in between. PostgreSQL keeps at most one open episode per rule (a partial
unique index), so two evaluators running at once can never open two.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SERVICE_LEVEL_BELOW = "service_level_below", _("Service level below")
    ABANDONMENT_ABOVE = "abandonment_above", _("Abandonment above")
    LONGEST_WAIT_ABOVE = "longest_wait_above", _("Longest wait above")
    WAITING_WITHOUT_AGENTS = "waiting_without_agents", _("Calls waiting with no agent ready")


# Kinds judged on the contacts that left the queue in a sliding window (live.state.window_read)
RATE_KINDS = (Kind.SERVICE_LEVEL_BELOW, Kind.ABANDONMENT_ABOVE)
WINDOW_CHOICES = [(15, _("last 15 minutes")), (30, _("last 30 minutes"))]


class AlertRule(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("condition"), max_length=32, choices=Kind.choices)
    # percent for the rate kinds, seconds for the longest wait; none for waiting_without_agents
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    window_minutes = models.PositiveSmallIntegerField(_("window"), choices=WINDOW_CHOICES, default=15)
    queue = models.CharField(_("queue"), max_length=120, blank=True, help_text=_("Blank: the whole center."))
    min_contacts = models.PositiveIntegerField(_("minimum contacts"), default=10)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    extra_emails = models.JSONField(default=list, blank=True)
    webhook = models.BooleanField(_("send to webhooks"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=Kind.WAITING_WITHOUT_AGENTS) | Q(threshold__isnull=False),
                name="alert_rule_threshold_required",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=RATE_KINDS) | Q(threshold__gte=0, threshold__lte=100),
                name="alert_rule_rate_is_a_percent",
            ),
            models.CheckConstraint(condition=Q(window_minutes__in=(15, 30)), name="alert_rule_window_15_or_30"),
        ]

    def __str__(self) -> str:
        return self.name


class EndReason(models.TextChoices):
    RECOVERED = "recovered", _("recovered")
    RULE_CHANGED = "rule_changed", _("rule changed")
    RULE_DEACTIVATED = "rule_deactivated", _("rule deactivated")


class AlertEpisode(models.Model):
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="episodes")
    started_at = models.DateTimeField()
    recovered_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    # the rule's condition when it fired (the rule may change later; the history does not)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    queue = models.CharField(max_length=120, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    window_minutes = models.PositiveSmallIntegerField(default=15)
    value_at_start = models.FloatField()
    worst_value = models.FloatField()
    last_value = models.FloatField(null=True, blank=True)
    last_evaluated_at = models.DateTimeField()
    # hysteresis: since when every evaluation found the value on the good side (None: breached)
    good_since = models.DateTimeField(null=True, blank=True)
    # the email ledger: claimed before sending, so a retried task never sends twice
    fired_emailed_at = models.DateTimeField(null=True, blank=True)
    recovered_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule"], condition=Q(recovered_at__isnull=True), name="alert_one_open_episode_per_rule"
            ),
            models.CheckConstraint(
                condition=Q(recovered_at__isnull=True, end_reason="")
                | Q(recovered_at__isnull=False) & ~Q(end_reason=""),
                name="alert_episode_end_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["-started_at"], name="alert_episode_newest")]

    def __str__(self) -> str:
        return f"{self.rule.name} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return self.recovered_at - self.started_at if self.recovered_at else None
