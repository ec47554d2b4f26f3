"""A manager's "Needs you today": what waits on her in her own teams, each with a link to act.

Every list goes through the owning app's selector with ``fetched_by=manager`` (her teams'
agents only) and reads a few rows (sections.Section): one query per section, however much waits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from accounts.selectors import teams_visible_to
from coaching.models import CoachingSession, SessionStatus
from coaching.selectors import (
    action_items_overdue,
    sessions_unacknowledged,
    sessions_visible_to,
    signals_coachable_by,
)
from common.periods import WEEK, local_midnight, previous_period_start, week_start
from qa.selectors import disputes_pending_for
from surveys.models import FollowUp
from surveys.selectors import follow_ups_visible_to

from .kpi_lines import KpiLine, north_star_lines
from .sections import Section


@dataclass
class NeedsYou:
    sections: dict[str, Section]
    kpis_off_target: list[KpiLine] = field(default_factory=list)
    teams: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.kpis_off_target and not any(s.rows for s in self.sections.values())


def sessions_due(*, fetched_by, today: dt.date, tz) -> QuerySet[CoachingSession]:
    """Sessions waiting on their coach: asked for, planned for today or earlier (or with no
    date), or whose follow-up date has come."""
    tomorrow = local_midnight(today + dt.timedelta(days=1), tz)
    return (
        sessions_visible_to(fetched_by=fetched_by)
        .filter(
            Q(status=SessionStatus.REQUESTED)
            | Q(status=SessionStatus.PLANNED, scheduled_for__isnull=True)
            | Q(status=SessionStatus.PLANNED, scheduled_for__lt=tomorrow)
            | Q(status=SessionStatus.FOLLOW_UP, follow_up_on__lte=today)
        )
        .order_by("scheduled_for", "follow_up_on", "pk")
    )


def needs_you_today(*, manager: User, today: dt.date, tz) -> NeedsYou:
    this_week = week_start(today)
    teams = list(teams_visible_to(fetched_by=manager).prefetch_related(None).order_by("name"))
    signals = (
        signals_coachable_by(fetched_by=manager)
        # new: of this week or the last, and no session has been started about them yet
        .filter(week_start__gte=previous_period_start(WEEK, this_week), sessions__isnull=True)
        .select_related("agent")
        .order_by("-week_start", "agent__display_name", "kind", "pk")
    )
    sections = [
        Section.of("signals", signals, reverse("signals")),
        Section.of("sessions_due", sessions_due(fetched_by=manager, today=today, tz=tz), reverse("coaching_sessions")),
        Section.of(
            "overdue_actions",
            action_items_overdue(fetched_by=manager, today=today).select_related("session__agent"),
            reverse("coaching_sessions"),
        ),
        Section.of("unacknowledged", sessions_unacknowledged(fetched_by=manager), reverse("coaching_sessions")),
        Section.of(
            "follow_ups",
            follow_ups_visible_to(fetched_by=manager).filter(status=FollowUp.Status.OPEN).order_by("created_at", "pk"),
            reverse("survey_follow_ups"),
        ),
        Section.of("disputes", disputes_pending_for(fetched_by=manager), reverse("qa_disputes")),
    ]
    lines = north_star_lines(scope="team", groups=[(team.name, team) for team in teams], week=this_week)
    return NeedsYou(
        sections={s.key: s for s in sections},
        kpis_off_target=[line for line in lines if line.band == "red"],
        teams=teams,
    )
