"""The coaching workflow, evidence, action items and what each persona can see."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coaching import selectors
from coaching.models import DEFAULT_AGENDA, SessionEvent
from coaching.sessions import (
    action_item_add,
    action_item_done,
    coaching_session_create,
    coaching_session_request,
    coaching_session_transition,
    evidence_add,
    next_steps,
)
from tests.factories import InteractionFactory, KpiSnapshotFactory, SurveyResponseFactory


def plan(people, **kwargs):
    return coaching_session_create(
        agent=people.alice.agent,
        by=people.mona,
        focus_kpis=["fcr"],
        focus_behaviours="",
        agenda=None,
        scheduled_for=None,
        **kwargs,
    )


def test_the_whole_workflow_is_recorded_as_events(people):
    session = plan(people)
    assert session.status == "planned" and session.agenda == DEFAULT_AGENDA
    coaching_session_transition(session=session, to="held", by=people.mona)
    session = coaching_session_transition(
        session=session, to="acknowledged", by=people.alice, comment="Thanks, the billing tips help."
    )
    assert session.agent_comment == "Thanks, the billing tips help." and session.acknowledged_at
    session = coaching_session_transition(
        session=session, to="follow_up", by=people.mona, follow_up_on=dt.date(2026, 4, 1)
    )
    session = coaching_session_transition(session=session, to="closed", by=people.mona)
    assert session.closed_at and session.held_at and session.follow_up_on == dt.date(2026, 4, 1)
    steps = list(SessionEvent.objects.filter(session=session).values_list("from_status", "to_status"))
    assert steps == [
        ("", "planned"),
        ("planned", "held"),
        ("held", "acknowledged"),
        ("acknowledged", "follow_up"),
        ("follow_up", "closed"),
    ]


@pytest.mark.parametrize(
    ("to", "by", "message"),
    [
        ("acknowledged", "alice", "A session must be held before the agent can acknowledge it."),
        ("closed", "mona", "Only a session with a follow-up can be closed."),
        ("follow_up", "mona", "The agent must acknowledge the session before a follow-up is planned."),
        ("held", "alice", "Only a manager of the agent's team or an admin can do this."),
        ("held", "max", "Only a manager of the agent's team or an admin can do this."),
        ("planned", "mona", "The session is already planned."),
        ("nonsense", "mona", "“nonsense” is not a step of the coaching workflow."),
    ],
)
def test_refused_transitions_say_why(people, to, by, message):
    session = plan(people)
    with pytest.raises(ValidationError) as refused:
        coaching_session_transition(session=session, to=to, by=getattr(people, by))
    assert refused.value.messages == [message]
    session.refresh_from_db()
    assert session.status == "planned" and session.events.count() == 1


def test_only_the_agent_acknowledges_and_a_follow_up_needs_a_date(people):
    session = plan(people)
    coaching_session_transition(session=session, to="held", by=people.mona)
    with pytest.raises(ValidationError, match="Only the agent can acknowledge"):
        coaching_session_transition(session=session, to="acknowledged", by=people.mona)
    coaching_session_transition(session=session, to="acknowledged", by=people.alice)
    with pytest.raises(ValidationError, match="A follow-up needs a date."):
        coaching_session_transition(session=session, to="follow_up", by=people.mona)


def test_next_steps_show_only_what_this_user_may_do(people):
    session = plan(people)
    assert [to for to, _ in next_steps(session=session, user=people.mona)] == ["held"]
    assert next_steps(session=session, user=people.alice) == []
    assert next_steps(session=session, user=people.max) == []
    session = coaching_session_transition(session=session, to="held", by=people.ada)
    assert [to for to, _ in next_steps(session=session, user=people.alice)] == ["acknowledged"]
    assert next_steps(session=session, user=people.mona) == []


def test_only_a_coach_of_the_agent_creates_a_session(people):
    with pytest.raises(ValidationError, match="Only a manager of the agent's team"):
        coaching_session_create(
            agent=people.alice.agent, by=people.max, focus_kpis=[], focus_behaviours="", agenda=None, scheduled_for=None
        )
    assert (
        coaching_session_create(
            agent=people.alice.agent,
            by=people.ada,
            focus_kpis=[],
            focus_behaviours="x",
            agenda="mine",
            scheduled_for=None,
        ).agenda
        == "mine"
    )


def test_an_agent_requests_a_session_and_her_manager_plans_it(people):
    session = coaching_session_request(agent_user=people.alice, reason="Angry callers wear me out")
    assert session.status == "requested" and session.coach is None
    assert session in selectors.sessions_visible_to(fetched_by=people.mona)
    assert session not in selectors.sessions_visible_to(fetched_by=people.max)
    with pytest.raises(ValidationError, match="Only a manager"):
        coaching_session_transition(session=session, to="planned", by=people.alice)
    session = coaching_session_transition(session=session, to="planned", by=people.mona)
    assert session.status == "planned" and session.coach == people.mona
    with pytest.raises(ValidationError, match="Only an agent"):
        coaching_session_request(agent_user=people.mona, reason="me too")


def test_who_sees_which_session(people, in_tenant, tenants):
    alices = plan(people)
    bobs = coaching_session_create(
        agent=people.bob.agent, by=people.max, focus_kpis=[], focus_behaviours="", agenda=None, scheduled_for=None
    )
    visible = {
        name: set(selectors.sessions_visible_to(fetched_by=getattr(people, name)))
        for name in ("ada", "mona", "max", "alice", "bob")
    }
    assert visible == {"ada": {alices, bobs}, "mona": {alices}, "max": {bobs}, "alice": {alices}, "bob": {bobs}}
    in_tenant(tenants.beta)
    assert not selectors.sessions_visible_to(fetched_by=people.bea).exists()


def test_evidence_copies_a_kpi_value_and_needs_a_visible_contact(people):
    session = plan(people)
    snap = KpiSnapshotFactory(value=72.0, numerator=36, denominator=50, n=50, ci_low=58.3, ci_high=82.5)
    evidence = evidence_add(session=session, by=people.mona, kpi_snapshot=snap)
    snap.value = 10.0
    snap.save()
    evidence.refresh_from_db()
    assert (evidence.kind, evidence.value, evidence.n, evidence.ci_low) == ("kpi", 72.0, 50, 58.3)

    InteractionFactory(external_id="c-bob", agent=people.bob.agent)
    with pytest.raises(ValidationError, match="No contact “c-bob” that you can see."):
        evidence_add(session=session, by=people.mona, interaction_external_id="c-bob")
    InteractionFactory(external_id="c-alice", agent=people.alice.agent)
    assert evidence_add(session=session, by=people.mona, interaction_external_id="c-alice").interaction


def test_evidence_of_another_agent_is_refused_even_to_who_may_see_it(people):
    """Alice reads every piece of evidence in her session: an admin (who sees every contact)
    cannot put Bob's contact, his customer's comment or his values in front of her."""
    session = plan(people)
    bobs = InteractionFactory(external_id="c-bob", agent=people.bob.agent)
    with pytest.raises(ValidationError, match="Contact “c-bob” is about another agent's work"):
        evidence_add(session=session, by=people.ada, interaction_external_id="c-bob")
    comment = SurveyResponseFactory(interaction=bobs, score=1, comment="Bob was rude")
    with pytest.raises(ValidationError, match="This customer's comment is about another agent's work"):
        evidence_add(session=session, by=people.ada, survey_response=comment)
    for scope, key in (("agent", "bob.b"), ("team", "North"), ("tenant", "all")):
        snapshot = KpiSnapshotFactory(scope=scope, key=key)
        with pytest.raises(ValidationError, match="This fcr value is about another agent's work"):
            evidence_add(session=session, by=people.ada, kpi_snapshot=snapshot)
    assert not session.evidence.exists()
    own = SurveyResponseFactory(interaction=InteractionFactory(agent=people.alice.agent), comment="thanks")
    assert evidence_add(session=session, by=people.ada, survey_response=own).survey_response == own


def test_action_items_and_the_overdue_list(people):
    session = plan(people)
    today = dt.date(2026, 3, 10)
    late = action_item_add(
        session=session,
        by=people.mona,
        description="Shadow a billing expert",
        owner=people.alice,
        due_on=dt.date(2026, 3, 9),
    )
    action_item_add(
        session=session,
        by=people.mona,
        description="Find the refund macro",
        owner=people.mona,
        due_on=dt.date(2026, 3, 10),
    )
    with pytest.raises(ValidationError, match="belongs to the agent or the coach"):
        action_item_add(session=session, by=people.mona, description="x", owner=people.bob)
    assert list(selectors.action_items_overdue(fetched_by=people.mona, today=today)) == [late]
    assert list(selectors.action_items_overdue(fetched_by=people.alice, today=today)) == [late]
    assert not selectors.action_items_overdue(fetched_by=people.max, today=today).exists()
    with pytest.raises(ValidationError, match="Only the owner or the coach"):
        action_item_done(item=late, by=people.bob)
    action_item_done(item=late, by=people.alice)
    assert not selectors.action_items_overdue(fetched_by=people.mona, today=today).exists()


def test_sessions_held_more_than_two_days_ago_wait_for_acknowledgement(people):
    session = plan(people)
    coaching_session_transition(session=session, to="held", by=people.mona)
    now = timezone.now()
    assert not selectors.sessions_unacknowledged(fetched_by=people.mona, now=now).exists()
    later = now + dt.timedelta(days=2, minutes=1)
    assert list(selectors.sessions_unacknowledged(fetched_by=people.mona, now=later)) == [session]
    assert not selectors.sessions_unacknowledged(fetched_by=people.max, now=later).exists()
    row = selectors.sessions_listed(fetched_by=people.mona, now=later).get()
    assert row.unacknowledged and not row.has_overdue


def test_a_qa_evaluation_is_evidence_only_for_the_evaluated_agent_and_once_submitted(people):
    from qa.models import QaEvaluation, QaForm, QaFormVersion

    session = plan(people)
    version = QaFormVersion.objects.create(form=QaForm.objects.create(name="Calls"), number=1)

    def evaluation(agent, **kwargs):
        contact = InteractionFactory(agent=agent)
        return QaEvaluation.objects.create(interaction=contact, version=version, reviewer=people.ada, **kwargs)

    bobs = evaluation(people.bob.agent, status="submitted", score_pct=40.0)
    with pytest.raises(ValidationError, match="This QA evaluation is about another agent's work"):
        evidence_add(session=session, by=people.ada, qa_evaluation=bobs)
    draft = evaluation(people.alice.agent)
    with pytest.raises(ValidationError, match="Only a submitted QA evaluation"):
        evidence_add(session=session, by=people.mona, qa_evaluation=draft)
    hers = evaluation(people.alice.agent, status="submitted", score_pct=87.5)
    evidence = evidence_add(session=session, by=people.mona, qa_evaluation=hers)
    assert (evidence.kind, evidence.qa_evaluation, evidence.interaction) == ("qa_evaluation", hers, hers.interaction)
