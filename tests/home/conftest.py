"""Known items for the home pages, one of each in North (alice, managed by mona) and in South
(bob, managed by max): a signal, an overdue action item, a held session not acknowledged, a
dispute, an open follow-up and a team KPI off target this week."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from coaching.models import CoachingSession, Signal
from coaching.sessions import action_item_add, coaching_session_create, coaching_session_transition
from common.periods import local_date, week_start
from qa.models import QaAnswer
from qa.services import dispute_raise
from scorecards.targets import target_set
from surveys.models import FollowUp
from tests.factories import KpiSnapshotFactory, SurveyResponseFactory
from tests.qa.test_qa_forms import ALL_MET, STRUCTURE, contacts, evaluate


def this_week(tenant) -> dt.date:
    return week_start(local_date(timezone.now(), tenant.tz))


def _team_items(people, *, agent_user, manager, label: str, contact: str, form, week: dt.date, tenant):
    agent = agent_user.agent
    signal = Signal.objects.create(
        kind="burnout_risk", agent=agent, week_start=week, computed_at=timezone.now(), facts={"kpis": ["occupancy"]}
    )
    session = coaching_session_create(agent=agent, by=manager)
    coaching_session_transition(session=session, to="held", by=manager)
    CoachingSession.objects.filter(pk=session.pk).update(held_at=timezone.now() - dt.timedelta(days=3))
    today = local_date(timezone.now(), tenant.tz)
    item = action_item_add(
        session=session,
        by=manager,
        description=f"{label}-action-item",
        owner=agent_user,
        due_on=today - dt.timedelta(days=1),
    )
    [interaction] = contacts((contact, agent.acd_login))
    # reviewed by the admin: a manager never decides a dispute about her own evaluation
    evaluation = evaluate(form, interaction, people.ada, {**ALL_MET, "Greeting": 0})
    dispute = dispute_raise(
        answer=QaAnswer.objects.get(evaluation=evaluation, question__text="Greeting"),
        by=agent_user,
        reason=f"{label}-dispute-reason",
    )
    response = SurveyResponseFactory(survey="csat", score=1, comment=f"{label}-unhappy", interaction__agent=agent)
    follow_up = FollowUp.objects.create(response=response)
    for start, value, low, high in ((week, 50.0, 40.0, 60.0), (week - dt.timedelta(days=7), 55.0, 45.0, 65.0)):
        KpiSnapshotFactory(
            kpi="fcr",
            scope="team",
            key=agent.team.name,
            period_start=start,
            value=value,
            ci_low=low,
            ci_high=high,
            n=80,
        )
    return SimpleNamespace(
        signal=signal, session=session, item=item, evaluation=evaluation, dispute=dispute, follow_up=follow_up
    )


@pytest.fixture
def home_items(people, tenants):
    from qa.form_versions import qa_form_create

    form = qa_form_create(name="Billing calls", structure=STRUCTURE, by=people.ada)
    target_set(kpi="fcr", green=80, amber=70, effective_from=dt.date(2020, 1, 6), by=people.ada)
    week = this_week(tenants.alpha)
    north = _team_items(
        people,
        agent_user=people.alice,
        manager=people.mona,
        label="north",
        contact="north-contact",
        form=form,
        week=week,
        tenant=tenants.alpha,
    )
    south = _team_items(
        people,
        agent_user=people.bob,
        manager=people.max,
        label="south",
        contact="south-contact",
        form=form,
        week=week,
        tenant=tenants.alpha,
    )
    return SimpleNamespace(north=north, south=south, form=form, week=week)
