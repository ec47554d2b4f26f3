"""Reads of alerts. The history is the center's (alerts are about queues and the center, not
about people), so admins and managers see all of it; agents have no access (the views)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from interactions.models import Queue

from .models import AlertEpisode, AlertRule


def alert_rules_list() -> QuerySet[AlertRule]:
    ongoing = AlertEpisode.objects.filter(rule=OuterRef("pk"), recovered_at__isnull=True)
    return AlertRule.objects.annotate(ongoing=Exists(ongoing)).prefetch_related("recipients").order_by("name", "pk")


def alert_episodes_list() -> QuerySet[AlertEpisode]:
    """Newest first (index alert_episode_newest)."""
    return AlertEpisode.objects.select_related("rule").order_by("-started_at", "-pk")


def queue_names() -> list[str]:
    """Queues seen so far, offered as suggestions (a rule may name one not seen yet)."""
    return list(Queue.objects.order_by("name").values_list("name", flat=True))
