"""Demo QA for `make run`: one evaluation form, a few evaluations per agent and week (the
reviewers mostly agree with the transcript about the recording disclosure, so the automated
check's agreement is meaningful), and the disclosure rule. Idempotent; bulk-inserted."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from accounts.models import User
from common.periods import week_start
from interactions.demo import DISCLOSURE
from interactions.models import Interaction

from .models import (
    QaAnswer,
    QaCheckRule,
    QaEvaluation,
    QaForm,
    QaFormVersion,
    QaQuestion,
    QaSection,
)
from .scoring import Answer, Question, score

# (section, question, scale, points, allow N/A, compliance)
FORM = [
    ("Opening", "Greeted the customer and gave their name", "yes_no", 1, False, ""),
    ("Opening", "Gave the recording disclosure", "yes_no", 1, False, "auto_fail"),
    ("Understanding", "Confirmed the customer's issue in their own words", "one_to_five", 3, False, ""),
    ("Understanding", "Checked the account history before asking again", "yes_no", 2, True, ""),
    ("Resolution", "Resolved the issue or set a clear next step", "one_to_five", 4, False, ""),
    ("Resolution", "Verified identity before account changes", "yes_no", 1, True, "section_fail"),
    ("Closing", "Summarised and checked nothing else was needed", "yes_no", 1, False, ""),
]
# how well each persona of interactions/demo.py does, 0..1
SKILL = {"rusher": 0.55, "new_hire": 0.65, "complex": 0.85, "overloaded": 0.7}


def qa_demo_create(*, personas: dict[str, str], per_agent_week: int = 3, seed: int = 7) -> bool:
    if QaForm.objects.exists():
        return False
    rng = random.Random(seed)
    reviewer = User.objects.filter(role__in=["admin", "manager"]).order_by("pk").first()
    version = QaFormVersion.objects.create(form=QaForm.objects.create(name="Voice and chat quality"), number=1)
    questions = []
    sections: dict[str, QaSection] = {}
    for position, (title, text, scale, points, na, compliance) in enumerate(FORM):
        if title not in sections:
            sections[title] = QaSection.objects.create(version=version, title=title, position=len(sections))
        questions.append(
            QaQuestion.objects.create(
                section=sections[title],
                text=text,
                position=position,
                scale=scale,
                points=points,
                allow_na=na,
                compliance=compliance,
            )
        )
    QaCheckRule.objects.create(
        name="Recording disclosure", kind="required_phrase", phrase=DISCLOSURE, channels="voice", question=questions[1]
    )
    picked = _sample(rng, per_agent_week)
    evaluations, answer_sets = [], []
    for contact in picked:
        assert contact.agent is not None, "_sample picks contacts with an agent"
        skill = SKILL.get(personas.get(contact.agent.acd_login, ""), 0.9)
        answers = [_answer(rng, q, skill, contact) for q in questions]
        result = score(
            [Question(q.pk, q.section_id, q.scale, q.points, q.allow_na, q.compliance) for q in questions],
            [Answer(q.pk, value, na) for q, (value, na) in zip(questions, answers, strict=True)],
        )
        evaluations.append(
            QaEvaluation(
                interaction=contact,
                version=version,
                reviewer=reviewer,
                status="submitted",
                score_pct=result.pct,
                compliance_failed=result.compliance_failed,
                evaluated_at=contact.offered_at + dt.timedelta(days=1),
            )
        )
        answer_sets.append(answers)
    QaEvaluation.objects.bulk_create(evaluations, batch_size=1000)
    QaAnswer.objects.bulk_create(
        [
            QaAnswer(evaluation=evaluation, question=q, value=value, not_applicable=na)
            for evaluation, answers in zip(evaluations, answer_sets, strict=True)
            for q, (value, na) in zip(questions, answers, strict=True)
        ],
        batch_size=2000,
    )
    return True


def _sample(rng: random.Random, per_agent_week: int) -> list[Interaction]:
    """A few voice and chat contacts per agent and week, uniformly at random (reservoir
    sampling: memory stays flat over 100k+ contacts)."""
    contacts = (
        Interaction.objects.filter(outcome="answered", agent__isnull=False)
        .filter(Q(channel="voice") | Q(channel="chat"))
        .select_related("agent")
        .only("id", "offered_at", "transcript", "channel", "agent__acd_login")
        .order_by("id")
    )
    buckets: dict[tuple[int, dt.date], list[Interaction]] = {}
    seen: dict[tuple[int, dt.date], int] = {}
    for contact in contacts.iterator(chunk_size=5000):
        assert contact.agent_id is not None, "the query keeps contacts with an agent"
        key = (contact.agent_id, week_start(contact.offered_at.date()))
        seen[key] = seen.get(key, 0) + 1
        bucket = buckets.setdefault(key, [])
        if len(bucket) < per_agent_week:
            bucket.append(contact)
        else:
            index = rng.randrange(seen[key])
            if index < per_agent_week:
                bucket[index] = contact
    return [c for bucket in buckets.values() for c in bucket]


def _answer(rng: random.Random, question: QaQuestion, skill: float, contact: Interaction) -> tuple[int | None, bool]:
    if question.allow_na and rng.random() < 0.15:
        return None, True
    if question.compliance == "auto_fail":  # the disclosure: what the transcript shows, mostly
        said = DISCLOSURE in contact.transcript if contact.transcript else rng.random() < skill + 0.1
        return (int(said) if rng.random() < 0.93 else int(not said)), False
    if question.scale == "one_to_five":
        return min(5, max(1, round(rng.gauss(1 + 4 * skill, 0.8)))), False
    return int(rng.random() < skill + 0.05), False
