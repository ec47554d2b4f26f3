"""Automated checks on crafted transcripts (positions are 0-based character offsets), the
idempotent upsert, and agreement with human reviewers against a hand-computed example."""

import datetime as dt

import pytest

from interactions.models import Interaction
from qa.checks import agreement, qa_checks_run
from qa.models import (
    QaAnswer,
    QaCheckResult,
    QaCheckRule,
    QaEvaluation,
    QaForm,
    QaFormVersion,
    QaQuestion,
    QaSection,
)
from qa.tasks import qa_checks_task
from tests.factories import InteractionFactory

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def contact(ext, transcript="", *, channel="voice", hold=0, transferred=False, agent=None):
    return InteractionFactory(
        external_id=ext,
        transcript=transcript,
        channel=channel,
        hold_seconds=hold,
        transferred=transferred,
        offered_at=AT,
        answered_at=AT + dt.timedelta(seconds=5),
        agent=agent,
    )


def result(rule, interaction):
    return QaCheckResult.objects.get(rule=rule, interaction=interaction)


@pytest.fixture
def rules(people):
    return {
        "disclosure": QaCheckRule.objects.create(
            name="Recording disclosure", kind="required_phrase", phrase="this call is recorded", channels="voice"
        ),
        "swear": QaCheckRule.objects.create(name="No 'calm down'", kind="forbidden_phrase", phrase="Calm down"),
        "hold": QaCheckRule.objects.create(
            name="Hold notice", kind="hold_notice", phrase="may I place you on hold", threshold_seconds=60
        ),
        "transfer": QaCheckRule.objects.create(
            name="Transfer reason", kind="transfer_reason", phrase="transferring you to"
        ),
    }


def test_each_rule_kind_names_what_matched_and_where(rules):
    good = contact(
        "good",
        "Hello, THIS CALL IS RECORDED. May I place you on hold? Now transferring you to billing.",
        hold=120,
        transferred=True,
    )
    bad = contact("bad", "Hi. Calm down please.", hold=120, transferred=True)
    short_hold = contact("short", "Hi there", hold=30)
    chat = contact("chat", "this call is recorded", channel="chat")
    contact("silent", "")  # no transcript: not judged
    totals = qa_checks_run()
    # 3 voice transcripts for the voice-only rule; 4 transcripts for each of the 3 others
    assert totals == {"checked": 15, "created": 15, "updated": 0, "unchanged": 0}

    r = result(rules["disclosure"], good)
    assert (r.passed, r.matched, r.position) == (True, "THIS CALL IS RECORDED", 7)
    r = result(rules["disclosure"], bad)
    assert (r.passed, r.matched, r.position) == (False, "", None)
    assert not QaCheckResult.objects.filter(rule=rules["disclosure"], interaction=chat).exists()

    r = result(rules["swear"], bad)
    assert (r.passed, r.matched, r.position) == (False, "Calm down", 4)
    assert result(rules["swear"], good).passed

    r = result(rules["hold"], good)
    assert (r.passed, r.matched, r.position) == (True, "May I place you on hold", 30)
    assert not result(rules["hold"], bad).passed
    assert result(rules["hold"], short_hold).passed  # under the threshold: no notice needed

    r = result(rules["transfer"], good)
    assert (r.passed, r.matched) == (True, "transferring you to") and r.position == good.transcript.index(
        "transferring"
    )
    assert not result(rules["transfer"], bad).passed
    assert result(rules["transfer"], short_hold).passed  # not transferred
    assert QaCheckResult.objects.filter(interaction__external_id="silent").count() == 0


def test_a_rerun_changes_nothing_and_a_changed_transcript_updates(rules):
    fixed = contact("c1", "this call is recorded")
    changing = contact("c2", "nothing said")
    first = qa_checks_run()
    before = dict(QaCheckResult.objects.values_list("pk", "checked_at"))
    assert qa_checks_run() == {"checked": first["checked"], "created": 0, "updated": 0, "unchanged": first["checked"]}
    assert dict(QaCheckResult.objects.values_list("pk", "checked_at")) == before

    Interaction.objects.filter(pk=changing.pk).update(transcript="ok, this call is recorded")
    again = qa_checks_run(interactions=[changing])
    assert again == {"checked": 4, "created": 0, "updated": 1, "unchanged": 3}
    r = result(rules["disclosure"], changing)
    assert (r.passed, r.matched, r.position) == (True, "this call is recorded", 4)
    assert result(rules["disclosure"], fixed).checked_at == before[result(rules["disclosure"], fixed).pk]

    # inactive rules do not run; the task (schema from the connection here) runs since a time
    QaCheckRule.objects.exclude(pk=rules["disclosure"].pk).update(is_active=False)
    assert qa_checks_task((AT - dt.timedelta(days=3650)).isoformat())["checked"] == 2
    assert qa_checks_task(None)["unchanged"] == 2


