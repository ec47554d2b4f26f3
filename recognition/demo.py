"""A few kudos in the demo tenant (its milestones come from its data, after the KPI recompute)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Agent, Role, User
from interactions.models import Interaction

from .models import Kudos
from .services import kudos_give


def demo_kudos_create(*, manager: User, agent_user: User) -> int:
    """The manager thanks the demo agent and a teammate, the demo agent thanks a teammate
    privately; nothing when the demo has kudos already. Returns how many were given."""
    if Kudos.objects.exists() or agent_user.role != Role.AGENT:
        return 0
    me = Agent.objects.filter(user=agent_user).first()
    if me is None or me.team_id is None:
        return 0
    teammates = list(Agent.objects.filter(team_id=me.team_id).exclude(pk=me.pk).order_by("acd_login")[:2])
    contact = Interaction.objects.filter(agent=me).order_by("-offered_at").first()
    given = [
        kudos_give(
            giver=manager,
            receiver=me,
            behaviour="empathy",
            interaction=contact,
            message="You took the time to understand what the customer really needed.",
        )
    ]
    if teammates:
        given.append(
            kudos_give(giver=manager, receiver=teammates[0], behaviour="explained_clearly", message="Clear and kind.")
        )
        given.append(
            kudos_give(
                giver=agent_user,
                receiver=teammates[-1],
                behaviour="helped_teammate",
                message="Thanks for the tip on refunds.",
                visibility="private",
            )
        )
    # spread over the last days, so the feed and the digest read like a week
    for days, kudos in enumerate(given):
        Kudos.objects.filter(pk=kudos.pk).update(created_at=timezone.now() - dt.timedelta(days=days + 1))
    return len(given)
