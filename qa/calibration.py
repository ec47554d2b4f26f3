"""Calibration: several reviewers score the same contact with the same form version; the
agreed evaluation is the reference. The report shows, per question, each reviewer's answer,
the agreed one and the spread; per reviewer, how often they gave the agreed answer and how
far their score lies from the agreed score (negative: strict, positive: lenient).

``calibration_report(calibration)``
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import scoring as qa_scoring
from .models import QaAnswer, QaCalibration, QaEvaluation, QaQuestion

# Score differences within this many percentage points read as "in line".
IN_LINE_POINTS = 2.0


def version_questions(version) -> list[QaQuestion]:
    return list(
        QaQuestion.objects.filter(section__version=version)
        .select_related("section")
        .order_by("section__position", "section_id", "position", "pk")
    )


def evaluation_score(questions: list[QaQuestion], answers: list[QaAnswer]) -> qa_scoring.Score | None:
    """The score of a set of answers (None when some question is unanswered or invalid)."""
    try:
        return qa_scoring.score(
            [
                qa_scoring.Question(
                    id=q.pk,
                    section=q.section_id,
                    scale=q.scale,
                    points=q.points,
                    allow_na=q.allow_na,
                    compliance=q.compliance,
                )
                for q in questions
            ],
            [
                qa_scoring.Answer(question=a.question_id, value=a.value, not_applicable=a.not_applicable)
                for a in answers
            ],
        )
    except qa_scoring.ScoringError:
        return None


def _shown(answer: QaAnswer | None) -> str:
    if answer is None:
        return "—"
    return "N/A" if answer.not_applicable else str(answer.value)


def _same(a: QaAnswer | None, b: QaAnswer | None) -> bool:
    return a is not None and b is not None and (a.not_applicable, a.value) == (b.not_applicable, b.value)


def _reviews(calibration: QaCalibration) -> QuerySet[QaEvaluation]:
    """The calibration's evaluations other than the agreed reference (all of them until one is agreed)."""
    evaluations = calibration.evaluations.all()
    if calibration.agreed_id is None:
        return evaluations
    return evaluations.exclude(pk=calibration.agreed_id)


def calibration_report(calibration: QaCalibration) -> dict:
    questions = version_questions(calibration.version)
    evaluations = list(_reviews(calibration).select_related("reviewer").prefetch_related("answers").order_by("pk"))
    agreed = calibration.agreed
    agreed_answers = {a.question_id: a for a in agreed.answers.all()} if agreed else {}
    agreed_score = evaluation_score(questions, list(agreed_answers.values())) if agreed else None
    by_eval = {e.pk: {a.question_id: a for a in e.answers.all()} for e in evaluations}

    rows = []
    for q in questions:
        answers = [by_eval[e.pk].get(q.pk) for e in evaluations]
        values = [a.value for a in answers if a is not None and not a.not_applicable and a.value is not None]
        rows.append(
            {
                "question": q,
                "answers": [_shown(a) for a in answers],
                "agreed": _shown(agreed_answers.get(q.pk)),
                "spread_min": min(values) if values else None,
                "spread_max": max(values) if values else None,
                "spread": (max(values) - min(values)) if values else None,
            }
        )

    reviewers = []
    for e in evaluations:
        own_answers = by_eval[e.pk]
        compared = [q for q in questions if q.pk in agreed_answers]
        same = sum(_same(own_answers.get(q.pk), agreed_answers[q.pk]) for q in compared)
        own = evaluation_score(questions, list(own_answers.values()))
        diff = None
        if own and own.pct is not None and agreed_score and agreed_score.pct is not None:
            diff = own.pct - agreed_score.pct
        leaning = (
            None
            if diff is None
            else ("in line" if abs(diff) <= IN_LINE_POINTS else ("strict" if diff < 0 else "lenient"))
        )
        reviewers.append(
            {
                "evaluation": e,
                "reviewer": e.reviewer,
                "score_pct": own.pct if own else None,
                "agreed_share_pct": 100 * same / len(compared) if compared else None,
                "score_diff": diff,
                "leaning": leaning,
            }
        )
    return {
        "calibration": calibration,
        "questions": rows,
        "reviewers": reviewers,
        "agreed": agreed,
        "agreed_score_pct": agreed_score.pct if agreed_score else None,
    }


@transaction.atomic
def calibration_evaluation_save(
    *, calibration: QaCalibration, reviewer, answers: dict[int, tuple], agreed: bool = False
) -> QaEvaluation:
    """Record (or replace) a reviewer's answers for a calibration: ``answers`` maps question id
    to (value, not_applicable, comment). ``agreed=True`` makes it the calibration's reference."""
    questions = version_questions(calibration.version)
    evaluation = _reviews(calibration).filter(reviewer=reviewer).first() if not agreed else calibration.agreed
    if evaluation is None:
        evaluation = QaEvaluation.objects.create(
            interaction=calibration.interaction, version=calibration.version, reviewer=reviewer, calibration=calibration
        )
    rows = []
    for q in questions:
        value, na, comment = answers.get(q.pk, (None, False, ""))
        rows.append(
            QaAnswer(
                evaluation=evaluation,
                question=q,
                value=None if na else value,
                not_applicable=bool(na),
                comment=comment or "",
            )
        )
    evaluation.answers.all().delete()
    QaAnswer.objects.bulk_create(rows)
    result = evaluation_score(questions, rows)
    evaluation.score_pct = result.pct if result else None
    evaluation.compliance_failed = bool(result and result.compliance_failed)
    evaluation.status = QaEvaluation.Status.SUBMITTED
    evaluation.evaluated_at = timezone.now()
    evaluation.save()
    if agreed and calibration.agreed_id != evaluation.pk:
        calibration.agreed = evaluation
        calibration.save(update_fields=["agreed"])
    return evaluation
