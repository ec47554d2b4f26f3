"""QA forms: building a form, scoring with weights, N/A, auto-fail and section fail through
the services (the stored score_pct), and versioning: a form edit after evaluations makes
version 2 while the old evaluation keeps version 1 and its score."""

import io
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from interactions.models import Interaction
from interactions.services import import_stream
from qa.form_versions import (
    qa_form_create,
    qa_form_edit,
    qa_item_move,
    qa_item_remove,
    qa_question_add,
    qa_section_add,
    version_current,
    version_structure,
)
from qa.models import QaEvaluation, QaQuestion
from qa.services import AnswerInput, evaluation_answers_set, evaluation_start, evaluation_submit

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HEADER = (
    "external_id,agent,queue,interaction_type,channel,customer_id,case_id,initiated_at,offered_at,"
    "answered_at,ended_at,talk_seconds,hold_seconds,acw_seconds,outcome,transferred,resolved,missed_by,cost\n"
)


def contacts(*rows):
    """rows: (external_id, acd_login); answered voice contacts on 2026-03-02."""
    text = HEADER + "".join(
        f"{ext},{login},Billing,billing,voice,K{i},,,2026-03-02T09:{i:02d}:00,2026-03-02T09:{i:02d}:10,"
        f"2026-03-02T09:{i + 1:02d}:00,40,0,10,answered,false,true,,\n"
        for i, (ext, login) in enumerate(rows)
    )
    summary = import_stream(kind="interactions", stream=io.BytesIO(text.encode()), tz=BERLIN).as_dict()
    assert summary["rejected"] == 0, summary["errors"]
    return [Interaction.objects.get(external_id=ext) for ext, _ in rows]


STRUCTURE = [
    {
        "title": "Opening",
        "questions": [
            {"text": "Greeting", "scale": "yes_no", "points": 2},
            {"text": "Verified identity", "scale": "yes_no", "points": 3, "compliance": "section_fail"},
        ],
    },
    {
        "title": "Resolution",
        "questions": [
            {"text": "Empathy", "scale": "one_to_five", "points": 4},
            {"text": "Offered a callback", "scale": "points", "points": 5, "allow_na": True},
        ],
    },
    {
        "title": "Compliance",
        "questions": [{"text": "Read the disclosure", "scale": "yes_no", "points": 1, "compliance": "auto_fail"}],
    },
]


def evaluate(version, contact, by, values):
    """values: question text -> value, or "na"."""
    evaluation = evaluation_start(interaction=contact, version=version, by=by)
    questions = {q.text: q.pk for q in QaQuestion.objects.filter(section__version=version)}
    evaluation_answers_set(
        evaluation=evaluation,
        by=by,
        answers={
            questions[text]: AnswerInput(not_applicable=True) if v == "na" else AnswerInput(value=v)
            for text, v in values.items()
        },
    )
    return evaluation_submit(evaluation=evaluation, by=by)


ALL_MET = {"Greeting": 1, "Verified identity": 1, "Empathy": 5, "Offered a callback": 5, "Read the disclosure": 1}


@pytest.fixture
def form(people):
    return qa_form_create(name="Billing calls", structure=STRUCTURE, by=people.ada)


@pytest.mark.parametrize(
    ("changes", "pct", "failed"),
    [
        ({}, 100.0, False),
        # weights: greeting missed loses 2 of 15; empathy 3 earns (3-1)/4 * 4 = 2 of 4
        ({"Greeting": 0, "Empathy": 3}, 100 * 11 / 15, False),
        # N/A leaves the callback's 5 points out: 10 of 10
        ({"Offered a callback": "na"}, 100.0, False),
        ({"Offered a callback": "na", "Greeting": 0}, 80.0, False),
        # section fail: Opening earns 0 (5 of 15 lost), the rest stands
        ({"Verified identity": 0}, 100 * 10 / 15, True),
        # auto-fail: everything is 0
        ({"Read the disclosure": 0}, 0.0, True),
    ],
)
def test_stored_score_follows_weights_na_and_compliance(form, people, changes, pct, failed):
    [contact] = contacts(("q1", "alice.a"))
    evaluation = evaluate(form, contact, people.mona, {**ALL_MET, **changes})
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"
    assert evaluation.score_pct == pytest.approx(pct)
    assert evaluation.compliance_failed is failed


def test_submit_needs_every_answer_and_na_only_where_allowed(form, people):
    [contact] = contacts(("q1", "alice.a"))
    with pytest.raises(ValidationError, match="cannot be answered N/A"):
        evaluate(form, contact, people.mona, {**ALL_MET, "Greeting": "na"})
    with pytest.raises(ValidationError, match="Answer every question first: Empathy"):
        evaluate(form, contact, people.mona, {k: v for k, v in ALL_MET.items() if k != "Empathy"})
    with pytest.raises(ValidationError, match="1–5"):
        evaluate(form, contact, people.mona, {**ALL_MET, "Empathy": 7})


