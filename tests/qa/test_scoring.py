"""QA scoring with weights, N/A, auto-fail and section fail; Cohen's kappa by hand."""

import pytest

from qa.scoring import Answer, Question, ScoringError, cohen_kappa, score

# section 1: greeting (yes/no, 2 points), empathy (1–5, 4 points, N/A allowed)
# section 2: disclosure (yes/no, 1 point, fails the section), resolution (points, 0–3)
# section 3: identity check (yes/no, 1 point, fails everything)
FORM = [
    Question(1, 1, "yes_no", 2),
    Question(2, 1, "one_to_five", 4, allow_na=True),
    Question(3, 2, "yes_no", 1, compliance="section_fail"),
    Question(4, 2, "points", 3),
    Question(5, 3, "yes_no", 1, compliance="auto_fail"),
]


def answers(**values):
    base = {1: 1, 2: 4, 3: 1, 4: 2, 5: 1}
    base.update({int(k[1:]): v for k, v in values.items()})
    return [Answer(q, None, not_applicable=True) if v == "na" else Answer(q, v) for q, v in base.items()]


def test_weighted_percentage_of_points():
    result = score(FORM, answers())
    # earned 2 + 4 * 3/4 + 1 + 2 + 1 = 9 of 2 + 4 + 1 + 3 + 1 = 11
    assert (result.earned, result.possible) == (9, 11)
    assert result.pct == pytest.approx(100 * 9 / 11)
    assert not result.compliance_failed


def test_not_applicable_leaves_the_question_out():
    result = score(FORM, answers(q2="na"))
    assert (result.earned, result.possible) == (6, 7)


def test_a_failed_section_item_zeroes_its_section_only():
    result = score(FORM, answers(q3=0))
    assert (result.earned, result.possible) == (6, 11)  # section 2's 1 + 2 are lost
    assert result.compliance_failed and result.failed_sections == {2} and not result.auto_failed


def test_a_failed_auto_fail_item_zeroes_the_evaluation():
    result = score(FORM, answers(q5=0))
    assert (result.pct, result.compliance_failed, result.auto_failed) == (0, True, True)


def test_bad_answers_are_refused():
    with pytest.raises(ScoringError, match="cannot be answered N/A"):
        score(FORM, answers(q1="na"))
    with pytest.raises(ScoringError, match="1–5"):
        score(FORM, answers(q2=6))
    with pytest.raises(ScoringError, match="without an answer"):
        score(FORM, answers()[:3])


def test_cohen_kappa_against_a_hand_computed_example():
    # 10 items: both yes 4, both no 3, rule yes / human no 2, rule no / human yes 1
    pairs = [(True, True)] * 4 + [(False, False)] * 3 + [(True, False)] * 2 + [(False, True)]
    # observed 0.7; rule yes 0.6, human yes 0.5: expected 0.6*0.5 + 0.4*0.5 = 0.5; kappa 0.4
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([]) is None
    assert cohen_kappa([(True, True)] * 3) is None
