"""Writes of coaching sessions: create, request, move through the workflow, evidence and
action items. Every change of status is a SessionEvent.

Workflow (one way, one source per step; ``TRANSITIONS`` is the whole table):
requested → planned (a coach) → held (a coach) → acknowledged (the agent, optional comment)
→ follow_up (a coach, with a date) → closed (a coach).
A coach is an admin or a manager of the agent's team (QA reviewers arrive with issue 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agent, Role, User
from audit.actions import Action
from audit.services import audit_record
from interactions.selectors import interactions_visible_to
from qa.models import QaEvaluation
from scorecards.models import KpiSnapshot
from surveys.models import SurveyResponse
from webhooks.links import tenant_link
from webhooks.models import Event as WebhookEvent
from webhooks.services import webhook_event_emit

from .models import ActionItem, CoachingSession, Evidence, SessionEvent, SessionStatus, Signal

S = SessionStatus
COACH, AGENT = "coach", "agent"


@dataclass(frozen=True)
class Step:
    source: str
    actor: str  # COACH or AGENT
    label: str | Promise  # the button
    refused: str | Promise  # why it cannot happen from any other status


L = gettext_lazy
TRANSITIONS: dict[str, Step] = {
    S.PLANNED: Step(S.REQUESTED, COACH, L("Plan it"), L("Only a requested session can be planned.")),
    S.HELD: Step(S.PLANNED, COACH, L("Mark held"), L("Only a planned session can be marked held.")),
    S.ACKNOWLEDGED: Step(
        S.HELD, AGENT, L("Acknowledge"), L("A session must be held before the agent can acknowledge it.")
    ),
    S.FOLLOW_UP: Step(
        S.ACKNOWLEDGED,
        COACH,
        L("Plan the follow-up"),
        L("The agent must acknowledge the session before a follow-up is planned."),
    ),
    S.CLOSED: Step(S.FOLLOW_UP, COACH, L("Close"), L("Only a session with a follow-up can be closed.")),
}


def is_coach(*, user: User, agent: Agent) -> bool:
    """An admin, or a manager of the agent's team."""
    role = getattr(user, "role", None)
    if role == Role.ADMIN:
        return True
    if role != Role.MANAGER:
        return False
    team = agent.team
    return team is not None and team.managers.filter(pk=user.pk).exists()


def is_the_agent(*, user: User, agent: Agent) -> bool:
    return agent.user_id is not None and agent.user_id == user.pk


def next_steps(*, session: CoachingSession, user: User) -> list[tuple[str, Step]]:
    """The transitions ``user`` may make now (what the page shows as buttons)."""
    steps = [(to, step) for to, step in TRANSITIONS.items() if step.source == session.status]
    if not steps:
        return []
    coach = is_coach(user=user, agent=session.agent)
    agent = is_the_agent(user=user, agent=session.agent)
    return [(to, s) for to, s in steps if (s.actor == COACH and coach) or (s.actor == AGENT and agent)]


def _event(session, *, from_status, by, comment="") -> SessionEvent:
    return SessionEvent.objects.create(
        session=session, from_status=from_status, to_status=session.status, by=by, comment=comment
    )


@transaction.atomic
def coaching_session_create(
    *,
    agent: Agent,
    by: User,
    focus_kpis: Iterable[str] = (),
    focus_behaviours: str = "",
    agenda: str | None = None,
    scheduled_for: dt.datetime | None = None,
    signal: Signal | None = None,
    evidence: Iterable[dict] = (),
) -> CoachingSession:
    """``coaching_session_create(agent=alice_agent, by=mona, focus_kpis=["fcr"], evidence=[{"kpi_snapshot": s}])``"""
    if not is_coach(user=by, agent=agent):
        raise ValidationError(_("Only a manager of the agent's team or an admin can plan a session."))
    if signal is not None and signal.agent_id != agent.pk:
        raise ValidationError(_("That signal is about another agent."))
    session = CoachingSession(
        agent=agent,
        coach=by,
        created_by=by,
        status=S.PLANNED,
        focus_kpis=list(focus_kpis),
        focus_behaviours=focus_behaviours,
        scheduled_for=scheduled_for,
        signal=signal,
    )
    if agenda is not None:
        session.agenda = agenda
    session.save()
    _event(session, from_status="", by=by)
    for item in evidence:
        evidence_add(session=session, by=by, **item)
    return session


