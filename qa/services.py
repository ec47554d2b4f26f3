"""Writes of QA. Evaluations: a reviewer scores a contact with a form version; the agent acknowledges
or disputes one answer; another reviewer decides the dispute. Scores come from
qa.scoring (pure) and are stored on the evaluation for the engine's qa_score and
qa_compliance_rate; every submit and decision asks for a recompute of the contact's day.

    evaluation = evaluation_start(interaction=contact, version=v, by=mona)
    evaluation_answers_set(evaluation=evaluation, by=mona, answers={q.pk: AnswerInput(1)})
    evaluation_submit(evaluation=evaluation, by=mona)

Also the automated check rules, the sampling plans and the calibration rounds: every write of
the QA pages goes through a function here (the views only validate and call).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.actions import Action
from audit.services import audit_record
from scorecards.services import kpi_recompute_enqueue
from tenants.current import current_tenant
from webhooks.links import tenant_link
from webhooks.models import Event as WebhookEvent
from webhooks.services import webhook_event_emit

from . import scoring as qa_scoring
from .checks import qa_checks_run
from .models import (
    QaAnswer,
    QaCalibration,
    QaCheckRule,
    QaDispute,
    QaEvaluation,
    QaForm,
    QaFormVersion,
    QaSamplingPlan,
)
from .selectors import evaluation_questions, reviewable_contacts

Status = QaEvaluation.Status


@dataclass(frozen=True)
class AnswerInput:
    value: int | None = None
    not_applicable: bool = False
    comment: str = ""


def _recompute_day(evaluation: QaEvaluation) -> None:
    day = timezone.localtime(evaluation.interaction.offered_at, zoneinfo.ZoneInfo(current_tenant().timezone)).date()
    kpi_recompute_enqueue(since=day, until=day, reason="qa")


def _audit(action: str, obj, evaluation: QaEvaluation, *, by, before=None, after=None) -> None:
    label = f"evaluation #{evaluation.pk} of {evaluation.interaction.external_id}"
    audit_record(action=action, obj=obj, object_label=label, before=before, after=after, actor=by)


def _scored(evaluation: QaEvaluation) -> dict:
    return {
        "status": evaluation.status,
        "score_pct": evaluation.score_pct,
        "compliance_failed": evaluation.compliance_failed,
    }


def _require_reviewer(user, interaction) -> None:
    if not reviewable_contacts(fetched_by=user).filter(pk=interaction.pk).exists():
        raise ValidationError(gettext("You cannot review this contact."))


def _rescore(evaluation: QaEvaluation) -> qa_scoring.Score:
    questions = evaluation_questions(evaluation)
    answers = {a.question_id: a for a in evaluation.answers.all()}
    try:
        result = qa_scoring.score(
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
                for a in answers.values()
            ],
        )
    except qa_scoring.ScoringError as error:
        texts = {q.pk: q.text for q in questions}
        missing = [
            texts[q.pk]
            for q in questions
            if q.pk not in answers or (answers[q.pk].value is None and not answers[q.pk].not_applicable)
        ]
        if missing:
            raise ValidationError(
                gettext("Answer every question first: %(questions)s.") % {"questions": "; ".join(missing)}
            ) from None
        raise ValidationError(str(error)) from None
    evaluation.score_pct, evaluation.compliance_failed = result.pct, result.compliance_failed
    return result


@transaction.atomic
def evaluation_start(*, interaction, version: QaFormVersion, by) -> QaEvaluation:
    _require_reviewer(by, interaction)
    if interaction.agent_id is None:
        raise ValidationError(gettext("This contact has no agent to evaluate."))
    if not version.form.is_active:
        raise ValidationError(gettext("This form is retired."))
    return QaEvaluation.objects.create(interaction=interaction, version=version, reviewer=by)


@transaction.atomic
def evaluation_answers_set(*, evaluation: QaEvaluation, by, answers: dict[int, AnswerInput]) -> QaEvaluation:
    """Save answers of a draft (some may still be empty)."""
    if evaluation.status != Status.DRAFT or evaluation.reviewer_id != by.pk:
        raise ValidationError(gettext("Only the reviewer changes a draft evaluation."))
    questions = {q.pk: q for q in evaluation_questions(evaluation)}
    for question_id, given in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ValidationError(gettext("That question is not on this evaluation's form."))
        if given.not_applicable and not question.allow_na:
            raise ValidationError(gettext("“%(question)s” cannot be answered N/A.") % {"question": question.text})
        QaAnswer.objects.update_or_create(
            evaluation=evaluation,
            question=question,
            defaults={
                "value": None if given.not_applicable else given.value,
                "not_applicable": given.not_applicable,
                "comment": given.comment.strip(),
            },
        )
    return evaluation


@transaction.atomic
def evaluation_submit(*, evaluation: QaEvaluation, by) -> QaEvaluation:
    if evaluation.status != Status.DRAFT or evaluation.reviewer_id != by.pk:
        raise ValidationError(gettext("Only the reviewer submits a draft evaluation."))
    _rescore(evaluation)
    evaluation.status, evaluation.evaluated_at = Status.SUBMITTED, timezone.now()
    evaluation.save(update_fields=["score_pct", "compliance_failed", "status", "evaluated_at"])
    _audit(Action.QA_EVALUATION_SUBMIT, evaluation, evaluation, by=by, after=_scored(evaluation))
    _recompute_day(evaluation)
    return evaluation


def _require_agent(evaluation: QaEvaluation, by) -> None:
    agent = evaluation.interaction.agent
    if agent is None or agent.user_id is None or agent.user_id != by.pk:
        raise ValidationError(gettext("Only the agent of this contact can do that."))


@transaction.atomic
def evaluation_acknowledge(*, evaluation: QaEvaluation, by) -> QaEvaluation:
    _require_agent(evaluation, by)
    if evaluation.status != Status.SUBMITTED:
        raise ValidationError(gettext("Only a submitted evaluation without open disputes can be acknowledged."))
    evaluation.status, evaluation.acknowledged_at = Status.ACKNOWLEDGED, timezone.now()
    evaluation.save(update_fields=["status", "acknowledged_at"])
    _audit(
        Action.QA_EVALUATION_ACKNOWLEDGE,
        evaluation,
        evaluation,
        by=by,
        before={"status": Status.SUBMITTED},
        after={"status": evaluation.status},
    )
    return evaluation


@transaction.atomic
def dispute_raise(*, answer: QaAnswer, by, reason: str) -> QaDispute:
    evaluation = QaEvaluation.objects.select_for_update().get(pk=answer.evaluation_id)
    _require_agent(evaluation, by)
    if evaluation.status == Status.DRAFT:
        raise ValidationError(gettext("A draft evaluation cannot be disputed."))
    if not reason.strip():
        raise ValidationError(gettext("Say why you dispute this answer."))
    if answer.disputes.exists():
        raise ValidationError(gettext("This answer has been disputed already."))
    before = evaluation.status
    evaluation.status = Status.DISPUTED
    evaluation.save(update_fields=["status"])
    dispute = QaDispute.objects.create(answer=answer, raised_by=by, reason=reason.strip())
    _audit(
        Action.QA_DISPUTE_RAISE,
        dispute,
        evaluation,
        by=by,
        before={"status": before},
        after={"status": evaluation.status, "question": answer.question_id, "reason": dispute.reason},
    )
    # The link, not the agent's name or reason: reviewers read them on the page.
    link = tenant_link("qa_evaluation", evaluation.pk)
    webhook_event_emit(
        event=WebhookEvent.QA_DISPUTED,
        data={"dispute_id": dispute.pk, "evaluation_id": evaluation.pk, "question_id": answer.question_id, "url": link},
        text=f"{gettext('A QA answer was disputed and waits for a reviewer.')} {link}",
    )
    return dispute


@transaction.atomic
def dispute_decide(*, dispute: QaDispute, by, decision: str, new_value: int | None = None, note: str = "") -> QaDispute:
    """Another reviewer decides: upheld changes the answer to ``new_value`` and rescores;
    rejected keeps it. Either way the decision is recorded on the dispute."""
    dispute = QaDispute.objects.select_for_update().select_related("answer__question").get(pk=dispute.pk)
    evaluation = (
        QaEvaluation.objects.select_for_update().select_related("interaction").get(pk=dispute.answer.evaluation_id)
    )
    _require_reviewer(by, evaluation.interaction)
    if evaluation.reviewer_id == by.pk:
        raise ValidationError(gettext("A dispute goes to another reviewer, not the one who evaluated."))
    if dispute.decision:
        raise ValidationError(gettext("This dispute has been decided already."))
    if decision not in (QaDispute.Decision.UPHELD, QaDispute.Decision.REJECTED):
        raise ValidationError(gettext("Decide: upheld or rejected."))
    answer = dispute.answer
    before = {"answer": answer.value, "not_applicable": answer.not_applicable, **_scored(evaluation)}
    if decision == QaDispute.Decision.UPHELD:
        if new_value is None:
            raise ValidationError(gettext("An upheld dispute needs the new answer."))
        try:
            qa_scoring.earned_points(
                qa_scoring.Question(
                    id=answer.question_id, section=0, scale=answer.question.scale, points=answer.question.points
                ),
                new_value,
            )
        except qa_scoring.ScoringError as error:
            raise ValidationError(str(error)) from None
        answer.value, answer.not_applicable = new_value, False
        answer.save(update_fields=["value", "not_applicable"])
        _rescore(evaluation)
    dispute.decision, dispute.decided_by, dispute.decided_at = decision, by, timezone.now()
    dispute.new_value = new_value if decision == QaDispute.Decision.UPHELD else None
    dispute.decision_note = note.strip()
    dispute.save(update_fields=["decision", "decided_by", "decided_at", "new_value", "decision_note"])
    if not QaDispute.objects.filter(answer__evaluation=evaluation, decision="").exists():
        evaluation.status = Status.ACKNOWLEDGED if evaluation.acknowledged_at else Status.SUBMITTED
    evaluation.save(update_fields=["score_pct", "compliance_failed", "status"])
    after = {"answer": answer.value, "not_applicable": answer.not_applicable, **_scored(evaluation)}
    _audit(
        Action.QA_DISPUTE_DECIDE,
        dispute,
        evaluation,
        by=by,
        before=before,
        after={**after, "decision": decision, "note": dispute.decision_note},
    )
    _recompute_day(evaluation)
    return dispute


CHECK_RULE_FIELDS = ("name", "kind", "phrase", "threshold_seconds", "channels", "question", "is_active")


@transaction.atomic
def check_rule_save(*, rule: QaCheckRule | None = None, **fields) -> tuple[QaCheckRule, dict]:
    """Create (``rule=None``) or change an automated check rule, then run it at once on every
    contact, so its results never lag behind its wording (a changed rule made inactive is not run).
    Returns the rule and the run's totals."""
    unknown = set(fields) - set(CHECK_RULE_FIELDS)
    if unknown:
        raise TypeError(f"not a check rule field: {', '.join(sorted(unknown))}")
    created = rule is None
    rule = rule or QaCheckRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    totals = qa_checks_run(rules=[rule]) if created or rule.is_active else {"checked": 0}
    return rule, totals


def sampling_plan_set(*, team, form: QaForm, per_agent_per_week: int, is_active: bool) -> QaSamplingPlan:
    """A team's one sampling plan, created or changed."""
    plan, _ = QaSamplingPlan.objects.update_or_create(
        team=team, defaults={"form": form, "per_agent_per_week": per_agent_per_week, "is_active": is_active}
    )
    return plan


def calibration_create(*, interaction, version: QaFormVersion, by) -> QaCalibration:
    """A calibration round on a contact the reviewer may see (the caller picked it from
    qa.selectors.reviewable_contacts)."""
    _require_reviewer(by, interaction)
    return QaCalibration.objects.create(interaction=interaction, version=version, created_by=by)
