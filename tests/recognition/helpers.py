"""Shared set-up of the recognition tests: a teammate for alice (carl, agent of North) and
milestones written as recognition.milestones would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Agent, Role
from recognition.models import Milestone
from tests.factories import AgentFactory, UserFactory


def teammate(north, email="carl@alpha.test", login="carl.c"):
    user = UserFactory(email=email, role=Role.AGENT)
    AgentFactory(acd_login=login, display_name=email.split("@")[0].title(), team=north, user=user)
    return user


def agent_of(user) -> Agent:
    return Agent.objects.get(user=user)


def milestone(user, *, kind="csat_run", key="1", private=False, at=None, length=12) -> Milestone:
    return Milestone.objects.create(
        agent=agent_of(user),
        kind=kind,
        key=key,
        achieved_at=at or timezone.now() - dt.timedelta(hours=1),
        facts={"length": length},
        private=private,
    )
