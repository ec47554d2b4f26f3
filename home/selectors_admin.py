"""An admin's home: how far set-up has got, and what failed lately. The admin sees the whole
contact center, so these read every row (one query per item)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import Agent, ApiKey, Team
from coaching.models import DigestDelivery, DigestSettings
from coaching.selectors import digest_managers
from interactions.models import ImportRun, Interaction
from scorecards.catalogue import NORTH_STAR
from scorecards.models import Target
from surveys.models import Survey
from webhooks.models import DeliveryStatus, WebhookDelivery

from .sections import Section

FAILURES_SINCE = dt.timedelta(days=14)


@dataclass
class Step:
    key: str  # the template words each step by its key
    done: bool
    url: str
    count: int = 0  # how many are done (agents with a login, teams with a manager, ...)
    total: int = 0


def setup_checklist() -> list[Step]:
    agents = Agent.objects.aggregate(total=Count("pk"), with_login=Count("pk", filter=Q(user__isnull=False)))
    teams = Team.objects.aggregate(
        total=Count("pk", distinct=True), unmanaged=Count("pk", filter=Q(managers__isnull=True), distinct=True)
    )
    north_star = [k.code for k in NORTH_STAR]
    targeted = Target.objects.filter(kpi__in=north_star, retired_at__isnull=True).values("kpi").distinct().count()
    # No schedule saved means the default (Monday 08:00): the digest goes out once a manager has a team.
    digest_recipients = digest_managers().exists()
    return [
        Step("data", Interaction.objects.exists(), reverse("import_upload")),
        Step(
            "agents",
            agents["total"] > 0 and agents["with_login"] == agents["total"],
            reverse("agent_list"),
            count=agents["with_login"],
            total=agents["total"],
        ),
        Step(
            "teams",
            teams["total"] > 0 and teams["unmanaged"] == 0,
            reverse("team_list"),
            count=teams["total"] - teams["unmanaged"],
            total=teams["total"],
        ),
        Step("targets", targeted == len(north_star), reverse("target_list"), count=targeted, total=len(north_star)),
        Step("surveys", Survey.objects.filter(is_active=True).exists(), reverse("survey_list")),
        Step("digests", digest_recipients, reverse("digest_deliveries")),
        Step("api_keys", ApiKey.objects.filter(revoked_at__isnull=True).exists(), reverse("apikey_list")),
    ]


def digest_schedule() -> DigestSettings:
    """The saved schedule, or the default one the digest task uses (unsaved: reading never writes)."""
    return DigestSettings.objects.first() or DigestSettings()


def failed_lately(*, now: dt.datetime) -> dict[str, Section]:
    since = now - FAILURES_SINCE
    sections = [
        Section.of(
            "imports",
            ImportRun.objects.filter(status=ImportRun.Status.FAILED, created_at__gte=since).order_by("-created_at"),
            reverse("import_history"),
        ),
        Section.of(
            "digests",
            DigestDelivery.objects.filter(status=DigestDelivery.Status.FAILED, claimed_at__gte=since)
            .select_related("recipient")
            .order_by("-claimed_at"),
            reverse("digest_deliveries"),
        ),
        Section.of(
            "webhooks",
            WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED, created_at__gte=since)
            .select_related("endpoint")
            .order_by("-created_at"),
            reverse("webhook_list"),
        ),
    ]
    return {s.key: s for s in sections}
