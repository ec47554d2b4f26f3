"""Reads of people, scoped to who is asking."""

from __future__ import annotations

from django.db.models import QuerySet

from common.access import INTEGRATION

from .models import Agent, ApiKey, Role, Team, User


def agents_visible_to(*, fetched_by) -> QuerySet[Agent]:
    """Admins see every agent, managers the agents of their teams, agents themselves."""
    agents = Agent.objects.select_related("team", "user")
    role = getattr(fetched_by, "role", None)
    if role in (Role.ADMIN, INTEGRATION):
        return agents
    if role == Role.MANAGER:
        return agents.filter(team__managers=fetched_by)
    if role == Role.AGENT:
        return agents.filter(user=fetched_by)
    return agents.none()


def teams_visible_to(*, fetched_by) -> QuerySet[Team]:
    role = getattr(fetched_by, "role", None)
    teams = Team.objects.prefetch_related("managers")
    if role in (Role.ADMIN, INTEGRATION):
        return teams
    if role == Role.MANAGER:
        return teams.filter(managers=fetched_by)
    if role == Role.AGENT:
        return teams.filter(agents__user=fetched_by)
    return teams.none()


USER_STATUSES = ("active", "deactivated")


def users_list(*, status: str = "") -> QuerySet[User]:
    """The contact center's users (platform staff have no role and are not listed), optionally
    only the "active" or the "deactivated" ones; anything else means all."""
    users = User.objects.exclude(role="").select_related("agent__team").prefetch_related("managed_teams")
    if status in USER_STATUSES:
        users = users.filter(is_active=status == "active")
    return users.order_by("role", "email")


def apikeys_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("created_by")


def own_agent(*, fetched_by) -> Agent | None:
    """The caller's own agent record (with its team), or None: a login need not be an agent."""
    if not getattr(fetched_by, "is_authenticated", False):
        return None
    return Agent.objects.select_related("team").filter(user=fetched_by).first()
