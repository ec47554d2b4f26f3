"""Reads of QA, each scoped to who is asking (``fetched_by``): admins see the whole center,
managers their teams' agents and contacts, agents their own submitted evaluations. "Not found"
and "not yours" are the same empty result, so views answer both with one 404."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, Team
from accounts.selectors import teams_visible_to
from interactions.models import Interaction
from interactions.selectors import interactions_visible_to

from .models import (
    QaAnswer,
    QaCalibration,
    QaCheckResult,
    QaCheckRule,
    QaDispute,
    QaEvaluation,
    QaForm,
    QaQuestion,
    QaSamplingPlan,
)

Status = QaEvaluation.Status
REVIEWERS = (Role.ADMIN, Role.MANAGER)


def evaluations_visible_to(*, fetched_by) -> QuerySet[QaEvaluation]:
    """Admins: all; managers: their teams' agents' contacts; agents: their own, once
    submitted (a draft is the reviewer's). Calibration scores are never listed here."""
    rows = QaEvaluation.objects.filter(calibration__isnull=True).select_related(
        "interaction__agent", "interaction__queue", "version__form", "reviewer"
    )
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return rows
    if role == Role.MANAGER:
        return rows.filter(interaction__agent__team__managers=fetched_by)
    if role == Role.AGENT:
        return rows.filter(interaction__agent__user=fetched_by).exclude(status=Status.DRAFT)
    return rows.none()


def disputes_pending_for(*, fetched_by) -> QuerySet[QaDispute]:
    """Undecided disputes this reviewer may decide: visible to them, not on their own evaluations."""
    if getattr(fetched_by, "role", None) not in REVIEWERS:
        return QaDispute.objects.none()
    return (
        QaDispute.objects.filter(decision="", answer__evaluation__in=evaluations_visible_to(fetched_by=fetched_by))
        .exclude(answer__evaluation__reviewer=fetched_by)
        .select_related("answer__question", "answer__evaluation__interaction__agent", "raised_by")
        .order_by("raised_at")
    )


def evaluation_questions(evaluation: QaEvaluation) -> list[QaQuestion]:
    return list(
        QaQuestion.objects.filter(section__version=evaluation.version)
        .select_related("section")
        .order_by("section__position", "section__pk", "position", "pk")
    )


def reviewable_contacts(*, fetched_by) -> QuerySet[Interaction]:
    """Contacts a reviewer may evaluate, calibrate or read check results of: none for others."""
    if getattr(fetched_by, "role", None) not in REVIEWERS:
        return Interaction.objects.none()
    return interactions_visible_to(fetched_by=fetched_by)


def sampling_teams(*, fetched_by) -> QuerySet[Team]:
    """Teams whose sampling plan a reviewer may read and set: admins all, managers their own."""
    if getattr(fetched_by, "role", None) not in REVIEWERS:
        return Team.objects.none()
    return teams_visible_to(fetched_by=fetched_by).order_by("name")


def sampling_plans_of(*, teams: QuerySet[Team]) -> dict[int, QaSamplingPlan]:
    return {plan.team_id: plan for plan in QaSamplingPlan.objects.filter(team__in=teams).select_related("form")}


def check_rules_list() -> QuerySet[QaCheckRule]:
    """Every automated check rule, active first (rules name no person: any reviewer reads them)."""
    return QaCheckRule.objects.select_related("question").order_by("-is_active", "name", "pk")


def check_results_visible_to(*, fetched_by) -> QuerySet[QaCheckResult]:
    return QaCheckResult.objects.filter(interaction__in=reviewable_contacts(fetched_by=fetched_by)).select_related(
        "rule", "interaction__agent"
    )


def calibrations_visible_to(*, fetched_by) -> QuerySet[QaCalibration]:
    return (
        QaCalibration.objects.filter(interaction__in=reviewable_contacts(fetched_by=fetched_by))
        .select_related("interaction__agent", "version__form", "created_by", "agreed")
        .order_by("-created_at")
    )


def qa_forms_list() -> QuerySet[QaForm]:
    """Evaluation forms with their versions (forms name no person: any reviewer may read them)."""
    return QaForm.objects.prefetch_related("versions")


def default_form_id() -> int | None:
    """The form a new evaluation starts with unless the reviewer picks one: the first active
    form that has a version."""
    return QaForm.objects.filter(is_active=True, versions__isnull=False).values_list("pk", flat=True).first()


def answers_undisputed(*, evaluation: QaEvaluation) -> QuerySet[QaAnswer]:
    """Answers of an evaluation (already read through evaluations_visible_to) not yet disputed."""
    return QaAnswer.objects.filter(evaluation=evaluation, disputes__isnull=True).select_related("question")


def evaluation_of_contact(*, fetched_by, external_id: str) -> QaEvaluation | None:
    """The latest submitted (not draft, not calibration) evaluation of a contact the caller may
    see, or None."""
    return (
        evaluations_visible_to(fetched_by=fetched_by)
        .exclude(status=Status.DRAFT)
        .filter(interaction__external_id=external_id)
        .order_by("-evaluated_at", "-pk")
        .first()
    )
