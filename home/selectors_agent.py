"""An agent's "My week": her own north-star KPIs against last week, what she has to do and
acknowledge, and the effort pulse when it is due. Her own rows only (``fetched_by=agent``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from accounts.selectors import own_agent
from coaching.models import SessionStatus
from coaching.selectors import action_items_visible_to, sessions_visible_to
from common.periods import week_start
from qa.models import QaEvaluation
from qa.selectors import evaluations_visible_to
from surveys.effort_selectors import effort_pulse_due

from .kpi_lines import KpiLine, north_star_lines
from .sections import Section


@dataclass
class MyWeek:
    has_agent: bool
    kpis: list[KpiLine] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    pulse_due: bool = False

    @property
    def nothing_to_do(self) -> bool:
        return not self.pulse_due and not any(s.rows for s in self.sections.values())


def my_week(*, user: User, today: dt.date, now: dt.datetime) -> MyWeek:
    agent = own_agent(fetched_by=user)
    if agent is None:  # a login not (yet) linked to an ACD login has no numbers and no sessions
        return MyWeek(has_agent=False)
    items = (
        action_items_visible_to(fetched_by=user)
        .filter(Q(owner=user) | Q(owner__isnull=True), done_at__isnull=True)
        .select_related("session")
        .order_by("due_on", "pk")
    )
    sessions = sessions_visible_to(fetched_by=user).filter(status=SessionStatus.HELD).order_by("held_at", "pk")
    evaluations = (
        evaluations_visible_to(fetched_by=user)
        .filter(status=QaEvaluation.Status.SUBMITTED)
        .order_by("-evaluated_at", "-pk")  # the latest first: older ones wait on "My evaluations"
    )

    sections = [
        Section.of("action_items", items, reverse("my_coaching")),
        Section.of("sessions", sessions, reverse("my_coaching")),
        Section.of("evaluations", evaluations, reverse("my_qa")),
    ]
    return MyWeek(
        has_agent=True,
        kpis=north_star_lines(scope="agent", groups=[(agent.acd_login, agent.team)], week=week_start(today)),
        sections={s.key: s for s in sections},
        pulse_due=effort_pulse_due(agent=agent, now=now),
    )