@transaction.atomic
def coaching_session_request(*, agent_user: User, reason: str) -> CoachingSession:
    """An agent asks for a session; her managers see it as "requested"."""
    agent = Agent.objects.filter(user=agent_user).first()
    if agent is None:
        raise ValidationError(_("Only an agent can request a coaching session."))
    session = CoachingSession.objects.create(
        agent=agent, created_by=agent_user, status=S.REQUESTED, focus_behaviours=reason.strip()
    )
    _event(session, from_status="", by=agent_user, comment=reason.strip())
    # Only what routes the request: the link (managers of the team see who and why once logged
    # in); neither the agent's name nor her reason leaves for a chat channel.
    link = tenant_link("coaching_session", session.pk)
    team = agent.team.name if agent.team is not None else None
    text = _("An agent of team %(team)s asked for a coaching session.") % {"team": team or "—"}
    webhook_event_emit(
        event=WebhookEvent.COACHING_REQUESTED,
        data={"session_id": session.pk, "team": team, "url": link},
        text=f"{text} {link}",
    )
    return session


@transaction.atomic
def coaching_session_transition(
    *, session: CoachingSession, to: str, by: User, comment: str = "", follow_up_on: dt.date | None = None
) -> CoachingSession:
    """``coaching_session_transition(session=s, to="held", by=mona)``; ValidationError if not allowed."""
    session = CoachingSession.objects.select_for_update(of=("self",)).select_related("agent__team").get(pk=session.pk)
    step = TRANSITIONS.get(to)
    if step is None:
        raise ValidationError(_("“%(step)s” is not a step of the coaching workflow.") % {"step": to})
    if session.status == to:
        raise ValidationError(
            _("The session is already %(status)s.") % {"status": session.get_status_display().lower()}
        )
    if session.status != step.source:
        raise ValidationError(str(step.refused))
    if step.actor == AGENT and not is_the_agent(user=by, agent=session.agent):
        raise ValidationError(_("Only the agent can acknowledge their session."))
    if step.actor == COACH and not is_coach(user=by, agent=session.agent):
        raise ValidationError(_("Only a manager of the agent's team or an admin can do this."))
    now = timezone.now()
    from_status, session.status = session.status, to
    if to == S.PLANNED and session.coach_id is None:
        session.coach = by
    elif to == S.HELD:
        session.held_at = now
    elif to == S.ACKNOWLEDGED:
        session.acknowledged_at, session.agent_comment = now, comment.strip()
    elif to == S.FOLLOW_UP:
        if follow_up_on is None:
            raise ValidationError(_("A follow-up needs a date."))
        session.follow_up_on = follow_up_on
    elif to == S.CLOSED:
        session.closed_at = now
    session.save()
    _event(session, from_status=from_status, by=by, comment=comment.strip())
    return session


@transaction.atomic
def coaching_session_notes_set(*, session: CoachingSession, by: User, notes: str) -> CoachingSession:
    if not is_coach(user=by, agent=session.agent):
        raise ValidationError(_("Only a manager of the agent's team or an admin can edit the notes."))
    before = CoachingSession.objects.values_list("notes", flat=True).get(pk=session.pk)
    session.notes = notes
    if notes != before:
        session.save(update_fields=["notes"])
        # the notes are overwritten in place: the log keeps what they said
        audit_record(
            action=Action.COACHING_NOTE_EDIT,
            obj=session,
            object_label=f"coaching session #{session.pk} of {session.agent}",
            before={"notes": before},
            after={"notes": notes},
            actor=by,
        )
    return session


def _not_theirs(agent: Agent, what: str) -> str:
    return _(
        "%(what)s is about another agent's work. Evidence in %(agent)s's session can only be about "
        "%(agent)s's own contacts, values and customers: %(agent)s reads all of it."
    ) % {"what": what, "agent": agent}


