"""QA scoring, pure (no ORM): a percentage of applicable points, with N/A and compliance.

- A question answered N/A (where allowed) leaves the score: neither earned nor possible.
- Earned points: yes/no → all or nothing; 1–5 → (value − 1) / 4 of the points; points →
  the value itself (0 to the question's points).
- A compliance item fails when answered "no" (or the lowest value of its scale):
  auto_fail makes the whole evaluation score 0; section_fail makes its section earn 0.
  Either way the evaluation has a failed compliance item (qa_compliance_rate).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Question:
    id: int
    section: int
    scale: str  # yes_no, one_to_five, points
    points: int
    allow_na: bool = False
    compliance: str = ""  # "", auto_fail, section_fail


@dataclass(frozen=True)
class Answer:
    question: int
    value: int | None
    not_applicable: bool = False


@dataclass(frozen=True)
class Score:
    pct: float | None  # None when no question applied
    earned: float
    possible: float
    compliance_failed: bool
    auto_failed: bool
    failed_sections: frozenset[int]


class ScoringError(ValueError):
    pass


def earned_points(question: Question, value: int) -> float:
    if question.scale == "yes_no":
        if value not in (0, 1):
            raise ScoringError(
                _("question %(id)s: yes/no takes 1 or 0, not %(value)s") % {"id": question.id, "value": value}
            )
        return float(question.points * value)
    if question.scale == "one_to_five":
        if not 1 <= value <= 5:
            raise ScoringError(
                _("question %(id)s: the scale is 1–5, not %(value)s") % {"id": question.id, "value": value}
            )
        return question.points * (value - 1) / 4
    if not 0 <= value <= question.points:
        raise ScoringError(
            _("question %(id)s: 0 to %(points)s points, not %(value)s")
            % {"id": question.id, "points": question.points, "value": value}
        )
    return float(value)


def failed(question: Question, value: int) -> bool:
    lowest = 1 if question.scale == "one_to_five" else 0
    return bool(question.compliance) and value == lowest


def score(questions: list[Question], answers: list[Answer]) -> Score:
    by_question = {a.question: a for a in answers}
    missing = [q.id for q in questions if q.id not in by_question]
    if missing:
        raise ScoringError(_("questions without an answer: %(ids)s") % {"ids": missing})
    earned_by_section: dict[int, float] = {}
    possible = 0.0
    failed_sections: set[int] = set()
    auto_failed = False
    for question in questions:
        answer = by_question[question.id]
        if answer.not_applicable:
            if not question.allow_na:
                raise ScoringError(_("question %(id)s cannot be answered N/A") % {"id": question.id})
            continue
        if answer.value is None:
            raise ScoringError(_("question %(id)s has no value") % {"id": question.id})
        possible += question.points
        earned_by_section[question.section] = earned_by_section.get(question.section, 0.0) + earned_points(
            question, answer.value
        )
        if failed(question, answer.value):
            if question.compliance == "auto_fail":
                auto_failed = True
            else:
                failed_sections.add(question.section)
    earned = (
        0.0
        if auto_failed
        else sum(points for section, points in earned_by_section.items() if section not in failed_sections)
    )
    pct = None if possible == 0 else 100 * earned / possible
    return Score(
        pct=pct,
        earned=earned,
        possible=possible,
        compliance_failed=auto_failed or bool(failed_sections),
        auto_failed=auto_failed,
        failed_sections=frozenset(failed_sections),
    )


def cohen_kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa of two raters' yes/no on the same items; None without items or when
    chance agreement is total (both always said the same single answer)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    a_yes = sum(a for a, _ in pairs) / n
    b_yes = sum(b for _, b in pairs) / n
    expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)
