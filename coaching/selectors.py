"""Reads of coaching sessions and action items, scoped to who is asking.

Admins see everything, managers the sessions of their teams' agents, agents their own;
"not yours" gives the same 404 as "not found".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Agent, Role, User
from accounts.selectors import agents_visible_to
from scorecards.models import KpiSnapshot

from .models import ActionItem, CoachingSession, DigestDelivery, SessionStatus, Signal

UNACKNOWLEDGED_AFTER = dt.timedelta(days=2)


def _agent_scope(fetched_by, prefix: str) -> Q | None:
    """None: everything; otherwise the filter on ``<prefix>agent``."""
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return None
    if role == Role.MANAGER:
        return Q(**{f"{prefix}agent__team__managers": fetched_by})
    if role == Role.AGENT:
        return Q(**{f"{prefix}agent__user": fetched_by})
    return Q(pk__in=[])


def sessions_visible_to(*, fetched_by) -> QuerySet[CoachingSession]:
    rows = CoachingSession.objects.select_related("agent__team", "agent__user", "coach")
    scope = _agent_scope(fetched_by, "")
    return rows if scope is None else rows.filter(scope)


def sessions_listed(
    *, fetched_by, today: dt.date | None = None, now: dt.datetime | None = None
) -> QuerySet[CoachingSession]:
    """The manager's list: each row knows whether it has overdue items or waits on the agent."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    overdue = ActionItem.objects.filter(session=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)
    return sessions_visible_to(fetched_by=fetched_by).annotate(
        has_overdue=Exists(overdue),
        unacknowledged=ExpressionWrapper(
            Q(status=SessionStatus.HELD, held_at__lt=now - UNACKNOWLEDGED_AFTER), output_field=BooleanField()
        ),
    )


def sessions_unacknowledged(*, fetched_by, now: dt.datetime | None = None) -> QuerySet[CoachingSession]:
    """Held more than two days ago and still not acknowledged by the agent."""
    now = now or timezone.now()
    return (
        sessions_visible_to(fetched_by=fetched_by)
        .filter(status=SessionStatus.HELD, held_at__lt=now - UNACKNOWLEDGED_AFTER)
        .order_by("held_at")
    )


def action_items_visible_to(*, fetched_by) -> QuerySet[ActionItem]:
    rows = ActionItem.objects.select_related("session__agent__team", "owner")
    scope = _agent_scope(fetched_by, "session__")
    return rows if scope is None else rows.filter(scope)


def action_items_overdue(*, fetched_by, today: dt.date | None = None) -> QuerySet[ActionItem]:
    today = today or timezone.localdate()
    return (
        action_items_visible_to(fetched_by=fetched_by)
        .filter(done_at__isnull=True, due_on__lt=today)
        .order_by("due_on", "pk")
    )


def agents_coachable_by(*, fetched_by) -> QuerySet[Agent]:
    """Whom a user may plan a session for: admins everyone, managers their teams' agents."""
    if getattr(fetched_by, "role", None) not in (Role.ADMIN, Role.MANAGER):
        return Agent.objects.none()
    return agents_visible_to(fetched_by=fetched_by)


def signals_coachable_by(*, fetched_by) -> QuerySet[Signal]:
    return Signal.objects.filter(agent__in=agents_coachable_by(fetched_by=fetched_by))


def latest_weekly_snapshots(*, agent: Agent, kpis: list[str]) -> list[KpiSnapshot]:
    """The most recent weekly value of each KPI for the agent (evidence for a new session)."""
    rows = (
        KpiSnapshot.objects.filter(scope="agent", key=agent.acd_login, period="week", kpi__in=kpis)
        .order_by("kpi", "-period_start")
        .distinct("kpi")
    )
    return list(rows)


# The digest pages are the admin's: deliveries and recipients of the whole center.
def digest_deliveries_list(*, limit: int = 500) -> list[DigestDelivery]:
    return list(
        # report rows share the ledger and are listed on the reports page (reports.selectors)
        DigestDelivery.objects.filter(kind__in=(DigestDelivery.Kind.MANAGER, DigestDelivery.Kind.AGENT))
        .select_related("recipient")
        .order_by("-week_start", "status", "recipient__email")[:limit]
    )


def digest_managers() -> QuerySet[User]:
    """Managers who get a digest: those with a team."""
    return User.objects.filter(role=Role.MANAGER, managed_teams__isnull=False).distinct().order_by("email")


def digest_recipient(*, kind: str, pk: int) -> User | None:
    """A manager (kind "manager") or an agent with an agent record (kind "agent"), or None."""
    role = Role.AGENT if kind == "agent" else Role.MANAGER
    person = User.objects.filter(role=role, pk=pk).first()
    if person is not None and kind == "agent" and not hasattr(person, "agent"):
        return None
    return person