def test_editing_a_form_in_use_makes_version_2_and_old_evaluations_keep_theirs(form, people):
    [contact] = contacts(("q1", "alice.a"))
    old = evaluate(form, contact, people.mona, {**ALL_MET, "Greeting": 0})
    old_questions = set(QaQuestion.objects.filter(section__version=form).values_list("pk", flat=True))

    structure = version_structure(form)
    structure[0]["questions"][0]["points"] = 10
    v2 = qa_form_edit(form=form.form, structure=structure, by=people.ada)

    assert (v2.number, version_current(form.form)) == (2, v2)
    old.refresh_from_db()
    assert old.version_id == form.pk and old.score_pct == pytest.approx(100 * 13 / 15)
    assert set(QaQuestion.objects.filter(section__version=form).values_list("pk", flat=True)) == old_questions
    assert QaQuestion.objects.get(section__version=form, text="Greeting").points == 2
    assert QaQuestion.objects.get(section__version=v2, text="Greeting").points == 10
    # a new evaluation uses version 2's weights
    [second] = contacts(("q2", "alice.a"))
    new = evaluate(v2, second, people.mona, {**ALL_MET, "Greeting": 0})
    assert new.score_pct == pytest.approx(100 * 13 / 23)
    assert QaEvaluation.objects.get(pk=old.pk).score_pct == pytest.approx(100 * 13 / 15)


def test_builder_steps_edit_in_place_until_the_version_is_used(form, people):
    qa_section_add(form=form.form, title="Closing", by=people.ada)
    closing = form.sections.get(title="Closing")
    assert (
        qa_question_add(
            form=form.form,
            section_id=closing.pk,
            by=people.ada,
            question={"text": "Summarised", "scale": "yes_no", "points": 1},
        )
        == form
    )
    greeting = QaQuestion.objects.get(section__version=form, text="Greeting")
    qa_item_move(form=form.form, question_id=greeting.pk, step=1)
    assert [q["text"] for q in version_structure(form)[0]["questions"]] == ["Verified identity", "Greeting"]
    qa_item_move(form=form.form, section_id=closing.pk, step=-1)
    assert [s["title"] for s in version_structure(form)] == ["Opening", "Resolution", "Closing", "Compliance"]
    greeting.refresh_from_db()  # kept its row: only the position changed
    qa_item_remove(form=form.form, section_id=closing.pk)
    assert form.form.versions.count() == 1 and not form.sections.filter(title="Closing").exists()

    [contact] = contacts(("q1", "alice.a"))
    evaluation_start(interaction=contact, version=form, by=people.mona)  # even a draft pins it
    v2 = qa_item_remove(form=form.form, question_id=greeting.pk, by=people.ada)
    assert v2.number == 2 and QaQuestion.objects.filter(pk=greeting.pk).exists()
    assert [q["text"] for q in version_structure(v2)[0]["questions"]] == ["Verified identity"]


def test_form_structure_is_validated(people):
    with pytest.raises(ValidationError, match="at least 1 point"):
        qa_form_create(name="Bad", structure=[{"title": "S", "questions": [{"text": "Q", "points": 0}]}])
    with pytest.raises(ValidationError, match="Unknown scale"):
        qa_form_create(name="Bad", structure=[{"title": "S", "questions": [{"text": "Q", "scale": "stars"}]}])
    qa_form_create(name="Good", structure=[])
    with pytest.raises(ValidationError, match="exists already"):
        qa_form_create(name="good", structure=[])


# --- the builder page ---------------------------------------------------------------------


def test_builder_page_adds_sections_and_questions_and_copies_a_version_in_use(form, people, web, tenants):
    from django.urls import reverse

    admin = web(tenants.alpha, people.ada)
    url = reverse("qa_form", args=[form.form_id])
    assert web(tenants.alpha, people.mona).get(url).status_code == 403
    admin.post(url, {"op": "section", "title": "Closing"})
    closing = form.sections.get(title="Closing")
    admin.post(
        url,
        {
            "op": "question",
            "section": closing.pk,
            "text": "Summarised the call",
            "scale": "one_to_five",
            "points": 3,
            "allow_na": "on",
            "compliance": "",
        },
    )
    question = QaQuestion.objects.get(section=closing)
    assert (question.scale, question.points, question.allow_na, form.form.versions.count()) == (
        "one_to_five",
        3,
        True,
        1,
    )

    [contact] = contacts(("q1", "alice.a"))
    evaluate(form, contact, people.mona, {**ALL_MET, "Summarised the call": "na"})
    assert "creates version 2" in admin.get(url).content.decode()
    response = admin.post(url, {"op": "remove", "question": question.pk}, follow=True)
    assert "this is version 2: past evaluations keep theirs" in response.content.decode()
    v2 = version_current(form.form)
    assert v2.number == 2 and not QaQuestion.objects.filter(section__version=v2, text="Summarised the call").exists()
    assert QaQuestion.objects.filter(pk=question.pk).exists()


def test_forms_page_creates_a_form(people, web, tenants):
    from django.urls import reverse

    response = web(tenants.alpha, people.ada).post(reverse("qa_forms"), {"name": "Chat quality"}, follow=True)
    assert response.status_code == 200 and "Chat quality" in response.content.decode()
