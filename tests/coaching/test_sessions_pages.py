"""Coaching session pages: who may open them, what they show, and their query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingSession
from coaching.sessions import action_item_add, coaching_session_create, coaching_session_transition
from scorecards.models import KpiSnapshot
from tests.factories import KpiSnapshotFactory, SurveyResponseFactory


def plan(people, agent=None, by=None, **kwargs):
    return coaching_session_create(
        agent=agent or people.alice.agent,
        by=by or people.mona,
        focus_kpis=kwargs.pop("focus_kpis", ["fcr"]),
        focus_behaviours="",
        agenda=None,
        scheduled_for=None,
        **kwargs,
    )


def test_a_manager_plans_a_session_with_kpi_evidence(people, web, tenants):
    KpiSnapshotFactory(value=72.0, numerator=36, denominator=50, n=50, ci_low=58.3, ci_high=82.5)
    client = web(tenants.alpha, people.mona)
    page = client.get(reverse("coaching_session_create") + f"?agent={people.alice.agent.pk}&kpis=fcr,nope")
    assert page.status_code == 200
    form = page.context["form"]
    assert list(form.fields["agent"].queryset) == [people.alice.agent]  # not bob
    assert form.initial == {"agent": str(people.alice.agent.pk), "focus_kpis": ["fcr"]}
    assert "What made these contacts hard?" in page.content.decode()

    answer = client.post(
        reverse("coaching_session_create"),
        {"agent": people.alice.agent.pk, "focus_kpis": ["fcr"], "agenda": "Billing calls"},
    )
    session = CoachingSession.objects.get()
    assert answer.url == reverse("coaching_session", args=[session.pk])
    detail = client.get(answer.url).content.decode()
    assert "72.0" in detail and "58.3 – 82.5" in detail and ">50<" in detail
    assert "Mark held" in detail and "Acknowledge" not in detail

    refused = client.post(reverse("coaching_session_create"), {"agent": people.bob.agent.pk})
    assert refused.status_code == 200 and "agent" in refused.context["form"].errors


@pytest.mark.parametrize("name", ["alice", "max", "bob"])
def test_not_yours_is_not_found(people, web, tenants, name):
    session = plan(people)
    item = action_item_add(session=session, by=people.mona, description="x", owner=people.alice)
    client = web(tenants.alpha, getattr(people, name))
    other = plan(people, agent=people.bob.agent, by=people.max)
    if name == "alice":
        session, item = other, action_item_add(session=other, by=people.max, description="y", owner=people.bob)
    elif name == "bob":
        pass
    assert client.get(reverse("coaching_session", args=[session.pk])).status_code == 404
    assert client.post(reverse("coaching_session_transition", args=[session.pk]), {"to": "held"}).status_code == 404
    assert client.post(reverse("coaching_action_item_done", args=[item.pk])).status_code == 404
    if name == "max":
        assert (
            client.post(
                reverse("coaching_action_item_add", args=[session.pk]), {"description": "z", "owner": "coach"}
            ).status_code
            == 404
        )
        assert session.pk not in [s.pk for s in client.get(reverse("coaching_sessions")).context["page"]]


def test_another_tenant_cannot_open_a_session(people, web, tenants, in_tenant):
    session = plan(people)
    in_tenant(tenants.beta)
    for user in (people.bea, people.bert):
        client = web(tenants.beta, user)
        assert client.get(reverse("coaching_session", args=[session.pk])).status_code == 404


def test_agents_may_not_open_manager_pages(people, web, tenants):
    client = web(tenants.alpha, people.alice)
    assert client.get(reverse("coaching_sessions")).status_code == 403
    assert client.get(reverse("coaching_session_create")).status_code == 403
    assert web(tenants.alpha, people.mona).get(reverse("my_coaching")).status_code == 403


def test_the_agent_acknowledges_with_a_comment_from_my_coaching(people, web, tenants):
    session = plan(people)
    coaching_session_transition(session=session, to="held", by=people.mona)
    client = web(tenants.alpha, people.alice)
    mine = client.get(reverse("my_coaching")).content.decode()
    assert "Acknowledge" in mine
    answer = client.post(
        reverse("coaching_session_transition", args=[session.pk]),
        {"to": "acknowledged", "comment": "Helpful", "next": reverse("my_coaching")},
    )
    assert answer.url == reverse("my_coaching")
    session.refresh_from_db()
    assert (session.status, session.agent_comment) == ("acknowledged", "Helpful")
    again = client.post(reverse("coaching_session_transition", args=[session.pk]), {"to": "acknowledged"}, follow=True)
    assert "The session is already acknowledged." in again.content.decode()


def test_a_refused_step_shows_its_message(people, web, tenants):
    session = plan(people)
    client = web(tenants.alpha, people.alice)
    answer = client.post(reverse("coaching_session_transition", args=[session.pk]), {"to": "acknowledged"}, follow=True)
    assert "A session must be held before the agent can acknowledge it." in answer.content.decode()


def test_an_agent_requests_a_session(people, web, tenants):
    client = web(tenants.alpha, people.alice)
    client.post(reverse("coaching_request"), {"reason": "Escalations"})
    session = CoachingSession.objects.get()
    assert (session.status, session.agent, session.focus_behaviours) == ("requested", people.alice.agent, "Escalations")
    manager = web(tenants.alpha, people.mona)
    listed = manager.get(reverse("coaching_sessions") + "?status=requested").content.decode()
    assert "Requested by the agent" in listed
    manager.post(reverse("coaching_session_transition", args=[session.pk]), {"to": "planned"})
    session.refresh_from_db()
    assert session.status == "planned"


def test_the_list_highlights_overdue_items_and_its_queries_do_not_grow(people, web, tenants):
    client = web(tenants.alpha, people.mona)
    session = plan(people)
    action_item_add(
        session=session,
        by=people.mona,
        description="Shadow Sam",
        owner=people.alice,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    client.get(reverse("coaching_sessions"))  # warm the session and the tenant
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("coaching_sessions"))
    assert "Shadow Sam" in page.content.decode() and "overdue action items" in page.content.decode()
    for _ in range(5):
        s = plan(people)
        coaching_session_transition(session=s, to="held", by=people.mona)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("coaching_sessions"))
    assert len(page.context["page"]) == 6 and len(many) == len(few)
    filtered = client.get(reverse("coaching_sessions"), {"status": "held", "agent": people.alice.agent.pk})
    assert len(filtered.context["page"]) == 5


def test_a_session_started_from_a_signal_keeps_it(people, web, tenants):
    from coaching.models import Signal

    signal = Signal.objects.create(
        kind="burnout_risk",
        agent=people.alice.agent,
        week_start=dt.date(2026, 3, 2),
        facts={},
        computed_at=timezone.now(),
    )
    client = web(tenants.alpha, people.mona)
    form = client.get(reverse("coaching_session_create") + f"?signal={signal.pk}").context["form"]
    assert form.initial["agent"] == people.alice.agent.pk and "Burnout risk" in form.initial["focus_behaviours"]
    client.post(reverse("coaching_session_create"), {"agent": people.alice.agent.pk, "signal": signal.pk})
    assert CoachingSession.objects.get().signal == signal
    other = web(tenants.alpha, people.max).post(
        reverse("coaching_session_create"), {"agent": people.bob.agent.pk, "signal": signal.pk}
    )
    assert "signal" in other.context["form"].errors


def test_a_coach_adds_a_weeks_kpi_value_and_a_survey_comment_she_can_see(people, web, tenants):
    session = plan(people)
    KpiSnapshot.objects.create(
        kpi="aht",
        scope="agent",
        key="alice.a",
        period="week",
        period_start=dt.date(2026, 3, 2),
        value=321.0,
        n=40,
        insufficient_data=False,
        computed_at=timezone.now(),
    )
    SurveyResponseFactory(
        score=2, comment="Rushed me", interaction__external_id="c-alice", interaction__agent=people.alice.agent
    )
    SurveyResponseFactory(
        score=2, comment="Bob was rude", interaction__external_id="c-bob", interaction__agent=people.bob.agent
    )
    client = web(tenants.alpha, people.mona)
    url = reverse("coaching_evidence_add", args=[session.pk])
    client.post(url, {"kind": "kpi", "kpi": "aht", "week": "2026-03-04"})  # a Wednesday: that week's value
    client.post(url, {"kind": "survey_comment", "external_id": " c-alice "})
    no_value = client.post(url, {"kind": "kpi", "kpi": "aht", "week": "2026-03-09"}, follow=True)
    assert "No weekly value of that KPI for this agent in that week." in no_value.content.decode()
    not_hers = client.post(url, {"kind": "survey_comment", "external_id": "c-bob"}, follow=True)
    assert "That contact has no survey comment that you can see." in not_hers.content.decode()
    assert [
        (e.kind, e.kpi, e.period_start, e.value, e.survey_response and e.survey_response.comment)
        for e in session.evidence.order_by("pk")
    ] == [("kpi", "aht", dt.date(2026, 3, 2), 321.0, None), ("survey_comment", "", None, None, "Rushed me")]


def test_evidence_from_the_page_a_qa_evaluation_and_another_agents_contact_refused(people, web, tenants):
    from qa.models import QaEvaluation, QaForm, QaFormVersion
    from tests.factories import InteractionFactory

    session = plan(people)
    version = QaFormVersion.objects.create(form=QaForm.objects.create(name="Billing calls form"), number=1)
    contact = InteractionFactory(external_id="evaluated-contact-of-alice", agent=people.alice.agent)
    QaEvaluation.objects.create(interaction=contact, version=version, status="submitted", score_pct=87.5)
    InteractionFactory(external_id="contact-of-bob-the-colleague", agent=people.bob.agent)
    ada = web(tenants.alpha, people.ada)
    url = reverse("coaching_evidence_add", args=[session.pk])
    ada.post(url, {"kind": "qa_evaluation", "external_id": "evaluated-contact-of-alice"})
    refused = ada.post(url, {"kind": "interaction", "external_id": "contact-of-bob-the-colleague"}, follow=True)
    assert "is about another agent&#x27;s work" in refused.content.decode()
    page = web(tenants.alpha, people.alice).get(reverse("coaching_session", args=[session.pk])).content.decode()
    assert "QA 87.5% (Billing calls form, evaluated-contact-of-alice)" in page
    assert "contact-of-bob-the-colleague" not in page
