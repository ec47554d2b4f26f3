"""factory-boy factories for the rows tests build over and over, in the current schema.

Each factory gives only what the model needs to be valid; a test names what it is about:
``InteractionFactory(external_id="c1", agent=people.alice.agent, talk_seconds=200)``.
Queues, interaction types and agents are looked up by their natural key first, as an import
finds them, so ``QueueFactory(name="Billing")`` twice is one queue.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Agent, Role, Team, User
from accounts.services import user_create
from interactions.models import Interaction, InteractionType, Outcome, Queue
from scorecards.models import KpiSnapshot
from surveys.models import SurveyKind, SurveyResponse


class UserFactory(DjangoModelFactory):
    """Through accounts.services.user_create, like every user: it validates the role, makes the
    lower-cased email the username and hashes the password (None: the user cannot log in)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    password = None
    role = Role.AGENT
    first_name = factory.LazyAttribute(lambda o: o.email.split("@")[0])

    @classmethod
    def _create(cls, model_class: type[User], *args, **kwargs) -> User:
        return user_create(**kwargs)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class AgentFactory(DjangoModelFactory):
    class Meta:
        model = Agent
        django_get_or_create = ("acd_login",)

    acd_login = factory.Sequence(lambda n: f"agent{n}")


class QueueFactory(DjangoModelFactory):
    class Meta:
        model = Queue
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Queue {n}")


class InteractionTypeFactory(DjangoModelFactory):
    class Meta:
        model = InteractionType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"type {n}")


class InteractionFactory(DjangoModelFactory):
    """A voice contact answered two hours ago, with no agent, queue or type unless given.
    Two hours ago: survey sampling only invites about contacts offered within a link's
    validity. Tests about periods pass ``offered_at``."""

    class Meta:
        model = Interaction

    external_id = factory.Sequence(lambda n: f"contact-{n}")
    offered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    outcome = Outcome.ANSWERED
    # The check constraints: exactly the answered contacts have answered_at, never before the offer.
    answered_at = factory.LazyAttribute(lambda o: o.offered_at if o.outcome == Outcome.ANSWERED else None)


class SurveyResponseFactory(DjangoModelFactory):
    """A customer's answer (imported, by default) about a new contact, dated at the contact's
    offer: ``SurveyResponseFactory(survey="nps", score=3, interaction__agent=bob_agent)``."""

    class Meta:
        model = SurveyResponse

    interaction = factory.SubFactory(InteractionFactory)
    survey = SurveyKind.CSAT
    score = 5
    responded_at = factory.LazyAttribute(lambda o: o.interaction.offered_at)


class KpiSnapshotFactory(DjangoModelFactory):
    """One stored KPI value: ``KpiSnapshotFactory(kpi="fcr", key="alice.a", value=72.0, n=50)``.
    An agent's week by default, with enough data unless the test says otherwise."""

    class Meta:
        model = KpiSnapshot

    kpi = "fcr"
    scope = "agent"
    key = "alice.a"
    period = "week"
    period_start = dt.date(2026, 3, 2)
    value = 50.0
    numerator = 1
    denominator = 2
    n = 50
    insufficient_data = False
    computed_at = factory.LazyFunction(timezone.now)
