"""Every audited change writes exactly one row, with who, what, before and after; a change
that changes nothing, or is rolled back, writes none."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import ApiKey
from accounts.services import (
    agent_invite,
    agent_update,
    apikey_create,
    apikey_revoke,
    manager_teams_set,
    team_create,
    team_update,
    user_create,
    user_deactivate,
    user_reactivate,
    user_role_change,
    user_teams_set,
)
from audit.context import acting_as
from audit.models import AuditEvent
from coaching.exclusions import exclusion_add, exclusion_remove
from coaching.sessions import coaching_session_create, coaching_session_notes_set
from interactions.services import import_stream, import_submit
from qa.form_versions import qa_form_create
from qa.models import QaAnswer
from qa.services import dispute_decide, dispute_raise, evaluation_acknowledge
from scorecards.targets import settings_update, target_retire, target_set
from tenants.models import Tenant
from tests.factories import AgentFactory, InteractionFactory, SurveyResponseFactory
from tests.qa.test_qa_forms import ALL_MET, STRUCTURE, contacts, evaluate

MONDAY = dt.date(2026, 3, 2)


@dataclass
class Expect:
    action: str
    actor: str
    object_type: str
    before: dict | None = None
    after: dict | None = None  # a subset of the row's after
    also: list[str] = field(default_factory=list)  # other actions the same act writes


def _session(people):
    session = coaching_session_create(agent=people.alice.agent, by=people.mona, focus_kpis=["fcr"])
    return coaching_session_notes_set(session=session, by=people.mona, notes="Talked about holds.")


def _evaluation(people):
    form = qa_form_create(name="Billing calls", structure=STRUCTURE, by=people.ada)
    [contact] = contacts(("audit-north-contact", "alice.a"))
    return evaluate(form, contact, people.mona, {**ALL_MET, "Greeting": 0})


def _greeting(evaluation):
    return QaAnswer.objects.get(evaluation=evaluation, question__text="Greeting")


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# Each case: setup(people, tenants) -> the change (a function of no arguments) and what it must record.
def case_user_create(people, tenants):
    def change():
        with acting_as(people.ada):
            user_create(email="Nina@alpha.test", password=None, role="manager")

    return change, Expect(
        "user.create", "ada@alpha.test", "accounts.user", None, {"email": "nina@alpha.test", "role": "manager"}
    )


def case_agent_invite(people, tenants):
    agent = AgentFactory(acd_login="carl.c", display_name="Carl C")

    def change():
        with acting_as(people.ada):
            agent_invite(agent=agent, email="carl@alpha.test")

    return change, Expect("user.create", "ada@alpha.test", "accounts.user", None, {"role": "agent"})


def case_manager_teams_set(people, tenants):
    def change():
        with acting_as(people.ada):
            manager_teams_set(manager=people.mona, teams=[people.north, people.south])

    return change, Expect(
        "manager.teams_set", "ada@alpha.test", "accounts.user", {"teams": ["North"]}, {"teams": ["North", "South"]}
    )


def case_team_create(people, tenants):
    def change():
        with acting_as(people.ada):
            team_create(name="East", managers=[people.max])

    return change, Expect(
        "team.create", "ada@alpha.test", "accounts.team", None, {"name": "East", "managers": ["max@alpha.test"]}
    )


def case_team_update(people, tenants):
    def change():
        with acting_as(people.ada):
            team_update(team=people.north, name="Nord", managers=[people.mona, people.max])

    return change, Expect(
        "team.update",
        "ada@alpha.test",
        "accounts.team",
        {"name": "North", "managers": ["mona@alpha.test"]},
        {"name": "Nord", "managers": ["max@alpha.test", "mona@alpha.test"]},
    )


def case_agent_move(people, tenants):
    def change():
        with acting_as(people.ada):
            agent_update(agent=people.alice.agent, display_name="Alice", team=people.south)

    return change, Expect("agent.move", "ada@alpha.test", "accounts.agent", {"team": "North"}, {"team": "South"})


def case_agent_rename(people, tenants):
    def change():
        with acting_as(people.ada):
            agent_update(agent=people.alice.agent, display_name="Alice A.", team=people.north)

    return change, Expect(
        "agent.update", "ada@alpha.test", "accounts.agent", {"display_name": "Alice"}, {"display_name": "Alice A."}
    )


def case_apikey_create(people, tenants):
    return (lambda: apikey_create(name="wfm", created_by=people.ada)), Expect(
        "apikey.create", "ada@alpha.test", "accounts.apikey", None, {"name": "wfm"}
    )


def case_apikey_revoke(people, tenants):
    key = ApiKey.objects.get(name="alpha crm")

    def change():
        apikey_revoke(key=key, by=people.ada)
        key.refresh_from_db()
        assert key.revoked_by == people.ada and key.revoked_at is not None

    return change, Expect("apikey.revoke", "ada@alpha.test", "accounts.apikey", {"revoked_at": None}, {})


def case_coaching_note_edit(people, tenants):
    session = _session(people)

    def change():
        coaching_session_notes_set(session=session, by=people.mona, notes="Talked about holds; agreed a script.")

    return change, Expect(
        "coaching_note.edit",
        "mona@alpha.test",
        "coaching.coachingsession",
        {"notes": "Talked about holds."},
        {"notes": "Talked about holds; agreed a script."},
    )


def case_settings_change(people, tenants):
    alpha = Tenant.objects.get(pk=tenants.alpha.pk)  # a copy: the session's tenant is shared

    def change():
        settings_update(tenant=alpha, changes={"min_sample": 50, "cost_per_paid_hour": "31.50"}, by=people.ada)

    return change, Expect(
        "settings.change",
        "ada@alpha.test",
        "tenants.tenant.kpi_settings",
        {"min_sample": "30", "cost_per_paid_hour": "0"},
        {"min_sample": "50", "cost_per_paid_hour": "31.5"},
    )


def case_target_set(people, tenants):
    def change():
        target_set(kpi="fcr", green=80, amber=70, effective_from=MONDAY, by=people.ada)

    return change, Expect(
        "target.set", "ada@alpha.test", "scorecards.target", None, {"kpi": "fcr", "green": 80, "amber": 70}
    )


def case_target_update(people, tenants):
    target_set(kpi="fcr", green=80, amber=70, effective_from=MONDAY, by=people.ada)

    def change():
        target_set(kpi="fcr", green=85, amber=70, effective_from=MONDAY, by=people.ada)

    return change, Expect("target.set", "ada@alpha.test", "scorecards.target", {"green": 80}, {"green": 85})


def case_target_retire(people, tenants):
    target = target_set(kpi="csat", green=80, amber=70, effective_from=MONDAY, by=people.ada)
    return (lambda: target_retire(target=target, by=people.ada)), Expect(
        "target.retire", "ada@alpha.test", "scorecards.target", {"kpi": "csat", "green": 80}, None
    )


def case_exclusion_create(people, tenants):
    contact = InteractionFactory(external_id="outage-1", agent=people.alice.agent)
    return (lambda: exclusion_add(interaction=contact, reason="outage", note="ACD down", by=people.mona)), Expect(
        "exclusion.create",
        "mona@alpha.test",
        "coaching.interactionexclusion",
        None,
        {"interaction": "outage-1", "reason": "outage", "note": "ACD down"},
    )


def case_exclusion_remove(people, tenants):
    contact = InteractionFactory(external_id="outage-2", agent=people.alice.agent)
    exclusion = exclusion_add(interaction=contact, reason="outage", by=people.mona)
    return (lambda: exclusion_remove(exclusion=exclusion, by=people.ada)), Expect(
        "exclusion.remove",
        "ada@alpha.test",
        "coaching.interactionexclusion",
        {"interaction": "outage-2", "removed": False},
        {"interaction": "outage-2", "removed": True},
    )


def case_import_run(people, tenants):
    text = "interaction_external_id,survey,score,responded_at,comment\nnowhere,csat,5,2026-03-02T12:00:00,\n"

    def change():
        run = import_submit(
            kind="survey_responses", upload=_upload("answers.csv", text), created_by=people.ada, run_async=False
        )
        assert run.status == "done"

    return change, Expect(
        "import.run",
        "ada@alpha.test",
        "interactions.importrun",
        None,
        {"kind": "survey_responses", "file_name": "answers.csv", "status": "done", "created": 0, "rejected": 1},
    )


def case_survey_response_overwrite(people, tenants):
    answered = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    SurveyResponseFactory(
        interaction__external_id="asked-1", score=5, responded_at=answered, comment="lovely", source="link"
    )
    text = "interaction_external_id,survey,score,responded_at,comment\nasked-1,csat,1,2026-03-02T12:00:00,\n"

    def change():
        import_submit(kind="survey_responses", upload=_upload("crm.csv", text), created_by=people.ada, run_async=False)

    return change, Expect(
        "survey_response.overwrite",
        "ada@alpha.test",
        "surveys.surveyresponse",
        {"score": 5, "comment": "lovely", "source": "link", "responded_at": "2026-03-02T11:00:00Z"},
        {"score": 1, "comment": "", "source": "import", "responded_at": "2026-03-02T11:00:00Z"},
        also=["import.run"],
    )


def case_user_deactivate(people, tenants):
    def change():
        with acting_as(people.ada):
            user_deactivate(user=people.bob, by=people.ada)

    return change, Expect(
        "user.deactivate", "ada@alpha.test", "accounts.user", {"is_active": True}, {"is_active": False}
    )


def case_user_reactivate(people, tenants):
    user_deactivate(user=people.bob)

    def change():
        with acting_as(people.ada):
            user_reactivate(user=people.bob)

    return change, Expect(
        "user.reactivate", "ada@alpha.test", "accounts.user", {"is_active": False}, {"is_active": True}
    )


def case_user_role_change(people, tenants):
    def change():
        with acting_as(people.ada):
            user_role_change(user=people.mona, role="admin", by=people.ada)

    return change, Expect(
        "user.role_change",
        "ada@alpha.test",
        "accounts.user",
        {"role": "manager", "teams": ["North"]},
        {"role": "admin"},
    )


def case_user_teams_set_of_a_manager(people, tenants):
    def change():
        with acting_as(people.ada):
            user_teams_set(user=people.mona, teams=[people.north, people.south])

    return change, Expect(
        "manager.teams_set", "ada@alpha.test", "accounts.user", {"teams": ["North"]}, {"teams": ["North", "South"]}
    )


def case_qa_evaluation_submit(people, tenants):
    return (lambda: _evaluation(people)), Expect(
        "qa.evaluation_submit", "mona@alpha.test", "qa.qaevaluation", None, {"status": "submitted"}
    )


def case_qa_evaluation_acknowledge(people, tenants):
    evaluation = _evaluation(people)
    return (lambda: evaluation_acknowledge(evaluation=evaluation, by=people.alice)), Expect(
        "qa.evaluation_acknowledge",
        "alice@alpha.test",
        "qa.qaevaluation",
        {"status": "submitted"},
        {"status": "acknowledged"},
    )


def case_qa_dispute_raise(people, tenants):
    evaluation = _evaluation(people)
    return (lambda: dispute_raise(answer=_greeting(evaluation), by=people.alice, reason="I did greet")), Expect(
        "qa.dispute_raise", "alice@alpha.test", "qa.qadispute", {"status": "submitted"}, {"status": "disputed"}
    )


def case_qa_dispute_decide(people, tenants):
    evaluation = _evaluation(people)
    dispute = dispute_raise(answer=_greeting(evaluation), by=people.alice, reason="I did greet")
    return (lambda: dispute_decide(dispute=dispute, by=people.ada, decision="upheld", new_value=1)), Expect(
        "qa.dispute_decide",
        "ada@alpha.test",
        "qa.qadispute",
        {"answer": 0, "status": "disputed"},
        {"answer": 1, "decision": "upheld", "status": "submitted"},
    )


CASES = [value for name, value in sorted(globals().items()) if name.startswith("case_")]


def _subset(expected: dict | None, actual: dict | None) -> bool:
    if expected is None:
        return actual is None
    return actual is not None and {k: actual.get(k) for k in expected} == expected


@pytest.mark.parametrize("case", CASES, ids=[c.__name__.removeprefix("case_") for c in CASES])
def test_every_audited_change_writes_one_row(case, people, tenants, new_events):
    change, expect = case(people, tenants)
    since = new_events.mark()
    change()
    events = new_events(since)
    assert sorted(e.action for e in events) == sorted([expect.action, *expect.also])
    [event] = [e for e in events if e.action == expect.action]
    assert (event.actor_label, event.object_type) == (expect.actor, expect.object_type)
    assert event.object_id and event.object_label
    assert _subset(expect.before, event.before), event.before
    assert _subset(expect.after, event.after), event.after


def test_a_change_that_changes_nothing_writes_nothing(people, tenants, new_events):
    session = _session(people)
    key = ApiKey.objects.get(name="alpha crm")
    apikey_revoke(key=key, by=people.ada)
    alpha = Tenant.objects.get(pk=tenants.alpha.pk)
    since = new_events.mark()
    team_update(team=people.north, name="North", managers=[people.mona])
    agent_update(agent=people.alice.agent, display_name="Alice", team=people.north)
    manager_teams_set(manager=people.mona, teams=[people.north])
    coaching_session_notes_set(session=session, by=people.mona, notes="Talked about holds.")
    apikey_revoke(key=key, by=people.max)  # already revoked: still ada's revocation
    settings_update(tenant=alpha, changes={"min_sample": 30}, by=people.ada)
    assert new_events(since) == []
    key.refresh_from_db()
    assert key.revoked_by == people.ada


def test_a_rolled_back_change_leaves_no_row(people, new_events):
    since = new_events.mark()
    with pytest.raises(RuntimeError), transaction.atomic():
        team_create(name="Ghost")
        raise RuntimeError("the request failed after the change")
    assert new_events(since) == []


def test_an_import_over_imported_answers_is_no_overwrite_of_a_customers(people, new_events):
    SurveyResponseFactory(interaction__external_id="crm-1", score=5, source="import")
    text = "interaction_external_id,survey,score,responded_at,comment\ncrm-1,csat,2,2026-03-02T12:00:00,\n"
    since = new_events.mark()
    summary = import_stream(kind="survey_responses", stream=io.BytesIO(text.encode()), tz=dt.UTC)
    assert summary.updated == 1
    assert new_events(since) == []


def test_the_import_of_a_worker_is_recorded_as_the_key_that_sent_it(people, api, tenants, new_events):
    """An API import is recorded as the key (there is no user), with the request's id."""
    client = api(tenants.alpha, key=people.alpha_key)
    text = "interaction_external_id,survey,score,responded_at,comment\n"
    since = new_events.mark()
    response = client.post(
        "/api/v1/imports/survey_responses/",
        {"file": _upload("empty.csv", text)},
        format="multipart",
        HTTP_X_REQUEST_ID="proxy-req-42",
    )
    assert response.status_code in (200, 201, 202), response.content
    [event] = new_events(since)
    assert (event.action, event.actor_label, event.actor_id) == ("import.run", "apikey:alpha crm", None)
    assert event.request_id == "proxy-req-42"


def test_events_outlive_what_they_name(people, new_events):
    since = new_events.mark()
    team = team_create(name="Short-lived")
    team.delete()
    [event] = new_events(since)
    assert AuditEvent.objects.filter(pk=event.pk, object_label="Short-lived").exists()


def test_an_exclusion_is_not_deleted_with_its_contact(people):
    from django.db.models import ProtectedError

    contact = InteractionFactory(external_id="outage-3", agent=people.alice.agent)
    exclusion_add(interaction=contact, reason="outage", by=people.mona)
    with pytest.raises(ProtectedError), transaction.atomic():
        contact.delete()
    assert contact.exclusions.count() == 1
