"""Report subscriptions: who gets which scorecard by email, and how often. What was sent is
on the digest's ledger (coaching.models.DigestDelivery, kinds report_week and report_month)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User


class Cadence(models.TextChoices):
    WEEKLY = "week", _("Weekly")
    MONTHLY = "month", _("Monthly")


class Scope(models.TextChoices):
    # A manager's teams as they are when the report is sent, not as they were when subscribing.
    MY_TEAMS = "teams", _("All my teams")
    CENTER = "center", _("Whole contact center")
    TEAM = "team", _("One team")


class ReportSubscription(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="report_subscriptions")
    cadence = models.CharField(max_length=8, choices=Cadence.choices)
    scope = models.CharField(max_length=8, choices=Scope.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # NULLS NOT DISTINCT: "Mona, weekly, all her teams" (no team) exists once, too.
            models.UniqueConstraint(
                fields=["recipient", "cadence", "scope", "team"],
                name="report_subscription_key",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(Q(scope="team") & Q(team__isnull=False)) | (~Q(scope="team") & Q(team__isnull=True)),
                name="report_subscription_team_with_team_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient.email}: {self.get_cadence_display()}, {self.scope_label()}"

    def scope_label(self) -> str:
        if self.scope == Scope.TEAM and self.team is not None:
            return str(_("team %(name)s") % {"name": self.team.name})
        return str(self.get_scope_display())
