"""Reads of contacts and imports, scoped to who is asking ("not yours" looks like "not found")."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role
from common.access import INTEGRATION

from .models import ImportRun, Interaction


def interactions_visible_to(*, fetched_by) -> QuerySet[Interaction]:
    rows = Interaction.objects.select_related("queue", "interaction_type", "agent")
    role = getattr(fetched_by, "role", None)
    if role in (Role.ADMIN, INTEGRATION):
        return rows
    if role == Role.MANAGER:
        return rows.filter(agent__team__managers=fetched_by)
    if role == Role.AGENT:
        return rows.filter(agent__user=fetched_by)
    return rows.none()


def interaction_by_external_id(*, fetched_by, external_id: str) -> Interaction | None:
    """The contact with this external id, or None when there is none or it is not the caller's."""
    return interactions_visible_to(fetched_by=fetched_by).filter(external_id=external_id).first()


def import_runs_visible_to(*, fetched_by) -> QuerySet[ImportRun]:
    runs = ImportRun.objects.select_related("created_by")
    if getattr(fetched_by, "role", None) in (Role.ADMIN, INTEGRATION):
        return runs
    return runs.none()