@pytest.fixture
def linked(people):
    """Hand-computed example, 10 contacts, rule pass vs human "yes":
    both yes 4, rule yes / human no 1, rule no / human yes 2, both no 3.
    agreement = 7/10 = 70 %; p_rule_yes = .5, p_human_yes = .6,
    expected = .5*.6 + .5*.4 = .5, kappa = (.7 - .5) / (1 - .5) = 0.4."""
    form = QaForm.objects.create(name="Voice")
    version = QaFormVersion.objects.create(form=form, number=1)
    section = QaSection.objects.create(version=version, title="Opening")
    question = QaQuestion.objects.create(section=section, text="Recording disclosure given?", scale="yes_no")
    rule = QaCheckRule.objects.create(name="Disclosure", kind="required_phrase", phrase="recorded", question=question)
    cases = [(True, 1)] * 4 + [(True, 0)] + [(False, 1)] * 2 + [(False, 0)] * 3
    for n, (says, human) in enumerate(cases):
        c = contact(f"k{n}", "this call is recorded" if says else "hello")
        ev = QaEvaluation.objects.create(
            interaction=c, version=version, reviewer=people.mona, status="submitted", evaluated_at=AT
        )
        QaAnswer.objects.create(evaluation=ev, question=question, value=human)
    # not counted: a draft, a calibration-free N/A, and a contact without a human answer
    extra = contact("draft", "recorded")
    draft = QaEvaluation.objects.create(interaction=extra, version=version, status="draft")
    QaAnswer.objects.create(evaluation=draft, question=question, value=0)
    contact("nohuman", "recorded")
    qa_checks_run()
    return rule


def test_agreement_and_kappa_against_a_hand_computed_example(linked):
    row = agreement(linked)
    assert row["n"] == 10
    assert row["agreement_pct"] == pytest.approx(70.0)
    assert row["kappa"] == pytest.approx(0.4)


def test_agreement_page_and_a_contacts_results_page(linked, web, tenants, people):
    page = web(tenants.alpha, people.ada).get("/kpis/qa/checks/")
    assert page.status_code == 200
    row = next(r for r in page.context["agreement"] if r["rule"] == linked)
    assert (row["n"], round(row["agreement_pct"], 1), round(row["kappa"], 2)) == (10, 70.0, 0.4)
    assert "0.40" in page.content.decode() and "70.0 %" in page.content.decode()
    results = web(tenants.alpha, people.ada).get("/kpis/qa/checks/results/?contact=k0")
    assert results.status_code == 200 and "“recorded”" in results.content.decode()
    failures = web(tenants.alpha, people.ada).get("/kpis/qa/checks/results/")
    assert {r.interaction.external_id for r in failures.context["results"]} == {"k5", "k6", "k7", "k8", "k9"}


def test_an_admin_creates_edits_and_deactivates_a_rule(people, web, tenants):
    contact("x1", "Calm down, sir")
    client = web(tenants.alpha, people.ada)
    response = client.post(
        "/kpis/qa/checks/",
        {"name": "No calm down", "kind": "forbidden_phrase", "phrase": "calm down", "channels": "", "is_active": "on"},
    )
    assert response.status_code == 302
    rule = QaCheckRule.objects.get(name="No calm down")
    assert (result(rule, Interaction.objects.get(external_id="x1")).matched) == "Calm down"
    bad = client.post("/kpis/qa/checks/", {"name": "Hold", "kind": "hold_notice", "phrase": "hold"})
    assert bad.status_code == 200 and "threshold_seconds" in bad.context["form"].errors
    client.post(
        f"/kpis/qa/checks/rules/{rule.pk}/",
        {"name": "No calm down", "kind": "forbidden_phrase", "phrase": "calm down", "channels": ""},
    )
    rule.refresh_from_db()
    assert not rule.is_active


def test_access(people, web, tenants):
    contact("north1", "hello", agent=people.alice.agent)
    contact("south1", "hello", agent=people.bob.agent)
    rule = QaCheckRule.objects.create(name="r", kind="required_phrase", phrase="hello")
    for url in ("/kpis/qa/checks/", f"/kpis/qa/checks/rules/{rule.pk}/", "/kpis/qa/checks/results/"):
        assert web(tenants.alpha, people.alice).get(url).status_code == 403
    mona = web(tenants.alpha, people.mona)
    assert mona.get("/kpis/qa/checks/").status_code == 200
    assert mona.get(f"/kpis/qa/checks/rules/{rule.pk}/").status_code == 403  # admins write rules
    assert mona.get("/kpis/qa/checks/results/?contact=north1").status_code == 200
    assert mona.get("/kpis/qa/checks/results/?contact=south1").status_code == 404
    beta = web(tenants.beta, people.bea)
    assert beta.get(f"/kpis/qa/checks/rules/{rule.pk}/").status_code == 404
    assert beta.get("/kpis/qa/checks/results/?contact=north1").status_code == 404