@transaction.atomic
def evidence_add(
    *,
    session: CoachingSession,
    by: User,
    interaction_external_id: str = "",
    kpi_snapshot: KpiSnapshot | None = None,
    survey_response: SurveyResponse | None = None,
    qa_evaluation: QaEvaluation | None = None,
    note: str = "",
    reference: str = "",
) -> Evidence:
    """One of: a contact the coach can see (by its external id), a KPI snapshot (copied with its
    interval and n, so later recomputes do not rewrite the record), or a survey comment.

    Evidence is only ever about the session's agent: the agent reads every piece of it, so a
    colleague's contact, value or customer comment would expose that colleague to them."""
    if not is_coach(user=by, agent=session.agent):
        raise ValidationError(_("Only a manager of the agent's team or an admin can add evidence."))
    agent = session.agent
    evidence = Evidence(session=session, note=note, reference=reference)
    if interaction_external_id:
        interaction = interactions_visible_to(fetched_by=by).filter(external_id=interaction_external_id.strip()).first()
        if interaction is None:
            raise ValidationError(_("No contact “%(id)s” that you can see.") % {"id": interaction_external_id})
        if interaction.agent_id != agent.pk:
            raise ValidationError(_not_theirs(agent, _("Contact “%(id)s”") % {"id": interaction.external_id}))
        evidence.kind, evidence.interaction = Evidence.Kind.INTERACTION, interaction
    elif kpi_snapshot is not None:
        if kpi_snapshot.scope != "agent" or kpi_snapshot.key != agent.acd_login:
            raise ValidationError(_not_theirs(agent, _("This %(kpi)s value") % {"kpi": kpi_snapshot.kpi}))
        evidence.kind = Evidence.Kind.KPI
        for field in ("kpi", "period", "period_start", "value", "n", "ci_low", "ci_high"):
            setattr(evidence, field, getattr(kpi_snapshot, field))
    elif survey_response is not None:
        if survey_response.interaction.agent_id != agent.pk:
            raise ValidationError(_not_theirs(agent, _("This customer's comment")))
        evidence.kind, evidence.survey_response = Evidence.Kind.SURVEY_COMMENT, survey_response
        evidence.interaction = survey_response.interaction
    elif qa_evaluation is not None:
        if qa_evaluation.interaction.agent_id != agent.pk:
            raise ValidationError(_not_theirs(agent, _("This QA evaluation")))
        if qa_evaluation.calibration_id is not None or qa_evaluation.status == QaEvaluation.Status.DRAFT:
            raise ValidationError(
                _("Only a submitted QA evaluation can be evidence (not a draft or a calibration round).")
            )
        evidence.kind, evidence.qa_evaluation = Evidence.Kind.QA_EVALUATION, qa_evaluation
        evidence.interaction = qa_evaluation.interaction
    elif reference:
        evidence.kind = Evidence.Kind.QA_EVALUATION
    else:
        raise ValidationError(_("Evidence needs a contact, a KPI value, a survey comment or a QA evaluation."))
    evidence.save()
    return evidence


@transaction.atomic
def action_item_add(
    *, session: CoachingSession, by: User, description: str, owner: User, due_on: dt.date | None = None
) -> ActionItem:
    if not is_coach(user=by, agent=session.agent):
        raise ValidationError(_("Only a manager of the agent's team or an admin can add action items."))
    if owner.pk not in {session.agent.user_id, session.coach_id, by.pk}:
        raise ValidationError(_("An action item belongs to the agent or the coach."))
    return ActionItem.objects.create(session=session, description=description.strip(), owner=owner, due_on=due_on)


@transaction.atomic
def action_item_done(*, item: ActionItem, by: User) -> ActionItem:
    if item.owner_id != by.pk and not is_coach(user=by, agent=item.session.agent):
        raise ValidationError(_("Only the owner or the coach can mark this done."))
    if item.done_at is None:
        item.done_at = timezone.now()
        item.save(update_fields=["done_at"])
    return item
