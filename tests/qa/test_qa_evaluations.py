"""QA evaluations: who sees which (alice hers, mona North's, beta nothing, 404 for not
yours), and the dispute rules (only the agent raises; the original reviewer cannot decide;
upheld recomputes the score, rejected keeps it; both recorded)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qa.form_versions import qa_form_create
from qa.models import QaAnswer, QaDispute, QaQuestion
from qa.selectors import disputes_pending_for, evaluations_visible_to
from qa.services import dispute_decide, dispute_raise, evaluation_acknowledge, evaluation_start
from tests.qa.test_qa_forms import ALL_MET, STRUCTURE, contacts, evaluate

# Long and with hyphens: a random token on a page (the CSRF token is 64 letters and digits)
# can never contain them, so "not in the page" fails only when the contact leaks.
NORTH, SOUTH = "north-contact-of-alice", "south-contact-of-bob"


@pytest.fixture
def qa(people):
    form = qa_form_create(name="Billing calls", structure=STRUCTURE, by=people.ada)
    north, south = contacts((NORTH, "alice.a"), (SOUTH, "bob.b"))
    mine = evaluate(form, north, people.mona, {**ALL_MET, "Greeting": 0})
    theirs = evaluate(form, south, people.max, ALL_MET)
    return form, mine, theirs


def greeting(evaluation):
    return QaAnswer.objects.get(evaluation=evaluation, question__text="Greeting")


def test_selectors_scope_evaluations(qa, people, in_tenant, tenants):
    _, mine, theirs = qa
    assert set(evaluations_visible_to(fetched_by=people.ada)) == {mine, theirs}
    assert list(evaluations_visible_to(fetched_by=people.mona)) == [mine]
    assert list(evaluations_visible_to(fetched_by=people.alice)) == [mine]
    assert list(evaluations_visible_to(fetched_by=people.bob)) == [theirs]
    in_tenant(tenants.beta)
    assert not evaluations_visible_to(fetched_by=people.bea).exists()


def test_a_manager_cannot_review_another_teams_contact(qa, people):
    form, _, _ = qa
    [south] = contacts(("s2", "bob.b"))
    with pytest.raises(ValidationError, match="cannot review"):
        evaluation_start(interaction=south, version=form, by=people.mona)
    with pytest.raises(ValidationError, match="cannot review"):
        evaluation_start(interaction=south, version=form, by=people.bob)


def test_drafts_stay_with_the_reviewer(qa, people):
    form, _, _ = qa
    [contact] = contacts(("n2", "alice.a"))
    draft = evaluation_start(interaction=contact, version=form, by=people.mona)
    assert draft not in evaluations_visible_to(fetched_by=people.alice)


def test_only_the_agent_raises_a_dispute_and_only_another_reviewer_decides(qa, people):
    _, mine, _ = qa
    for stranger in (people.bob, people.mona, people.ada):
        with pytest.raises(ValidationError, match="Only the agent"):
            dispute_raise(answer=greeting(mine), by=stranger, reason="I did greet")
    with pytest.raises(ValidationError, match="Say why"):
        dispute_raise(answer=greeting(mine), by=people.alice, reason="  ")
    dispute = dispute_raise(answer=greeting(mine), by=people.alice, reason="I did greet, at 00:02")
    mine.refresh_from_db()
    assert mine.status == "disputed"
    with pytest.raises(ValidationError, match="disputed already"):
        dispute_raise(answer=greeting(mine), by=people.alice, reason="again")

    assert dispute not in disputes_pending_for(fetched_by=people.mona)  # her own evaluation
    assert dispute not in disputes_pending_for(fetched_by=people.max)  # not his team
    assert list(disputes_pending_for(fetched_by=people.ada)) == [dispute]
    with pytest.raises(ValidationError, match="another reviewer"):
        dispute_decide(dispute=dispute, by=people.mona, decision="upheld", new_value=1)
    with pytest.raises(ValidationError, match="cannot review"):
        dispute_decide(dispute=dispute, by=people.max, decision="upheld", new_value=1)
    with pytest.raises(ValidationError, match="needs the new answer"):
        dispute_decide(dispute=dispute, by=people.ada, decision="upheld")

    assert mine.score_pct == pytest.approx(100 * 13 / 15)
    dispute_decide(dispute=dispute, by=people.ada, decision="upheld", new_value=1, note="Heard it.")
    mine.refresh_from_db()
    dispute.refresh_from_db()
    assert (mine.score_pct, mine.status) == (100.0, "submitted")
    assert (dispute.decision, dispute.decided_by, dispute.new_value, dispute.decision_note) == (
        "upheld",
        people.ada,
        1,
        "Heard it.",
    )
    assert greeting(mine).value == 1
    with pytest.raises(ValidationError, match="decided already"):
        dispute_decide(dispute=dispute, by=people.ada, decision="rejected")
    evaluation_acknowledge(evaluation=mine, by=people.alice)
    mine.refresh_from_db()
    assert mine.status == "acknowledged" and mine.acknowledged_at


def test_a_rejected_dispute_keeps_the_answer_and_is_recorded(qa, people):
    _, mine, _ = qa
    evaluation_acknowledge(evaluation=mine, by=people.alice)
    dispute = dispute_raise(answer=greeting(mine), by=people.alice, reason="I did greet")
    dispute_decide(dispute=dispute, by=people.ada, decision="rejected", note="No greeting on the recording.")
    mine.refresh_from_db()
    assert (mine.score_pct, mine.status) == (pytest.approx(100 * 13 / 15), "acknowledged")
    assert QaDispute.objects.get().decision == "rejected" and greeting(mine).value == 0


def test_only_the_agent_acknowledges(qa, people):
    _, mine, _ = qa
    with pytest.raises(ValidationError, match="Only the agent"):
        evaluation_acknowledge(evaluation=mine, by=people.mona)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["qa_evaluations", "qa_disputes", "qa_forms"])
def test_agents_cannot_open_reviewer_pages(qa, people, web, tenants, name):
    assert web(tenants.alpha, people.alice).get(reverse(name)).status_code == 403


def test_pages_show_only_what_is_yours(qa, people, web, tenants):
    _, mine, theirs = qa
    alice = web(tenants.alpha, people.alice)
    assert alice.get(reverse("qa_evaluation", args=[mine.pk])).status_code == 200
    assert alice.get(reverse("qa_evaluation", args=[theirs.pk])).status_code == 404
    listing = alice.get(reverse("my_qa")).content.decode()
    assert NORTH in listing and SOUTH not in listing

    mona = web(tenants.alpha, people.mona)
    page = mona.get(reverse("qa_evaluations")).content.decode()
    assert NORTH in page and SOUTH not in page
    assert mona.get(reverse("qa_evaluation", args=[theirs.pk])).status_code == 404
    assert mona.get(reverse("qa_evaluate") + f"?contact={SOUTH}").status_code == 404

    beta = web(tenants.beta, people.bea)
    assert beta.get(reverse("qa_evaluation", args=[mine.pk])).status_code == 404
    assert NORTH not in beta.get(reverse("qa_evaluations")).content.decode()


def test_reviewer_pages_start_save_and_submit(qa, people, web, tenants, django_assert_max_num_queries):
    form, _, _ = qa
    [contact] = contacts(("n3", "alice.a"))
    mona = web(tenants.alpha, people.mona)
    page = mona.get(reverse("qa_evaluate") + "?contact=n3")
    assert page.status_code == 200
    response = mona.post(reverse("qa_evaluate"), {"contact": "n3", "form": form.form_id})
    evaluation = contact.qa_evaluations.get()
    assert response.url == reverse("qa_evaluation", args=[evaluation.pk])
    questions = {q.text: q.pk for q in QaQuestion.objects.filter(section__version=form)}
    answers = {f"q{questions[t]}": v for t, v in {**ALL_MET, "Offered a callback": "na"}.items()}
    mona.post(response.url, {**answers, f"q{questions['Greeting']}": "", "action": "submit"})
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"  # greeting missing: the rest is saved as a draft
    mona.post(response.url, {**answers, f"c{questions['Greeting']}": "Warm", "action": "submit"})
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.score_pct) == ("submitted", 100.0)
    assert evaluation.answers.get(question_id=questions["Greeting"]).comment == "Warm"
    with django_assert_max_num_queries(20):
        assert "n3" in mona.get(reverse("qa_evaluations")).content.decode()
    assert web(tenants.alpha, people.max).post(response.url, answers).status_code == 404
