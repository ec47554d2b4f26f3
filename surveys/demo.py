"""Demo surveys for `make run`: survey definitions, invitations behind the imported responses
(plus the unanswered ones a real response rate needs), and a weekly effort pulse per agent.

Deterministic (seeded), idempotent (does nothing once the demo has invitations), and
bulk-inserted: the demo tenant has tens of thousands of contacts.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db.models import Exists, OuterRef

from accounts.models import Agent
from common.periods import week_start
from interactions.models import Interaction, InteractionType
from surveys.models import DEFAULT_QUESTIONS, EffortResponse, Survey, SurveyInvitation, SurveyResponse

# agents with these demo personas (interactions/demo.py) find the job harder, and the
# overloaded ones more so week after week
EFFORT_BY_PERSONA = {"overloaded": 5.2, "new_hire": 4.6, "complex": 4.3, "rusher": 3.6}


def demo_surveys_create(*, personas: dict[str, str], seed: int = 42) -> str | None:
    """Create the demo's surveys, invitations and effort answers; return one open invitation
    token a visitor can answer (None when the demo already had them)."""
    if SurveyInvitation.objects.exists():
        return None
    rng = random.Random(seed)
    surveys = {
        kind: Survey.objects.create(
            kind=kind,
            name=f"Post-contact {kind.upper()}",
            question=DEFAULT_QUESTIONS[kind],
            sample_pct=25,
            follow_up_question="What could we have done better?",
        )
        for kind in ("csat", "nps", "ces")
    }
    # (id of the response the invitation is for, or None for an unanswered one, invitation)
    invitations: list[tuple[int | None, SurveyInvitation]] = []
    answered = SurveyResponse.objects.values_list("id", "survey", "interaction_id", "interaction__ended_at")
    for response_id, kind, interaction_id, ended in answered.iterator():
        invitations.append(
            (
                response_id,
                SurveyInvitation(
                    survey=surveys[kind],
                    interaction_id=interaction_id,
                    token=secrets.token_urlsafe(32),
                    expires_at=(ended or dt.datetime.now(dt.UTC)) + dt.timedelta(days=7),
                ),
            )
        )
    # Three unanswered invitations for every answer: a response rate of about 25%.
    unanswered = (
        Interaction.objects.filter(outcome="answered")
        .exclude(Exists(SurveyResponse.objects.filter(interaction=OuterRef("pk"))))
        .values_list("id", "ended_at")
    )
    kinds = list(surveys)
    for interaction_id, ended in unanswered.iterator():
        if rng.random() < 0.3:
            invitations.append(
                (
                    None,
                    SurveyInvitation(
                        survey=surveys[rng.choice(kinds)],
                        interaction_id=interaction_id,
                        token=secrets.token_urlsafe(32),
                        source="sampling",
                        expires_at=(ended or dt.datetime.now(dt.UTC)) + dt.timedelta(days=7),
                    ),
                )
            )
    created = SurveyInvitation.objects.bulk_create([inv for _, inv in invitations], batch_size=2000)
    links = [
        SurveyResponse(id=response_id, invitation=inv)
        for (response_id, _), inv in zip(invitations, created, strict=True)
        if response_id
    ]
    SurveyResponse.objects.bulk_update(links, ["invitation"], batch_size=2000)
    _effort_answers(rng, personas)
    # The newest unanswered invitation, with a week to go, for a visitor to try the link.
    latest = SurveyInvitation.objects.filter(response__isnull=True).order_by("-interaction__offered_at").first()
    if latest is None:
        return None
    latest.expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    latest.save(update_fields=["expires_at"])
    return latest.token


def _effort_answers(rng: random.Random, personas: dict[str, str]) -> None:
    first = Interaction.objects.order_by("offered_at").values_list("offered_at", flat=True).first()
    if first is None:
        return
    monday = week_start(first.date())
    weeks = max(1, (dt.datetime.now(dt.UTC).date() - monday).days // 7)
    answers = []
    for agent in Agent.objects.filter(acd_login__in=personas):
        persona = personas[agent.acd_login]
        base = EFFORT_BY_PERSONA.get(persona, 3.2)
        for week in range(weeks):
            if rng.random() < 0.15:  # not everyone answers every week
                continue
            drift = 0.08 * week if persona == "overloaded" else 0.0
            # Most weeks feel like the last: an agent's own history page (the only place her
            # answers are shown) reads as a trend, not as noise.
            wobble = rng.choice([-1, 1]) if rng.random() < 0.2 else 0
            effort = min(7, max(1, round(base + drift) + wobble))
            when = dt.datetime.combine(
                monday + dt.timedelta(weeks=week, days=rng.randrange(5)), dt.time(8, rng.randrange(60)), tzinfo=dt.UTC
            )
            answers.append(
                EffortResponse(
                    agent=agent,
                    team_id=agent.team_id,
                    submitted_at=when,
                    effort=effort,
                    tools=min(7, max(1, effort + rng.choice([-1, 0, 0, 1]))),
                    knowledge_base=min(7, max(1, effort + rng.choice([-2, -1, 0, 1]))),
                    process=min(7, max(1, effort + rng.choice([-1, 0, 1, 1]))),
                )
            )
    created = EffortResponse.objects.bulk_create(answers, batch_size=2000)
    # Most agents find tech support and retention the hardest; some name billing too.
    types = {t.name: t.pk for t in InteractionType.objects.all()}
    through = EffortResponse.hardest_types.through
    links = []
    for answer in created:
        for name, chance in (("tech_support", 0.6), ("retention", 0.45), ("billing", 0.2)):
            if name in types and rng.random() < chance:
                links.append(through(effortresponse_id=answer.pk, interactiontype_id=types[name]))
    through.objects.bulk_create(links, batch_size=2000)
